import type { CopyReport } from '../adapters/store/copy-store.js';
import { SqliteStore } from '../adapters/store/sqlite/sqlite-store.js';
import type { Config } from '../config/schema.js';
import { DomainError } from '../domain/errors.js';
import type { Store } from '../ports/store.js';
import { describeStore } from './store-admin.js';

/** What opening the store tells its caller about. */
export interface StoreOptions {
  /** Told when a pooled database connection fails while idle (the pool reconnects by itself). */
  readonly onStoreConnectionError?: (e: Error) => void;
  /** Told which migrations opening the store applied (none when it was up to date). */
  readonly onMigrated?: (applied: readonly string[]) => void;
}

/**
 * PostgreSQL when a database URL is configured, else the embedded SQLite store in the data directory.
 * The PostgreSQL adapter (and `pg`, a few MB resident) loads only when configured.
 */
export async function openStore(config: Config, opts: Pick<StoreOptions, 'onStoreConnectionError'> = {}): Promise<Store> {
  if (config.database === undefined) return SqliteStore.open(config.dataDir, { accountDomain: config.accountDomain });
  const { PostgresStore } = await import('../adapters/store/postgres/postgres-store.js');
  return new PostgresStore(config.database, {
    accountDomain: config.accountDomain,
    poolSize: config.databasePoolSize,
    statementTimeoutMs: config.statementTimeoutMs,
    ...(opts.onStoreConnectionError && { onConnectionError: opts.onStoreConnectionError }),
  });
}

export async function openMigratedStore(config: Config, opts: StoreOptions = {}): Promise<Store> {
  const store = await openStore(config, opts);
  try {
    const applied = await store.migrate();
    opts.onMigrated?.(applied);
    return store;
  } catch (e) {
    await store.close();
    // Unreachable database, wrong password, failed migration: one line naming the store, never its password.
    throw new DomainError('StoreUnavailable', `cannot open the ${describeStore(config)}: ${(e as Error).message}`);
  }
}

/** Applies pending migrations to the configured store and closes it (`elevate db migrate`). */
export async function migrateStore(config: Config): Promise<void> {
  await (await openMigratedStore(config)).close();
}

/** `elevate db copy`: the embedded store in `fromDir` into the (empty) configured PostgreSQL database. */
export async function copyToPostgres(fromDir: string, config: Config): Promise<CopyReport> {
  if (config.database === undefined) throw new Error('copyToPostgres needs a database URL');
  const { copySqliteToPostgres } = await import('../adapters/store/copy-store.js');
  return copySqliteToPostgres(fromDir, config.database, { accountDomain: config.accountDomain });
}
