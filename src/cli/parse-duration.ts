import { usageError } from './cli-error.js';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * Seconds from `3600`, `90s`, `30m`, `2h`, `1d` or a combination such as `1h30m`. Whole seconds
 * only, because the API carries TTLs as strings of whole seconds.
 */
export function parseDuration(text: string, what = 'duration'): number {
  const s = text.trim().toLowerCase();
  if (/^\d{1,10}$/.test(s)) return Number(s);
  const parts = /^(?:(\d{1,6})d)?(?:(\d{1,7})h)?(?:(\d{1,9})m)?(?:(\d{1,10})s)?$/.exec(s);
  if (s === '' || !parts) throw usageError(`${what} must be seconds or a duration such as 90s, 30m, 2h or 1h30m; got '${text}'`);
  const [, d, h, m, sec] = parts;
  return [d, h, m, sec].reduce((sum, v, i) => sum + Number(v ?? 0) * UNITS['dhms'[i]!]!, 0);
}
