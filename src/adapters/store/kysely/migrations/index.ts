import type { Kysely } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import type { SchemaState } from '../../../../ports/store.js';
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
import * as m0012 from './0012-approval-stages.js';
import * as m0013 from './0013-notifications.js';
import * as m0014 from './0014-api-tokens.js';
import * as m0016 from './0016-expiry-indexes.js';
import * as m0017 from './0017-account-changes.js';
import * as m0018 from './0018-role-changes.js';
import * as m0019 from './0019-break-glass.js';
import * as m0020 from './0020-role-notify.js';
import * as m0021 from './0021-audit-export.js';
import * as m0022 from './0022-auto-approve.js';
import * as m0023 from './0023-candidate-groups.js';
import * as m0024 from './0024-break-glass-review-factor.js';
import * as m0025 from './0025-admin-counts.js';

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
  '0012-approval-stages': m0012,
  '0013-notifications': m0013,
  '0014-api-tokens': m0014,
  '0016-expiry-indexes': m0016,
  '0017-account-changes': m0017,
  '0018-role-changes': m0018,
  '0019-break-glass': m0019,
  '0020-role-notify': m0020,
  '0021-audit-export': m0021,
  '0022-auto-approve': m0022,
  '0023-candidate-groups': m0023,
  '0024-break-glass-review-factor': m0024,
  '0025-admin-counts': m0025,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

function migrator(db: Kysely<any>): Migrator {
  // Branches add migrations in parallel; one merged later with a lower number must still run on a
  // store that already has the higher one, so order is by name but gaps filled late are allowed.
  return new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
}

/** Reads Kysely's migration table; a store that has none has applied nothing. */
export async function schemaState(db: Kysely<any>): Promise<SchemaState> {
  let applied: string[] = [];
  try {
    applied = (await db.selectFrom('kysely_migration').select('name').orderBy('name').execute()).map((r) => String(r.name));
  } catch (e) {
    if (!(await hasMigrationTable(db))) applied = [];
    else throw e;
  }
  const known = Object.keys(migrations);
  return {
    applied,
    pending: known.filter((n) => !applied.includes(n)),
    unknown: applied.filter((n) => !known.includes(n)),
  };
}

async function hasMigrationTable(db: Kysely<any>): Promise<boolean> {
  return (await db.introspection.getTables()).some((t) => t.name === 'kysely_migration');
}

/** Thrown when the store was written by a newer Elevate than this one. */
export class StoreTooNewError extends Error {
  constructor(readonly unknown: readonly string[]) {
    super(
      `the store's schema is newer than this Elevate: it has migration${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}, unknown to this version. ` +
        'Run the Elevate version that wrote it, or restore a backup taken for this version.',
    );
  }
}

/**
 * Applies every pending migration, in one shared way for all SQL stores, and returns the names it
 * applied. Refuses a store that a newer Elevate migrated: running old code on a newer schema would
 * write rows the newer code misreads.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<readonly string[]> {
  const state = await schemaState(db);
  if (state.unknown.length > 0) throw new StoreTooNewError(state.unknown);
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`store migration ${failed ?? ''} failed: ${(error as Error).message ?? String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Whether every known migration has been applied. */
export async function isFullyMigrated(db: Kysely<any>): Promise<boolean> {
  return (await migrator(db).getMigrations()).every((m) => m.executedAt !== undefined);
}
