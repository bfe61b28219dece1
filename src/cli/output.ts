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
  if (opts.json) jsonAnswers++;
  const text = opts.json ? JSON.stringify(data, null, 2) : human();
  if (text !== '') process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

// A command that fails after answering with its own JSON report (a failed check, say) has already
// given scripts their one JSON document: the error line then goes to stderr only.
let jsonAnswers = 0;

/** How many JSON answers this process has written to stdout (a run compares before and after). */
export const jsonAnswerCount = (): number => jsonAnswers;

/** `yes`/`no` for boolean table cells. */
export const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

/** Key/value lines for a single object, keys aligned. */
export function formatFields(fields: readonly (readonly [string, string])[]): string {
  const width = Math.max(...fields.map(([k]) => k.length)) + 1;
  return fields.map(([k, v]) => `${`${k}:`.padEnd(width)} ${printable(v)}`).join('\n');
}
