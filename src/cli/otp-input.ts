import { createInterface } from 'node:readline/promises';
import { CliError } from './cli-error.js';

/** Whether a person is at the keyboard to be asked for a code. */
export const canPrompt = (): boolean => process.stdin.isTTY === true;

/**
 * Asks for a one-time code on the terminal. It is echoed: a code is spent once used, and seeing the
 * digits typed avoids wasting one of the few attempts on a typo.
 */
export async function promptOtp(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(question)).trim();
    if (answer === '') throw new CliError('no code entered');
    return answer;
  } finally {
    rl.close();
  }
}

/**
 * Sends a code from `--otp` or, on a terminal, from a prompt, asking again after a wrong code for as
 * long as the server says attempts are left. Without a code and without a terminal, returns null so
 * the caller can say how to continue.
 */
export async function withOtp<T>(flag: string | undefined, question: string, send: (code: string) => Promise<T>): Promise<T | null> {
  if (flag !== undefined) return send(flag);
  if (!canPrompt()) return null;
  for (;;) {
    try {
      return await send(await promptOtp(question));
    } catch (e) {
      const retry = e instanceof CliError && e.serverCode === 'MfaCodeRejected' && /attempt\(s\) left/.test(e.message);
      if (!retry) throw e;
      process.stderr.write(`${e.message}\n`);
    }
  }
}
