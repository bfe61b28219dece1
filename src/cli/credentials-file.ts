import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** A token `elevate login` stored for one server. */
export interface StoredLogin {
  readonly login: string;
  readonly name: string;
  readonly token: string;
  readonly expiresAt: string;
}

/** `$XDG_CONFIG_HOME/elevate/credentials.json`, or `~/.config/elevate/credentials.json`. */
export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'elevate', 'credentials.json');
}

/** Servers are keyed by URL without a trailing slash, so `--server http://h:8086/` finds the same entry. */
const keyOf = (server: URL) => server.href.replace(/\/+$/, '');

function readAll(path: string): Record<string, StoredLogin> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, StoredLogin>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
}

/**
 * Writes the file readable by its owner only (0600, in a 0700 directory), through a temporary file
 * renamed over it, so a crash leaves the old file or the new one, never half of one.
 */
function writeAll(path: string, all: Record<string, StoredLogin>): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (Object.keys(all).length === 0) return rmSync(path, { force: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600); // in case the file existed with wider rights
  renameSync(tmp, path);
}

export function storedLogin(server: URL, env: NodeJS.ProcessEnv = process.env): StoredLogin | undefined {
  return readAll(credentialsPath(env))[keyOf(server)];
}

export function storeLogin(server: URL, entry: StoredLogin, env: NodeJS.ProcessEnv = process.env): string {
  const path = credentialsPath(env);
  writeAll(path, { ...readAll(path), [keyOf(server)]: entry });
  return path;
}

export function forgetLogin(server: URL, env: NodeJS.ProcessEnv = process.env): void {
  const path = credentialsPath(env);
  const { [keyOf(server)]: _gone, ...rest } = readAll(path);
  writeAll(path, rest);
}
