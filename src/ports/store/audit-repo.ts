import type { AuditEntry, StoredAuditEntry } from '../../domain/audit/audit-entry.js';
import type { Instant } from '../../domain/time.js';

/** Which audit entries to list; every field given narrows the result. */
export interface AuditQuery {
  readonly requestId?: string;
  readonly actorId?: string;
  /** Entries stored under exactly this action name. */
  readonly action?: string;
  /** Entries stored under any of these action names (an action's current name and its older spellings). */
  readonly actions?: readonly string[];
  readonly since?: Instant;
  readonly until?: Instant;
  /** Only entries older than this one (a cursor for paging back through the trail). */
  readonly beforeSeq?: number;
  /** The newest `limit` entries that match, returned oldest first. */
  readonly limit: number;
}

/** The audit trail: append-only, hash-chained. */
export interface AuditRepo {
  /**
   * Records an entry; it joins the head of the chain when the transaction commits, together with the
   * transaction's other entries and in the order they were recorded. Reads in the same transaction see it.
   */
  append(e: AuditEntry): Promise<void>;
  /** `append` for each of `entries`, in order. */
  appendMany(entries: readonly AuditEntry[]): Promise<void>;
  /** Entries matching `q`. */
  list(q: AuditQuery): Promise<StoredAuditEntry[]>;
  /**
   * Recomputes the hash chain (from the start, or onward from a trusted entry `from`): how many
   * entries were checked and the first that does not match.
   */
  verifyChain(from?: { seq: number; hash: string }): Promise<{ checked: number; brokenAtSeq: number | null }>;
  /** The newest entry's seq and hash, or undefined when the trail is empty. */
  head(): Promise<{ seq: number; hash: string } | undefined>;
  /** Up to `limit` entries after seq `afterSeq`, in chain order (the audit export reads on from its cursor). */
  after(afterSeq: number, limit: number): Promise<StoredAuditEntry[]>;
  /** The stored hash of entry `seq`, or undefined when there is no such entry. */
  hashAt(seq: number): Promise<string | undefined>;
}
