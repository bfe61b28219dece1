/**
 * Renders rows as left-aligned columns separated by two spaces, headers first. The last column is
 * not padded, so lines carry no trailing blanks.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows].map((r) => headers.map((_, i) => printable(r[i] ?? '')));
  const widths = headers.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all
    .map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}

/**
 * Names and justifications come from other users and from the server. Control characters in them
 * could move the cursor or rewrite what the terminal shows, so they are made visible instead.
 */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
