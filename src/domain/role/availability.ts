import { DomainError } from '../errors.js';
import { type Instant, formatMinuteOfDay, fromLocal, instantsAtLocal, minuteOfDay, toLocal } from '../time.js';
import type { AvailabilityWindow } from './role.js';

export function describeWindow(w: AvailabilityWindow, serverZone: string): string {
  return `${formatMinuteOfDay(w.from)}-${formatMinuteOfDay(w.to)} (${w.timeZone ?? serverZone})`;
}

function isInside(w: AvailabilityWindow, m: number): boolean {
  if (w.from === w.to) return true; // a window as long as the day: no restriction in effect
  return w.from < w.to ? m >= w.from && m < w.to : m >= w.from || m < w.to;
}

/**
 * The instant the window that contains `at` closes, or null when `at` lies outside the window.
 * A window of equal ends spans the whole day and never closes.
 */
export function windowEndFor(w: AvailabilityWindow, at: Instant, serverZone: string): Instant | null | 'never' {
  const zone = w.timeZone ?? serverZone;
  const m = minuteOfDay(at, zone);
  if (!isInside(w, m)) return null;
  if (w.from === w.to) return 'never';
  const local = toLocal(at, zone);
  // The end falls today, unless the window crosses midnight and we are before midnight.
  const endIsTomorrow = w.from > w.to && m >= w.from;
  const day = new Date(Date.UTC(local.year, local.month - 1, local.day + (endIsTomorrow ? 1 : 0)));
  const end = {
    year: day.getUTCFullYear(),
    month: day.getUTCMonth() + 1,
    day: day.getUTCDate(),
    hour: Math.floor(w.to / 60),
    minute: w.to % 60,
    second: 0,
    millisecond: 0,
  };
  // When the end falls in a fall-back overlap it happens twice; the window that contains `at`
  // ends at the first of those after `at`.
  return instantsAtLocal(end, zone).find((t) => t > at) ?? fromLocal(end, zone);
}

/**
 * Checks that an activation may start at `startAt` and returns the latest instant it may last to
 * (the window's end), or null when the window does not limit it.
 */
export function checkWindow(w: AvailabilityWindow | null, startAt: Instant, serverZone: string): Instant | null {
  if (!w) return null;
  const end = windowEndFor(w, startAt, serverZone);
  if (end === null) {
    throw new DomainError(
      'OutsideAvailabilityWindow',
      `This role can only be activated between ${describeWindow(w, serverZone)}; the requested start ` +
        `${formatMinuteOfDay(minuteOfDay(startAt, w.timeZone ?? serverZone))} local time is outside that window.`,
      { window: describeWindow(w, serverZone) },
    );
  }
  return end === 'never' ? null : end;
}
