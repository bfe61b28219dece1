import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { CliError, usageError } from '../cli-error.js';
import { emit, formatFields } from '../output.js';
import { type AdminOptions, adminCommand, requireStore } from '../with-core.js';
import { wiring } from '../wiring.js';

interface CopyFlags {
  readonly from: string;
  readonly to: string;
  readonly config?: string;
  readonly json?: boolean;
}

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('the store itself: migrations, and moving the embedded store to PostgreSQL');

  adminCommand(db, 'migrate', 'apply pending schema migrations to the configured store (serve does this too)').action(async (f: AdminOptions) => {
    const config = loadConfig({ file: f.config, overrides: { dataDir: f.data, database: f.database } });
    await requireStore(f, config);
    const { migrateStore, describeStore } = await wiring();
    await migrateStore(config);
    emit(f, { migrated: true, store: describeStore(config) }, () => `migrated: ${describeStore(config)}`);
  });

  adminCommand(db, 'status', "show the store's schema version and the migrations pending or unknown to this Elevate", { initFlag: false }).action(async (f: AdminOptions) => {
    const config = loadConfig({ file: f.config, overrides: { dataDir: f.data, database: f.database } });
    const { storeState, describeStore } = await wiring();
    const state = await storeState(config);
    const store = describeStore(config);
    if (!state.exists) {
      emit(f, { store, exists: false }, () => '');
      throw new CliError(`there is no Elevate store in the ${store}`);
    }
    const s = state.schema;
    const verdict = s.unknown.length > 0 ? 'newer than this Elevate: run the version that wrote it' : s.pending.length > 0 ? 'migrations pending (serve or `elevate db migrate` applies them; back up first)' : 'up to date';
    emit(f, { store, exists: true, schemaVersion: s.applied.at(-1) ?? null, applied: s.applied, pending: s.pending, unknown: s.unknown, verdict }, () =>
      formatFields([
        ['store', store],
        ['schema version', s.applied.at(-1) ?? 'none'],
        ['applied', String(s.applied.length)],
        ['pending', s.pending.join(', ') || 'none'],
        ['unknown here', s.unknown.join(', ') || 'none'],
        ['status', verdict],
      ]),
    );
    if (s.unknown.length > 0) throw new CliError(`the store's schema is newer than this Elevate (${s.unknown.join(', ')}): run the version that wrote it`);
  });

  db.command('copy')
    .description('copy an embedded installation into an empty PostgreSQL database, then verify counts and the audit chain')
    .requiredOption('--from <source>', 'sqlite:DIR, the data directory of the stopped embedded server')
    .requiredOption('--to <url>', 'postgres://… of an empty database')
    .option('--config <file>', 'configuration file (for accountDomain)')
    .option('--json', 'print machine-readable JSON')
    .action(async (f: CopyFlags) => {
      if (!f.from.startsWith('sqlite:') || f.from.length === 'sqlite:'.length) throw usageError('--from must be sqlite:DIR, the data directory of the embedded store');
      const config = loadConfig({ file: f.config, overrides: { database: f.to } });
      const { copyToPostgres } = await wiring();
      const report = await copyToPostgres(f.from.slice('sqlite:'.length), config);
      emit(f, report, () =>
        [
          formatFields(report.tables.map((t) => [t.table, String(t.rows)] as const)),
          `audit chain verified on the target: ${report.auditChecked} entries`,
          `MFA secrets were copied sealed: give every PostgreSQL node the source's key (mfaKeyFile: ${join(f.from.slice('sqlite:'.length), 'mfa.key')}, or the mfaKey it was configured with)`,
        ].join('\n'),
      );
    });
}
