import { createInterface } from 'node:readline/promises';
import { CliError, usageError } from './cli-error.js';
import type { OutputOptions } from './output.js';

/** `--yes`: the flag of every destructive command that skips its confirmation. */
export interface ConfirmOptions extends OutputOptions {
  readonly yes?: boolean | undefined;
}

/**
 * Asks before a destructive change. The summary (what changes, and what else changes with it) goes
 * to stderr so stdout keeps only the result; with `--yes` it is still printed (not with --json).
 * On a terminal it asks "Proceed? [y/N]"; without a terminal, or with --json, and without --yes it
 * refuses with a usage error (exit 2) before anything changes.
 */
export async function confirmChange(f: ConfirmOptions, action: string, summary: string): Promise<void> {
  if (!f.json) process.stderr.write(summary.endsWith('\n') ? summary : `${summary}\n`);
  if (f.yes) return;
  if (f.json || process.stdin.isTTY !== true) throw usageError(`refusing to ${action} without confirmation: pass --yes`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  let answer: string;
  try {
    answer = (await rl.question('Proceed? [y/N] ')).trim().toLowerCase();
  } finally {
    rl.close();
  }
  if (answer !== 'y' && answer !== 'yes') throw new CliError(`did not ${action}: not confirmed; nothing was changed`);
}

/** `-y, --yes` on a command. */
export const YES_FLAG = ['-y, --yes', 'do not ask for confirmation (needed without a terminal, and with --json)'] as const;
