/**
 * Time in the domain is UTC epoch milliseconds. Nothing here reads a clock: callers pass `now`.
 * Time-zone arithmetic uses the built-in Intl database so the domain needs no imports.
 */
export type Instant = number;
export type Seconds = number;

export const SECOND_MS = 1000;

export function addSeconds(at: Instant, seconds: Seconds): Instant {
  return at + seconds * SECOND_MS;
}

/** A time of day as minutes after local midnight (0..1439). */
export type MinuteOfDay = number;

export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime's time-zone database knows `timeZone` (an IANA name such as `Europe/Paris`). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    // Intl throws RangeError for unknown zones; that is the answer, not a failure.
    return false;
  }
}

/** The wall-clock reading in `timeZone` at `at`. */
export function toLocal(at: Instant, timeZone: string): LocalDateTime {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(at))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
    millisecond: ((at % 1000) + 1000) % 1000,
  };
}

function localAsUtc(l: LocalDateTime): number {
  const d = new Date(0);
  d.setUTCFullYear(l.year, l.month - 1, l.day);
  d.setUTCHours(l.hour, l.minute, l.second, l.millisecond);
  return d.getTime();
}

/** The zone's offset from UTC at `at`, in milliseconds (local minus UTC). */
function offsetAt(at: Instant, timeZone: string): number {
  return localAsUtc(toLocal(at, timeZone)) - at;
}

/**
 * Every instant at which the wall clock in `timeZone` reads `local`, earliest first: one normally,
 * two in a fall-back overlap, none in a spring-forward gap.
 */
export function instantsAtLocal(local: LocalDateTime, timeZone: string): Instant[] {
  const wanted = localAsUtc(local);
  // Offsets run from -12:00 to +14:00, so the instant lies within 14 hours either side of
  // `wanted` (12 hours is too narrow for Pacific/Auckland in summer, at +13:00). Zones change
  // offset at most once in that span, so the offsets at its two ends are the only candidates.
  const SPAN = 14 * 3600 * 1000;
  const candidates = new Set([wanted - offsetAt(wanted - SPAN, timeZone), wanted - offsetAt(wanted + SPAN, timeZone)]);
  return [...candidates].filter((t) => localAsUtc(toLocal(t, timeZone)) === wanted).sort((a, b) => a - b);
}

/**
 * The instant at which the wall clock in `timeZone` reads `local`. In a fall-back overlap the
 * earlier of the two instants wins; a reading inside a spring-forward gap does not exist and is
 * moved forward by the gap (02:30 becomes 03:30), as most calendars do.
 */
export function fromLocal(local: LocalDateTime, timeZone: string): Instant {
  const fits = instantsAtLocal(local, timeZone);
  if (fits.length > 0) return fits[0]!;
  const wanted = localAsUtc(local);
  return wanted - offsetAt(wanted - 14 * 3600 * 1000, timeZone);
}

/** Minutes after local midnight in `timeZone`. */
export function minuteOfDay(at: Instant, timeZone: string): MinuteOfDay {
  const l = toLocal(at, timeZone);
  return l.hour * 60 + l.minute;
}

export function formatMinuteOfDay(m: MinuteOfDay): string {
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
