/**
 * A failure the CLI reports as one line, without a stack trace. Exit codes follow the usual
 * convention scripts rely on: 2 when the command line itself is wrong, 1 when the work failed.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
    /** The server's error code (`odata.error.code`) when the server refused, so commands can react to it. */
    readonly serverCode: string | null = null,
  ) {
    super(message);
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, 2);
}
