import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-mfa.js';
import * as m0003 from './0003-directories.js';
import * as m0004 from './0004-reconcile.js';
import * as m0005 from './0005-passkeys.js';
import * as m0006 from './0006-claims.js';
import * as m0007 from './0007-mfa-guard.js';
import * as m0008 from './0008-audit-checkpoints.js';
import * as m0009 from './0009-revoke.js';
import * as m0010 from './0010-approval-votes.js';
import * as m0011 from './0011-holding-index.js';
import * as m0014 from './0014-api-tokens.js';

/** Versioned migrations, in order. Names sort lexically, which is the order Kysely applies them. */
export const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-mfa': m0002,
  '0003-directories': m0003,
  '0004-reconcile': m0004,
  '0005-passkeys': m0005,
  '0006-claims': m0006,
  '0007-mfa-guard': m0007,
  '0008-audit-checkpoints': m0008,
  '0009-revoke': m0009,
  '0010-approval-votes': m0010,
  '0011-holding-index': m0011,
  '0014-api-tokens': m0014,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

function migrator(db: Kysely<any>): Migrator {
  // Branches add migrations in parallel; one merged later with a lower number must still run on a
  // store that already has the higher one, so order is by name but gaps filled late are allowed.
  return new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
}

/** Applies every pending migration, in one shared way for all SQL stores. */
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`store migration ${failed ?? ''} failed: ${(error as Error).message ?? String(error)}`);
  }
}

/** Whether every known migration has been applied. */
export async function isFullyMigrated(db: Kysely<any>): Promise<boolean> {
  return (await migrator(db).getMigrations()).every((m) => m.executedAt !== undefined);
}
