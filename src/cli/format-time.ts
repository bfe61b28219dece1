/** .NET's DateTime.MinValue: how the MIM wire format says "not set". */
const UNSET = '0001-01-01T00:00:00';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * A moment as `YYYY-MM-DD HH:mm:ss` in the local time zone of whoever runs the CLI, or `-` when it
 * is not set. Accepts epoch milliseconds (the store) or ISO strings (the wire).
 */
export function formatLocalTime(at: number | string | null | undefined): string {
  if (at === null || at === undefined || at === '' || (typeof at === 'string' && at.startsWith(UNSET))) return '-';
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A duration in seconds for people: `3600` becomes `1h`, `5400` becomes `1h30m`. */
export function formatDuration(seconds: number | string): string {
  let s = Number(seconds);
  if (!Number.isFinite(s)) return String(seconds);
  if (s === 0) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  return parts.join('');
}
