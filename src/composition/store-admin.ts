import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_KEY_FILE } from '../adapters/crypto/mfa-key.js';
import { writeFileDurably } from '../adapters/fs/durable-file.js';
import { resolve } from 'node:path';
import { redactDatabaseUrl } from '../adapters/store/postgres/database-url.js';
import { holdsSqliteStore, installSqliteStore, moveDurably, removeDir, settleSqliteCopy, snapshotSqlite, stagingDirBeside } from '../adapters/store/sqlite/sqlite-files.js';
import { SQLITE_FILE, SqliteStore } from '../adapters/store/sqlite/sqlite-store.js';
import type { Config } from '../config/schema.js';
import { DomainError } from '../domain/errors.js';
import type { SchemaState, Store } from '../ports/store.js';

/**
 * The store as a whole, for the operator's commands: is there one, where does its schema stand,
 * a verified backup of the embedded store while it serves, and a restore. Part of the composition
 * root (it builds store adapters); the CLI reaches it through the Wiring.
 */

/** The configured store in words, never with a password. */
export function describeStore(config: Config): string {
  return config.database === undefined ? `embedded store in ${config.dataDir}` : `PostgreSQL ${redactDatabaseUrl(config.database)}`;
}

export type StoreState = { readonly exists: false } | { readonly exists: true; readonly schema: SchemaState };

/** Whether the configured store exists, read without creating or migrating anything. */
export async function storeState(config: Config): Promise<StoreState> {
  try {
    return await readStoreState(config);
  } catch (e) {
    if (e instanceof DomainError) throw e;
    // Unreachable database, wrong password: one line naming the store, never its password.
    throw new DomainError('StoreUnavailable', `cannot open the ${describeStore(config)}: ${(e as Error).message}`);
  }
}

async function readStoreState(config: Config): Promise<StoreState> {
  if (config.database === undefined) {
    if (!holdsSqliteStore(config.dataDir)) return { exists: false };
    return withStore(SqliteStore.open(config.dataDir, { accountDomain: config.accountDomain }), async (s) => ({ exists: true, schema: await s.schema() }));
  }
  // Loaded only for PostgreSQL, as in main.ts: `pg` costs memory an embedded server never needs.
  const { PostgresStore } = await import('../adapters/store/postgres/postgres-store.js');
  return withStore(new PostgresStore(config.database, { accountDomain: config.accountDomain, poolSize: 1, statementTimeoutMs: config.statementTimeoutMs }), async (s) => {
    const schema = await s.schema();
    return schema.applied.length === 0 ? { exists: false } : { exists: true, schema };
  });
}

export interface CopyCheck {
  /** The newest migration in the copy. */
  readonly schemaVersion: string | null;
  readonly auditEntries: number;
  /** null when the chain is intact. */
  readonly auditBrokenAtSeq: number | null;
  readonly requests: number;
}

export interface BackupReport extends CopyCheck {
  readonly file: string;
  readonly bytes: number;
  /** The data directory's MFA key, copied beside the backup; null when the key is configured elsewhere. */
  readonly mfaKeyFile: string | null;
}

/** Where a backup keeps the MFA key that lived in the data directory. */
export const backupKeyFile = (backup: string): string => `${backup}.${GENERATED_KEY_FILE}`;

/**
 * `elevate backup`: a consistent copy of the live embedded store in one file, opened again and
 * checked (SQLite's integrity check, the schema, the audit chain) before it is given its name, so a
 * file at `to` is always a whole, checked copy. Never overwrites.
 */
export async function backupStore(config: Config, to: string): Promise<BackupReport> {
  if (config.database !== undefined) {
    throw new DomainError('BadRequest', 'elevate backup copies the embedded store; back up PostgreSQL with pg_dump (see docs/operations.md), then check the restored copy with `elevate audit verify --database URL`');
  }
  if (!holdsSqliteStore(config.dataDir)) throw noStore(config);
  const target = resolve(to);
  if (existsSync(target)) throw new DomainError('Conflict', `${target} exists; a backup never overwrites a file: choose another name`);
  const staging = stagingDirBeside(target);
  try {
    const file = await snapshotSqlite(config.dataDir, staging);
    const check = await checkCopy(staging, config);
    settleSqliteCopy(file);
    // A key generated into the data directory goes with the backup: without it, the restored
    // store's MFA secrets could never be opened. A key configured elsewhere is the operator's to keep.
    const dataKey = join(config.dataDir, GENERATED_KEY_FILE);
    let mfaKeyFile: string | null = null;
    if (config.mfaKey === undefined && config.mfaKeyFile === undefined && existsSync(dataKey)) {
      mfaKeyFile = backupKeyFile(target);
      writeFileDurably(mfaKeyFile, readFileSync(dataKey), { mode: 0o600, exclusive: true });
    }
    moveDurably(file, target);
    return { file: target, bytes: statSync(target).size, mfaKeyFile, ...check };
  } finally {
    removeDir(staging);
  }
}

export interface RestoreReport extends CopyCheck {
  readonly dataDir: string;
  /** Where the store that was there before now is, when `force` replaced one. */
  readonly replaced: string | null;
  /** Whether the backup's MFA key was put in the data directory. */
  readonly mfaKeyRestored: boolean;
}

/**
 * `elevate restore`: checks the backup first (a damaged or newer copy is refused before anything in
 * `dataDir` changes), then puts it in place. A store already there is refused unless `force`, and
 * even then kept beside the new one. The server must be stopped: it would keep the old file open.
 */
export async function restoreStore(config: Config, from: string, opts: { readonly force: boolean; readonly now: Date }): Promise<RestoreReport> {
  if (config.database !== undefined) {
    throw new DomainError('BadRequest', 'elevate restore writes the embedded store; restore PostgreSQL with pg_restore (see docs/operations.md)');
  }
  const source = resolve(from);
  if (!existsSync(source)) throw new DomainError('NotFound', `there is no backup file ${source}`);
  const dataDir = resolve(config.dataDir);
  const occupied = holdsSqliteStore(dataDir);
  if (occupied && !opts.force) {
    throw new DomainError('Conflict', `${dataDir} already holds an Elevate store; stop its server and pass --force to replace it (the current store is kept beside it)`);
  }
  const staging = stagingDirBeside(`${dataDir}/${SQLITE_FILE}`);
  try {
    const staged = `${staging}/${SQLITE_FILE}`;
    copyFileSync(source, staged);
    settleSqliteCopy(staged);
    const check = await checkCopy(staging, config);
    if (check.auditBrokenAtSeq !== null) {
      throw new DomainError('BadRequest', `the backup's audit chain is broken at seq ${check.auditBrokenAtSeq}: it was changed after it was taken; nothing was restored`);
    }
    const suffix = `replaced-${opts.now.toISOString().replace(/[:.]/g, '-')}`;
    const { replaced } = installSqliteStore(staged, dataDir, suffix);
    const mfaKeyRestored = restoreDataDirKey(source, dataDir, suffix);
    return { dataDir, replaced, mfaKeyRestored, ...check };
  } finally {
    removeDir(staging);
  }
}

/** Puts the key saved with the backup into the data directory, keeping a different key already there. */
function restoreDataDirKey(backup: string, dataDir: string, suffix: string): boolean {
  const saved = backupKeyFile(backup);
  if (!existsSync(saved)) return false;
  const live = join(dataDir, GENERATED_KEY_FILE);
  const key = readFileSync(saved);
  if (existsSync(live)) {
    if (readFileSync(live).equals(key)) return true;
    moveDurably(live, `${live}.${suffix}`);
  }
  writeFileDurably(live, key, { mode: 0o600, exclusive: true });
  return true;
}

/** Opens a staged copy as a store and reads what proves it whole; refuses a schema newer than this build. */
async function checkCopy(dir: string, config: Config): Promise<CopyCheck> {
  const store = SqliteStore.open(dir, { accountDomain: config.accountDomain });
  return withStore(store, async () => {
    const schema = await store.schema();
    if (schema.applied.length === 0) throw new DomainError('BadRequest', 'the file is not an Elevate store (it has no schema)');
    if (schema.unknown.length > 0) {
      throw new DomainError('BadRequest', `the backup was made by a newer Elevate (migrations ${schema.unknown.join(', ')}); restore it with that version`);
    }
    const chain = await store.read((tx) => tx.audit.verifyChain());
    const counted = await store.kysely().selectFrom('requests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { schemaVersion: schema.applied.at(-1) ?? null, auditEntries: chain.checked, auditBrokenAtSeq: chain.brokenAtSeq, requests: Number(counted.n) };
  });
}

export function noStore(config: Config): DomainError {
  const where = config.database === undefined ? `the data directory ${resolve(config.dataDir)}` : 'the configured PostgreSQL database';
  return new DomainError('NotFound', `there is no Elevate store in ${where}: check --data / --database, or pass --init to create one there`);
}

async function withStore<T>(store: Store, fn: (s: Store) => Promise<T>): Promise<T> {
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
