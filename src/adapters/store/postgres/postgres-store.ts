import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { ChangeCounts, SchemaState, Store, StoreTx } from '../../../ports/store.js';
import { isFullyMigrated, migrateToLatest, schemaState } from '../kysely/migrations/index.js';
import { postgresJsonRows } from '../kysely/json-rows.js';
import type { Database } from '../kysely/schema.js';
import type { SqlTraits } from '../kysely/sql-traits.js';
import { type StoreOptions, inOneStatement, inReadTx, inWriteTx } from '../kysely/store-tx.js';
import { DEFAULT_GROUP_LIMITS, GroupCommit, type GroupLimits, type GroupStatement } from '../group-commit.js';
import { isRetryable, runsAgainAlone, translatePgError } from './pg-errors.js';

export interface PostgresStoreOptions extends StoreOptions {
  /** Connections this node keeps open at most. */
  readonly poolSize: number;
  /** Longest a statement may run before the server cancels it (503 to the caller). */
  readonly statementTimeoutMs: number;
  /** Sees every statement and its bound parameters (for tests of the SQL). */
  readonly onQuery?: (sql: string, parameters: readonly unknown[]) => void;
  /** An idle connection failed (the server went away); the pool replaces it by itself. */
  readonly onConnectionError?: (e: Error) => void;
  /** How large a group commit may grow (tests lower it). */
  readonly groupLimits?: GroupLimits;
  /**
   * Longest a member of a group waits for a lock held outside its group (another node, the CLI)
   * before it is rolled back to its savepoint and runs again alone, so the group is not held up.
   */
  readonly groupLockTimeoutMs?: number;
}

/** What each statement of a group is on PostgreSQL ('begin' is two: see the lock timeout above). */
const GROUP_SQL: Readonly<Record<Exclude<GroupStatement, 'begin'>, string>> = {
  'savepoint member': 'savepoint member',
  'release member': 'release savepoint member',
  'rollback to member': 'rollback to savepoint member',
  commit: 'commit',
  rollback: 'rollback',
};

const INT8_OID = 20;
/** Any constant works; it only has to be the same on every node. 'Elevat' in ASCII. */
const AUDIT_CHAIN_LOCK = 0x456c65766174;
const MAX_ATTEMPTS = 5;

const POSTGRES_TRAITS: SqlTraits = Object.freeze({
  textHoldsNul: false,
  sharedByNodes: true,
  lockAuditChain: async (db: Kysely<Database>) => {
    await sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK}::bigint)`.execute(db);
  },
  jsonRows: postgresJsonRows,
});

/**
 * The shared store: many `elevate serve` nodes on one PostgreSQL database. Same schema and
 * repositories as SQLite. Write transactions run at READ COMMITTED: every state change goes through
 * a versioned UPDATE (re-checked by PostgreSQL against the row as the other writer left it), queues
 * are claimed with FOR UPDATE SKIP LOCKED, and the audit chain under an advisory lock. A deadlock
 * or serialisation failure reruns the transaction a bounded number of times.
 */
export class PostgresStore implements Store {
  readonly #db: Kysely<Database>;
  readonly #pool: pg.Pool;
  readonly #opts: PostgresStoreOptions;
  readonly #groups: GroupCommit<Kysely<Database>>;

  constructor(url: string, opts: PostgresStoreOptions) {
    this.#opts = opts;
    this.#pool = new pg.Pool({
      connectionString: url,
      max: opts.poolSize,
      statement_timeout: opts.statementTimeoutMs,
      // Waiting for a connection is bounded too, so a hung server answers 503 rather than hanging
      // the caller. A server that is down refuses at once; this wait is mostly the queue for a
      // pooled connection under load, which is back-pressure, not failure: hence the margin.
      connectionTimeoutMillis: Math.max(10_000, 2 * opts.statementTimeoutMs),
      // int8 columns hold epoch milliseconds and counts, all below 2^53: numbers, as SQLite gives.
      // Set on this pool only, never on pg's global parsers that other code in the process shares.
      types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser },
    });
    // A client whose server went away emits 'error', whether idle in the pool or checked out
    // between two queries of a transaction; unhandled, that would end the process. The query in
    // flight (if any) fails on its own, and the pool drops the broken client when it comes back.
    this.#pool.on('error', (e) => opts.onConnectionError?.(e));
    this.#pool.on('connect', (client) => client.on('error', (e) => opts.onConnectionError?.(e)));
    const onQuery = opts.onQuery;
    this.#db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: this.#pool }),
      ...(onQuery && { log: (e) => onQuery(e.query.sql, e.query.parameters) }),
    });
    const lockTimeout = sql.raw(`set local lock_timeout = ${Math.max(1, Math.trunc(opts.groupLockTimeoutMs ?? 250))}`);
    // A group holds one pooled connection from BEGIN to COMMIT; reads use the others meanwhile.
    this.#groups = new GroupCommit(
      (body) =>
        this.#db.connection().execute((conn) =>
          body({
            conn,
            exec: async (statement) => {
              if (statement !== 'begin') return void (await sql.raw(GROUP_SQL[statement]).execute(conn));
              await sql`begin isolation level read committed`.execute(conn);
              await lockTimeout.execute(conn);
            },
            // PostgreSQL keeps the transaction open after a member's error (the savepoint undoes it);
            // a connection that went away fails the next statement, which loses the group.
            inTransaction: () => true,
          }),
        ),
      opts.groupLimits ?? DEFAULT_GROUP_LIMITS,
    );
  }

  /**
   * Runs in a group commit (../group-commit.ts), as on SQLite: write transactions that arrive
   * together run one after the other on one connection, each in its own savepoint of one READ
   * COMMITTED transaction, and share its COMMIT: one WAL flush, and one hold of the audit chain's
   * lock, which every audited write takes until its commit (so without a group, commits queue
   * behind each other's fsync). None settles before the COMMIT has returned. A member that lost a
   * deadlock or serialisation race, or waited longer than the lock timeout for a lock held outside
   * the group, was rolled back to its savepoint alone; it runs again on its own, as before groups.
   */
  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    try {
      return await this.#groups.run((conn) => inWriteTx(conn, this.#opts, POSTGRES_TRAITS, fn));
    } catch (e) {
      if (!runsAgainAlone(e)) throw translatePgError(e);
    }
    return this.#alone(fn);
  }

  /** One transaction of its own, rerun a bounded number of times on a deadlock or serialisation failure. */
  async #alone<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#db
          .transaction()
          .setIsolationLevel('read committed')
          .execute((tx) => inWriteTx(tx, this.#opts, POSTGRES_TRAITS, fn));
      } catch (e) {
        if (!isRetryable(e) || attempt >= MAX_ATTEMPTS) throw translatePgError(e);
        // Jittered, so the transactions that collided do not collide again in step.
        await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
      }
    }
  }

  async read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    try {
      // One snapshot for every statement of fn, and the server refuses any write by mistake.
      return await this.#db
        .transaction()
        .setIsolationLevel('repeatable read')
        .setAccessMode('read only')
        .execute((tx) => inReadTx(tx, this.#opts, POSTGRES_TRAITS, fn));
    } catch (e) {
      throw translatePgError(e);
    }
  }

  /** Read each time: another node's commit leaves no trace this process could check more cheaply. */
  changeCounts(): Promise<ChangeCounts> {
    return this.readOne((tx) => tx.accounts.changeCounts());
  }

  /** One round trip instead of three: the statement runs on a pooled connection in autocommit. */
  async readOne<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    try {
      return await inOneStatement(this.#db, this.#opts, POSTGRES_TRAITS, fn);
    } catch (e) {
      throw translatePgError(e);
    }
  }

  async ping(): Promise<void> {
    try {
      await sql`select 1`.execute(this.#db);
    } catch (e) {
      throw translatePgError(e);
    }
  }

  async migrate(): Promise<readonly string[]> {
    // Kysely takes an advisory lock around migrations: nodes starting together migrate once.
    return migrateToLatest(this.#db);
  }

  schema(): Promise<SchemaState> {
    return schemaState(this.#db);
  }

  async isMigrated(): Promise<boolean> {
    return isFullyMigrated(this.#db);
  }

  /** PostgreSQL's plan for a statement (to prove queries use an index). */
  async explain(sqlText: string, parameters: readonly unknown[]): Promise<string[]> {
    const r = await this.#pool.query<{ 'QUERY PLAN': string }>(`explain ${sqlText}`, parameters as unknown[]);
    return r.rows.map((row) => row['QUERY PLAN']);
  }

  /** The query builder itself, for whole-store tools (the copy to PostgreSQL) only. */
  kysely(): Kysely<Database> {
    return this.#db;
  }

  async close(): Promise<void> {
    await this.#db.destroy();
  }
}
