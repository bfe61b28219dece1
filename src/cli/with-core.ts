import type { Command } from 'commander';
import { resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { CliError } from './cli-error.js';
import type { Core } from '../app/core.js';
import type { OutputOptions } from './output.js';
import { wiring } from './wiring.js';

/** Options of every command that works on the data directory. */
export interface AdminOptions extends OutputOptions {
  readonly data?: string | undefined;
  readonly database?: string | undefined;
  readonly config?: string | undefined;
  /** Create the store when there is none (without it, a missing store is an error). */
  readonly init?: boolean | undefined;
}

/** Declares a subcommand of `parent` that opens the store: `--data`, `--config` and `--json`. */
export function adminCommand(parent: Command, nameAndArgs: string, description: string, how: { readonly initFlag?: boolean } = {}): Command {
  const c = parent
    .command(nameAndArgs)
    .description(description)
    .option('--data <dir>', 'data directory (default: from the config file, ELEVATE_DATA, or ./data)')
    .option('--database <url>', 'PostgreSQL store, postgres://… (default: from the config file or ELEVATE_DATABASE_URL; else the data directory)')
    .option('--config <file>', 'configuration file (YAML or JSON)');
  if (how.initFlag !== false) c.option('--init', 'create the store when the data directory or database holds none (otherwise that is an error)');
  return c.option('--json', 'print machine-readable JSON');
}

/**
 * Refuses to go on when the configured place holds no Elevate store and `--init` was not given: a
 * mistyped --data would otherwise create an empty store and answer as if it were the real one
 * (an empty audit trail "verified", no users "found").
 */
export async function requireStore(opts: AdminOptions, config: Config): Promise<void> {
  if (opts.init) return;
  if ((await (await wiring()).storeState(config)).exists) return;
  const where = config.database === undefined ? `the data directory ${resolve(config.dataDir)}` : 'the configured PostgreSQL database';
  throw new CliError(`there is no Elevate store in ${where}: check --data / --database, or pass --init to create one there`);
}

/**
 * Opens the store for one admin command and always closes it. The composition root is loaded
 * lazily (see wiring.ts): the end-user commands never touch the store, and need not load it, the
 * HTTP server and their native modules just to send one request.
 */
export async function withCore<T>(opts: AdminOptions, fn: (core: Core) => Promise<T>, how: { readonly checkpoint?: boolean } = {}): Promise<T> {
  const config = loadConfig({ file: opts.config, overrides: { dataDir: opts.data, database: opts.database } });
  await requireStore(opts, config);
  const core = await (await wiring()).openCore(config);
  try {
    const out = await fn(core);
    // Administration commands write audit entries with no server running: anchor them as the server
    // would (a no-op without a key, or when the head did not move).
    if (how.checkpoint !== false) {
      const r = await core.checkpointAudit();
      if (r?.kind === 'refused') process.stderr.write(`elevate: warning: audit checkpoint not signed: ${r.reason}; run \`elevate audit verify\`\n`);
    }
    return out;
  } finally {
    await core.close();
  }
}
