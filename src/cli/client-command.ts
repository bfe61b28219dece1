import type { Command } from 'commander';
import { usageError } from './cli-error.js';
import type { OutputOptions } from './output.js';
import { storedLogin } from './credentials-file.js';
import { PamClient } from './pam-client.js';
import { promptHidden } from './password-input.js';

/** Options of every command that talks to a running server. */
export interface ClientOptions extends OutputOptions {
  readonly server?: string | undefined;
  readonly user?: string | undefined;
}

export const DEFAULT_SERVER = 'http://127.0.0.1:8086';

/** Declares a command that calls the API: `--server`, `--user` and `--json`. */
export function clientCommand(parent: Command, nameAndArgs: string, description: string): Command {
  return parent
    .command(nameAndArgs)
    .description(description)
    .option('--server <url>', `the Elevate server (default: ELEVATE_SERVER or ${DEFAULT_SERVER})`)
    .option('--user <login>', 'sign in as this user (default: ELEVATE_USER)')
    .option('--json', 'print machine-readable JSON');
}

const isLoopback = (host: string) => host === 'localhost' || host === '[::1]' || host.startsWith('127.');

export const basicAuthorization = (login: string, password: string) => `Basic ${Buffer.from(`${login}:${password}`, 'utf8').toString('base64')}`;

/** The server URL from --server, ELEVATE_SERVER or the default. */
export function serverUrl(f: ClientOptions, env: NodeJS.ProcessEnv = process.env): URL {
  const raw = f.server ?? (env.ELEVATE_SERVER || DEFAULT_SERVER);
  let server: URL;
  try {
    server = new URL(raw);
  } catch {
    throw usageError(`--server must be a URL such as ${DEFAULT_SERVER}; got '${raw}'`);
  }
  if (server.protocol !== 'http:' && server.protocol !== 'https:') throw usageError(`--server must be an http or https URL; got '${raw}'`);
  return server;
}

/**
 * Builds a client from flags and the environment. It signs in with, in order: an API token in
 * ELEVATE_TOKEN; the password in ELEVATE_PASSWORD; the token `elevate login` stored for this server
 * (for the same user, when --user or ELEVATE_USER names one); a password prompt. Secrets never come
 * from flags: those are visible to every local user in the process list and kept in shell history.
 * `password: true` skips tokens (managing tokens takes a password).
 */
export async function connect(f: ClientOptions, env: NodeJS.ProcessEnv = process.env, opts: { password?: boolean } = {}): Promise<PamClient> {
  const server = serverUrl(f, env);
  if (!opts.password) {
    if (env.ELEVATE_TOKEN) return new PamClient(server, `Bearer ${env.ELEVATE_TOKEN}`);
    const stored = env.ELEVATE_PASSWORD ? undefined : storedLogin(server, env);
    const user = f.user ?? env.ELEVATE_USER;
    if (stored && (!user || user.toLowerCase() === stored.login.toLowerCase())) return new PamClient(server, `Bearer ${stored.token}`);
  }
  const login = f.user ?? env.ELEVATE_USER;
  if (!login) throw usageError('who are you? pass --user LOGIN or set ELEVATE_USER');
  let password = env.ELEVATE_PASSWORD;
  if (password === undefined || password === '') {
    if (!process.stdin.isTTY) throw usageError('no password: set ELEVATE_PASSWORD, or run in a terminal to be asked for it');
    password = await promptHidden(`Password for ${login} at ${server.host}: `);
  }
  if (server.protocol === 'http:' && !isLoopback(server.hostname)) {
    process.stderr.write(`elevate: warning: sending your password to ${server.host} without TLS; use an https:// server URL\n`);
  }
  return new PamClient(server, basicAuthorization(login, password));
}
