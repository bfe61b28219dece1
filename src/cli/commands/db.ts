import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { usageError } from '../cli-error.js';
import { emit, formatFields } from '../output.js';
import { type AdminOptions, adminCommand } from '../with-core.js';
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
    const { migrateStore, describeStore } = await wiring();
    await migrateStore(config);
    emit(f, { migrated: true, store: describeStore(config) }, () => `migrated: ${describeStore(config)}`);
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
