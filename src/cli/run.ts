import { CommanderError } from 'commander';
import { ConfigError } from '../config/load.js';
import { isDomainError } from '../domain/errors.js';
import { packageVersion } from '../config/package-version.js';
import { buildProgram } from './build-program.js';
import { CliError } from './cli-error.js';
import { jsonAnswerCount } from './output.js';

/**
 * Runs one command line and returns the exit status: 0 success, 1 the work failed, 2 the command
 * line was wrong. Expected failures print one `elevate: ...` line; only bugs print a stack.
 */
export async function run(argv: readonly string[]): Promise<number> {
  const answersBefore = jsonAnswerCount();
  const fail = failure(argv.includes('--json'), () => jsonAnswerCount() > answersBefore);
  try {
    await buildProgram(packageVersion()).parseAsync([...argv]);
    return 0;
  } catch (e) {
    // Commander has already printed its message (or the help it was asked for).
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : fail(commanderMessage(e), 2, 'usage', false);
    if (e instanceof CliError) return fail(e.message, e.exitCode, e.serverCode ?? (e.exitCode === 2 ? 'usage' : 'failed'));
    if (isDomainError(e)) return fail(e.message, 1, e.code);
    if (e instanceof ConfigError) return fail(e.message, 1, 'config');
    return fail(`unexpected error: ${(e as Error)?.stack ?? String(e)}`, 1, 'internal');
  }
}

/** Commander's own message without its `error: ` prefix (it has printed it to stderr already). */
const commanderMessage = (e: CommanderError): string => e.message.replace(/^error: /, '');

/**
 * One error format: `elevate: <message>` on stderr and a non-zero exit; with `--json` also a JSON
 * object on stdout, `{"error": {"code", "message", "exitCode"}}`, so a script that parses stdout
 * always gets exactly one JSON document (a command that failed after writing its own report adds none).
 */
function failure(json: boolean, answered: () => boolean) {
  return (message: string, exitCode: number, code: string, toStderr = true): number => {
    if (toStderr) process.stderr.write(`elevate: ${message}\n`);
    if (json && !answered()) process.stdout.write(`${JSON.stringify({ error: { code, message, exitCode } })}\n`);
    return exitCode;
  };
}
