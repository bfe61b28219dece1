import { readFileSync } from 'node:fs';

/**
 * A secret kept in a file (a webhook secret, an SMTP password, a token): its text without one
 * trailing newline. Errors name the file, never its contents.
 */
export function readSecretFile(path: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the ${what} file ${path}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  const secret = text.replace(/\r?\n$/, '');
  if (secret.length === 0) throw new Error(`the ${what} file ${path} is empty`);
  return secret;
}
