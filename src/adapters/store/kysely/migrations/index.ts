import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-mfa.js';
import * as m0003 from './0003-directories.js';
import * as m0004 from './0004-reconcile.js';
import * as m0005 from './0005-passkeys.js';

/** Versioned migrations, in order. Names sort lexically, which is the order Kysely applies them. */
export const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-mfa': m0002,
  '0003-directories': m0003,
  '0004-reconcile': m0004,
  '0005-passkeys': m0005,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
