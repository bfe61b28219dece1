import { DomainError } from '../../domain/errors.js';
import { type Instant, type MinuteOfDay, fromLocal, isValidTimeZone } from '../../domain/time.js';

/** .NET's DateTime.MinValue: how MIM wrote a time that is not set (no zone, never null). */
export const UNSET_WIRE_TIME = '0001-01-01T00:00:00';

const MINUTES_PER_DAY = 24 * 60;

// Bounded quantifiers only, so no input can make these backtrack for long.
const ISO = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:\d{2})?$/;
const SPACED = /^(\d{4})([/-])(\d{1,2})\2(\d{1,2}) +(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

const REQUESTED_TIME_FORMATS =
  "'YYYY/MM/DD HH:mm' or 'YYYY-MM-DD HH:mm[:ss]' (read in the server's time zone), " +
  "or ISO 8601 'YYYY-MM-DDTHH:mm[:ss[.fff]]' with 'Z' or an offset such as '+02:00' (without one it is read in the server's time zone)";

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** A UTC reading as an instant, correct for years 0-99 too (Date.UTC would move them to 19xx). */
function utcInstant(f: Fields): Instant {
  const d = new Date(0);
  d.setUTCFullYear(f.year, f.month - 1, f.day);
  d.setUTCHours(f.hour, f.minute, f.second, f.millisecond);
  return d.getTime();
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Why the fields do not name a real moment, or null when they do. Years as .NET allows them. */
function fieldProblem(f: Fields): string | null {
  if (f.year < 1 || f.year > 9999) return `year ${f.year} is outside 0001-9999`;
  if (f.month < 1 || f.month > 12) return `month ${f.month} does not exist`;
  if (f.day < 1 || f.day > daysInMonth(f.year, f.month)) return `day ${f.day} does not exist in month ${f.month} of ${f.year}`;
  if (f.hour > 23) return `hour ${f.hour} is out of range (00-23)`;
  if (f.minute > 59) return `minute ${f.minute} is out of range (00-59)`;
  if (f.second > 59) return `second ${f.second} is out of range (00-59)`;
  return null;
}

/** Milliseconds of a fraction of any length; digits beyond milliseconds are dropped as .NET ticks would be. */
function fractionMs(fraction: string | undefined): number {
  return fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0;
}

/** Offset of `Z`, `+hh:mm` or `-hh:mm` in minutes east of UTC, or a reason it is not one. */
function offsetMinutes(zone: string): number | string {
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 14 || minutes > 59 || (hours === 14 && minutes > 0)) return `offset ${zone} is out of range (-14:00 to +14:00)`;
  return sign * (hours * 60 + minutes);
}

type IsoParts = { fields: Fields; zone: string | undefined };

function matchIso(raw: string): IsoParts | string {
  const m = ISO.exec(raw);
  if (!m) return 'expected YYYY-MM-DDTHH:mm[:ss[.fffffff]] with an optional Z or ±hh:mm';
  const fields: Fields = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: m[6] === undefined ? 0 : Number(m[6]),
    millisecond: fractionMs(m[7]),
  };
  return fieldProblem(fields) ?? { fields, zone: m[8] };
}

function zonedInstant(parts: IsoParts & { zone: string }): Instant | string {
  const offset = offsetMinutes(parts.zone);
  if (typeof offset === 'string') return offset;
  return utcInstant(parts.fields) - offset * 60_000;
}

export type WireDateTimeResult = { ok: true; at: Instant } | { ok: false; reason: string };

/** parseWireDateTime without the throw, for callers that word the error themselves. */
export function tryParseWireDateTime(raw: string): WireDateTimeResult {
  const parts = matchIso(raw);
  if (typeof parts === 'string') return { ok: false, reason: parts };
  // A missing zone is UTC: that is how MIM wrote its own unset value and how OData v3 reads datetime'...'.
  const at = zonedInstant({ ...parts, zone: parts.zone ?? 'Z' });
  return typeof at === 'string' ? { ok: false, reason: at } : { ok: true, at };
}

function shown(text: string): string {
  return `'${text.length > 40 ? `${text.slice(0, 37)}...` : text}'`;
}

/**
 * An ISO 8601 date-time as MIM writes and reads it (`2015-01-09T08:26:49.721Z`,
 * `0001-01-01T00:00:00`): optional seconds and fraction, optional `Z` or `±hh:mm`, no zone = UTC.
 */
export function parseWireDateTime(raw: string): Instant {
  const r = tryParseWireDateTime(raw);
  if (!r.ok) throw new DomainError('BadRequest', `${shown(raw)} is not a valid date and time: ${r.reason}`);
  return r.at;
}

/** ISO UTC with `Z`, with the milliseconds' trailing zeros dropped as .NET prints them. */
export function formatWireTime(at: Instant | null): string {
  if (at === null) return UNSET_WIRE_TIME;
  const iso = new Date(at).toISOString(); // throws RangeError for NaN: a bug in the caller, not bad input
  const [whole, ms] = [iso.slice(0, -5), iso.slice(-4, -1)];
  const fraction = ms.replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}Z` : `${whole}Z`;
}

/** A time of day in MIM's encoding: that time on day 0001-01-01, no zone. */
export function formatTimeOfDay(minutes: MinuteOfDay): string {
  if (!Number.isInteger(minutes) || minutes < 0 || minutes >= MINUTES_PER_DAY) {
    throw new RangeError(`minute of day out of range: ${minutes}`);
  }
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `0001-01-01T${hh}:${mm}:00`;
}

/**
 * The inverse of formatTimeOfDay for filter values: only a whole minute on 0001-01-01 means a time
 * of day, and a zone other than UTC would mean nothing since the window is read in the role's zone.
 */
export function parseTimeOfDay(raw: string): MinuteOfDay {
  const explain = 'a time of day is written as that time on day 0001-01-01 with zero seconds, e.g. 0001-01-01T08:00:00';
  const parts = matchIso(raw);
  if (typeof parts === 'string') throw new DomainError('BadRequest', `${shown(raw)} is not a valid date and time: ${parts}`);
  const { fields: f, zone } = parts;
  if (zone !== undefined && offsetMinutes(zone) !== 0) {
    throw new DomainError('BadRequest', `${shown(raw)} has a zone offset; ${explain}`);
  }
  if (f.year !== 1 || f.month !== 1 || f.day !== 1 || f.second !== 0 || f.millisecond !== 0) {
    throw new DomainError('BadRequest', `${shown(raw)} is not a time of day; ${explain}`);
  }
  return f.hour * 60 + f.minute;
}

/**
 * The RequestedTime parameter of a new request. Empty means "now" (null). A zoned ISO time is that
 * instant; the sample portal's picker text (`2015/07/11 23:40`) and other zone-less forms are a wall
 * clock reading in `timeZone`, the server's configured zone.
 */
export function parseRequestedTime(text: string, timeZone: string): Instant | null {
  if (typeof text !== 'string') {
    throw new DomainError('BadRequest', `RequestedTime must be text; accepted formats: ${REQUESTED_TIME_FORMATS}`, {
      parameter: 'RequestedTime',
    });
  }
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const bad = (why: string): never => {
    throw new DomainError('BadRequest', `RequestedTime ${shown(trimmed)} ${why}; accepted formats: ${REQUESTED_TIME_FORMATS}`, {
      parameter: 'RequestedTime',
    });
  };
  let local: Fields;
  const spaced = SPACED.exec(trimmed);
  if (spaced) {
    local = {
      year: Number(spaced[1]),
      month: Number(spaced[3]),
      day: Number(spaced[4]),
      hour: Number(spaced[5]),
      minute: Number(spaced[6]),
      second: spaced[7] === undefined ? 0 : Number(spaced[7]),
      millisecond: 0,
    };
    const problem = fieldProblem(local);
    if (problem) return bad(`is not a valid date and time (${problem})`);
  } else {
    if (!ISO.test(trimmed)) return bad('is not in a recognised format');
    const parts = matchIso(trimmed);
    if (typeof parts === 'string') return bad(`is not a valid date and time (${parts})`);
    if (parts.zone !== undefined) {
      const at = zonedInstant({ fields: parts.fields, zone: parts.zone });
      return typeof at === 'string' ? bad(`is not a valid date and time (${at})`) : at;
    }
    local = parts.fields;
  }
  if (!isValidTimeZone(timeZone)) throw new RangeError(`unknown server time zone '${timeZone}'`);
  return fromLocal(local, timeZone);
}
