import type { Kysely } from 'kysely';
import { type JsonRowsSql, sqliteJsonRows } from './json-rows.js';
import type { Database } from './schema.js';

/**
 * What differs between the SQL stores, as named capabilities rather than dialect checks scattered
 * through the repositories. Mostly concurrency: PostgreSQL lets several writers in at once, while
 * SQLite has a single writer (BEGIN IMMEDIATE already serialises every write transaction).
 */
export interface SqlTraits {
  /** Whether text may contain U+0000 (PostgreSQL refuses it in text, so no stored value has one). */
  readonly textHoldsNul: boolean;
  /**
   * Several nodes may share this store: claim queue rows with FOR UPDATE SKIP LOCKED, and honour
   * the outbox leases of other nodes. Where one node owns the store (SQLite), a lease found at start
   * can only be its own previous life's, so it is ignored and the job re-run at once.
   */
  readonly sharedByNodes: boolean;
  /** Held until commit: audit appends of concurrent transactions form one chain, never a fork. */
  lockAuditChain(db: Kysely<Database>): Promise<void>;
  /** A table of rows bound as one JSON parameter, for bulk statements (json-rows.ts). */
  readonly jsonRows: JsonRowsSql;
}

export const SQLITE_TRAITS: SqlTraits = Object.freeze({
  textHoldsNul: true,
  sharedByNodes: false,
  lockAuditChain: async () => {},
  jsonRows: sqliteJsonRows,
});
