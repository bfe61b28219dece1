import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import type { Core } from '../app/core.js';
import type { OutputOptions } from './output.js';
import { wiring } from './wiring.js';

/** Options of every command that works on the data directory. */
export interface AdminOptions extends OutputOptions {
  readonly data?: string | undefined;
  readonly database?: string | undefined;
  readonly config?: string | undefined;
}

/** Declares a subcommand of `parent` that opens the store: `--data`, `--config` and `--json`. */
export function adminCommand(parent: Command, nameAndArgs: string, description: string): Command {
  return parent
    .command(nameAndArgs)
    .description(description)
    .option('--data <dir>', 'data directory (default: from the config file, ELEVATE_DATA, or ./data)')
    .option('--database <url>', 'PostgreSQL store, postgres://… (default: from the config file or ELEVATE_DATABASE_URL; else the data directory)')
    .option('--config <file>', 'configuration file (YAML or JSON)')
    .option('--json', 'print machine-readable JSON');
}

/**
 * Opens the store for one admin command and always closes it. The composition root is loaded
 * lazily (see wiring.ts): the end-user commands never touch the store, and need not load it, the
 * HTTP server and their native modules just to send one request.
 */
export async function withCore<T>(opts: AdminOptions, fn: (core: Core) => Promise<T>, how: { readonly checkpoint?: boolean } = {}): Promise<T> {
  const config = loadConfig({ file: opts.config, overrides: { dataDir: opts.data, database: opts.database } });
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
