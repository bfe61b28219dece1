import { readFileSync } from 'node:fs';
import { CliError, usageError } from './cli-error.js';

/** One trailing newline is what editors and `echo` add; it is never part of the password. */
const stripNewline = (s: string) => s.replace(/\r?\n$/, '');

export function readPasswordFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read password file ${path}: ${(e as Error).message}`);
  }
  return nonEmpty(stripNewline(text), `password file ${path}`);
}

export async function readPasswordStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return nonEmpty(stripNewline(Buffer.concat(chunks).toString('utf8')), 'standard input');
}

function nonEmpty(password: string, where: string): string {
  if (password === '') throw new CliError(`the password read from ${where} is empty`);
  return password;
}

/** `--password-file` or `--password-stdin`, at most one; undefined when neither was given. */
export async function passwordFromFlags(opts: { passwordFile?: string; passwordStdin?: boolean }): Promise<string | undefined> {
  if (opts.passwordFile !== undefined && opts.passwordStdin) throw usageError('give either --password-file or --password-stdin, not both');
  if (opts.passwordFile !== undefined) return readPasswordFile(opts.passwordFile);
  if (opts.passwordStdin) return readPasswordStdin();
  return undefined;
}

/**
 * Asks on the terminal without echoing what is typed. Raw mode means we see every key, so
 * backspace and Ctrl-C are handled here.
 */
export function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    process.stderr.write(prompt);
    let value = '';
    const done = (err: Error | null) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done(null);
        if (ch === '\u0003') return done(new CliError('interrupted'));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
