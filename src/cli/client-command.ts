import type { Command } from 'commander';
import { usageError } from './cli-error.js';
import type { OutputOptions } from './output.js';
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

/**
 * Builds a client from flags and the environment. The password comes only from ELEVATE_PASSWORD or
 * a prompt: a flag value would be visible to every local user in the process list and kept in
 * shell history.
 */
export async function connect(f: ClientOptions, env: NodeJS.ProcessEnv = process.env): Promise<PamClient> {
  const raw = f.server ?? (env.ELEVATE_SERVER || DEFAULT_SERVER);
  let server: URL;
  try {
    server = new URL(raw);
  } catch {
    throw usageError(`--server must be a URL such as ${DEFAULT_SERVER}; got '${raw}'`);
  }
  if (server.protocol !== 'http:' && server.protocol !== 'https:') throw usageError(`--server must be an http or https URL; got '${raw}'`);
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
  return new PamClient(server, login, password);
}
