import { printable } from './table.js';

/** Options every command accepts. */
export interface OutputOptions {
  readonly json?: boolean | undefined;
}

/**
 * Writes the result: `data` as JSON for scripts with `--json`, otherwise the text `human` builds.
 * Both go to stdout; diagnostics go to stderr so a pipe only ever sees the result.
 */
export function emit(opts: OutputOptions, data: unknown, human: () => string): void {
  const text = opts.json ? JSON.stringify(data, null, 2) : human();
  if (text !== '') process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** `yes`/`no` for boolean table cells. */
export const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

/** Key/value lines for a single object, keys aligned. */
export function formatFields(fields: readonly (readonly [string, string])[]): string {
  const width = Math.max(...fields.map(([k]) => k.length)) + 1;
  return fields.map(([k, v]) => `${`${k}:`.padEnd(width)} ${printable(v)}`).join('\n');
}
