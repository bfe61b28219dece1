import type { Instant } from '../../domain/time.js';

/** How far one audit export sink has been sent. */
export interface AuditExportCursor {
  readonly sink: string;
  /** The last audit entry the sink accepted (0: none yet). */
  readonly auditSeq: number;
  /** The seq of the newest checkpoint the sink accepted (0: none yet). */
  readonly checkpointSeq: number;
  /** When the sink last accepted something; null before the first. */
  readonly sentAt: Instant | null;
}

/**
 * Per-sink cursors of the audit export, each with a lease: only the node holding a sink's lease
 * sends to it, so with several nodes on one database each record goes out once per sink (at least
 * once: a node that dies after sending and before advancing leaves the batch to be sent again).
 */
export interface AuditExportRepo {
  /**
   * Takes or renews the lease on `sink` for `holder` until `until` when nobody else holds it at
   * `now`, creating the cursor at zero on first use. The cursor, or null when another node holds it.
   */
  claim(sink: string, holder: string, now: Instant, until: Instant): Promise<AuditExportCursor | null>;
  /** Moves the cursor on, if `holder` still holds the lease; false when it lost it. */
  advance(sink: string, holder: string, auditSeq: number, checkpointSeq: number, at: Instant): Promise<boolean>;
  /** Lets the lease go (at shutdown), so another node takes over at once. */
  release(sink: string, holder: string): Promise<void>;
  /** Every sink's cursor (for metrics and `elevate`'s status output). */
  all(): Promise<AuditExportCursor[]>;
}
