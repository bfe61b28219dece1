import { chmodSync, closeSync, existsSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { DomainError } from '../../../domain/errors.js';
import { fsyncDirectory, mkdirDurably } from '../../fs/durable-file.js';
import type { ChangeCounts, SchemaState, Store, StoreTx } from '../../../ports/store.js';
import { isFullyMigrated, migrateToLatest, schemaState } from '../kysely/migrations/index.js';
import type { Database } from '../kysely/schema.js';
import { SQLITE_TRAITS } from '../kysely/sql-traits.js';
import { type StoreOptions, inOneStatement, inReadTx, inWriteTx } from '../kysely/store-tx.js';
import { DEFAULT_GROUP_LIMITS, GroupCommit, type GroupLimits } from '../group-commit.js';
import { AUTO_CHECKPOINT_PAGES, IdleCheckpoint } from './idle-checkpoint.js';

export const SQLITE_FILE = 'elevate.db';

const require = createRequire(import.meta.url);

/**
 * The SQLite driver, better-sqlite3 13 (Node-API, so one build serves every Node release). Loaded
 * through require, not imported, so tests and child processes can load the very same module.
 */
export function loadSqliteDriver(): typeof SQLite {
  return require(sqliteDriverPath()) as typeof SQLite;
}

/** Where the driver loadSqliteDriver loads lives (for a child process that must load the same one). */
export function sqliteDriverPath(): string {
  return require.resolve('better-sqlite3');
}

export interface SqliteStoreOptions extends StoreOptions {
  /** Sees every statement and its bound parameters (for debugging and for tests of the SQL). */
  readonly onQuery?: (sql: string, parameters: readonly unknown[]) => void;
  /** How large a group commit may grow (tests lower it). */
  readonly groupLimits?: GroupLimits;
}

/**
 * The embedded store: one SQLite file in the data directory, in WAL mode with full fsync, so a
 * committed transaction survives a crash or power loss before the API answers.
 */
export class SqliteStore implements Store {
  readonly #db: Kysely<Database>;
  readonly #raw: SQLite.Database;
  readonly #opts: SqliteStoreOptions;
  readonly #groups: GroupCommit<Kysely<Database>>;
  readonly #checkpoint: IdleCheckpoint;
  /** Moves after every write transaction of this process (SQLite's data_version counts only the others'). */
  #localWrites = 0;
  readonly #dataVersion: SQLite.Statement<[], number>;
  #counts: { readonly at: string; readonly counts: ChangeCounts } | null = null;

  private constructor(raw: SQLite.Database, opts: SqliteStoreOptions) {
    this.#raw = raw;
    this.#dataVersion = raw.prepare<[], number>('pragma data_version').pluck();
    this.#opts = opts;
    const onQuery = opts.onQuery;
    this.#db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(raw) }),
      ...(onQuery && { log: (e) => onQuery(e.query.sql, e.query.parameters) }),
    });
    // Kysely's SQLite driver hands out one connection behind a mutex: a group holds it from BEGIN
    // to COMMIT, so reads and other groups in this process never interleave with it.
    this.#groups = new GroupCommit(
      (body) =>
        this.#db.connection().execute((conn) =>
          body({ conn, exec: async (statement) => void (await sql.raw(statement === 'begin' ? 'begin immediate' : statement).execute(conn)), inTransaction: () => raw.inTransaction }),
        ),
      opts.groupLimits ?? DEFAULT_GROUP_LIMITS,
    );
    this.#checkpoint = new IdleCheckpoint(() => this.#db.connection().execute(async () => void raw.pragma('wal_checkpoint(PASSIVE)')));
  }

  /** Opens (creating when missing) the store in `dataDir`. */
  static open(dataDir: string, opts: SqliteStoreOptions): SqliteStore {
    mkdirDurably(dataDir, 0o700);
    const file = join(dataDir, SQLITE_FILE);
    ownerOnly(file);
    const Driver = loadSqliteDriver();
    const raw = new Driver(file);
    raw.pragma('journal_mode = WAL');
    // SQLite fsyncs the directory for its journals but not for a new database file's own name.
    fsyncDirectory(dataDir);
    // FULL syncs the WAL on every commit: "durable before the API answers" holds across power loss.
    raw.pragma('synchronous = FULL');
    raw.pragma('foreign_keys = ON');
    // The CLI may write while a server runs; wait for the lock rather than fail at once.
    raw.pragma('busy_timeout = 5000');
    raw.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    return new SqliteStore(raw, opts);
  }

  /**
   * Runs in a group commit (../group-commit.ts): transactions that arrive together run one after the
   * other under one BEGIN IMMEDIATE, each in its own savepoint, and share the COMMIT's fsync; each
   * settles only after that COMMIT. BEGIN IMMEDIATE takes the write lock up front, which avoids the
   * deadlock two deferred transactions in different processes can hit when both upgrade.
   */
  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    try {
      return await this.#groups.run((conn) => inWriteTx(conn, this.#opts, SQLITE_TRAITS, fn));
    } catch (e) {
      throw translate(e);
    } finally {
      this.#localWrites++;
      this.#checkpoint.wrote();
    }
  }

  /**
   * From memory while no transaction has committed since the last reading: the store counts its
   * own write transactions, and `pragma data_version` moves whenever another connection (the CLI,
   * another process) commits. Both are taken outside any open transaction only, where they see the
   * latest commit, and before the read, so a commit in between leaves an entry that is read again
   * next time, never a stale one.
   */
  async changeCounts(): Promise<ChangeCounts> {
    const read = () => this.readOne((tx) => tx.accounts.changeCounts());
    if (this.#raw.inTransaction) return read();
    const at = `${this.#dataVersion.get()}.${this.#localWrites}`;
    if (this.#counts?.at === at) return this.#counts.counts;
    const counts = await read();
    this.#counts = { at, counts };
    return counts;
  }

  async read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.#db.connection().execute(async (conn) => {
      // A deferred BEGIN takes a read snapshot on the first SELECT and no write lock.
      await run(() => sql`begin`.execute(conn));
      try {
        return await inReadTx(conn, this.#opts, SQLITE_TRAITS, fn);
      } catch (e) {
        throw translate(e);
      } finally {
        if (this.#raw.inTransaction) await sql`rollback`.execute(conn);
      }
    });
  }

  /**
   * No BEGIN and ROLLBACK around one statement. Kysely's SQLite driver hands out its one connection
   * behind a mutex, so this never runs inside another caller's open transaction.
   */
  async readOne<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return run(() => inOneStatement(this.#db, this.#opts, SQLITE_TRAITS, fn));
  }

  async ping(): Promise<void> {
    await run(() => sql`select 1`.execute(this.#db));
  }

  async migrate(): Promise<readonly string[]> {
    const applied = await migrateToLatest(this.#db);
    this.#localWrites++;
    // Fresh statistics let the planner pick the narrow indexes; bounded so it stays quick on big stores.
    this.#raw.pragma('analysis_limit = 1000');
    this.#raw.pragma('optimize = 0x10002');
    return applied;
  }

  schema(): Promise<SchemaState> {
    return schemaState(this.#db);
  }

  /** Whether every known migration has been applied (for /readyz). */
  async isMigrated(): Promise<boolean> {
    return isFullyMigrated(this.#db);
  }

  /** SQLite's plan for a statement, one line per step (to prove queries use an index). */
  explain(sqlText: string, parameters: readonly unknown[]): string[] {
    return this.#raw
      .prepare(`explain query plan ${sqlText}`)
      .all(...(parameters as unknown[]))
      .map((r) => String((r as { detail: unknown }).detail));
  }

  /** The query builder itself, for whole-store tools (the copy to PostgreSQL) only. */
  kysely(): Kysely<Database> {
    return this.#db;
  }

  async close(): Promise<void> {
    this.#checkpoint.close();
    await this.#db.destroy();
  }
}

/**
 * The database holds password hashes and session data. SQLite creates its -wal and -shm files with
 * the mode of the database file, so creating that file 0600 before SQLite opens it (whatever the
 * umask) covers all three; files an older version left wider are narrowed before any data is written.
 */
function ownerOnly(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    if (existsSync(f) && (statSync(f).mode & 0o077) !== 0) chmodSync(f, 0o600);
  }
}

/** A warning when others may read into the data directory (the files are 0600, but their names and new files are not). */
export function dataDirWarning(dataDir: string): string | null {
  const mode = statSync(dataDir).mode & 0o777;
  if ((mode & 0o077) === 0) return null;
  return `the data directory ${dataDir} is readable by other users (mode ${mode.toString(8)}); restrict it with chmod 700`;
}

/**
 * Kysely prepares every query anew; preparing is a fifth of the CPU of a request. Statements are
 * reusable in better-sqlite3, so keep the most recent ones by SQL text (values are bound per run,
 * so the text repeats).
 */
function withStatementCache(raw: SQLite.Database, max = 500): { close(): void; prepare(sql: string): SQLite.Statement } {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      cache.clear();
      raw.close();
    },
    prepare(sqlText: string) {
      let stmt = cache.get(sqlText);
      if (stmt) {
        cache.delete(sqlText); // re-insert: Map order is the LRU order
      } else {
        stmt = raw.prepare(sqlText);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(sqlText, stmt);
      return stmt;
    },
  };
}

async function run<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw translate(e);
  }
}

/** Infrastructure failures become the few domain codes the HTTP layer knows how to answer. */
function translate(e: unknown): unknown {
  if (e instanceof DomainError) return e;
  const code = (e as { code?: string }).code ?? '';
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR')) {
    return new DomainError('StoreUnavailable', 'The store is busy or unavailable; try again shortly.');
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    return new DomainError('Conflict', 'That conflicts with something already stored (a name or id is taken, or it is still in use).');
  }
  return e;
}
