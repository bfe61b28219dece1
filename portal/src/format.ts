// Times: the API speaks UTC; people read their browser's zone. Role windows are times of day in
// the server's zone, so they are shown as the server states them and labelled so.

/** .NET's DateTime.MinValue: how the MIM API writes "not set". */
const UNSET = '0001-01-01T00:00:00';

export function isSet(wire: string): boolean {
  return wire !== '' && !wire.startsWith(UNSET);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function when(at: string | number | null): string {
  if (at === null || (typeof at === 'string' && !isSet(at))) return '—';
  return dateTime.format(new Date(at));
}

/** "2 h 30 min", "45 min", "30 s". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts: string[] = [];
  if (h) parts.push(`${h} h`);
  if (m) parts.push(`${m} min`);
  if (!h && !m) parts.push(`${s % 60} s`);
  return parts.join(' ');
}

/** A live countdown: "1:02:05" or "4:09" (hours only when needed). */
export function clock(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** "08:00" from MIM's "0001-01-01T08:00:00". */
export function timeOfDay(wire: string): string {
  return wire.slice(11, 16);
}

export function minutesToHhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** A datetime-local value (the browser's zone) as an instant the server reads unambiguously. */
export function localInputToIso(value: string): string {
  return new Date(value).toISOString();
}

/** The start of a yyyy-mm-dd date in the browser's zone, as an OData datetime literal. */
export function dayStart(date: string, plusDays = 0): string {
  const d = new Date(`${date}T00:00`);
  d.setDate(d.getDate() + plusDays);
  return `datetime'${d.toISOString()}'`;
}

export function today(plusDays = 0): string {
  const d = new Date();
  d.setDate(d.getDate() + plusDays);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
