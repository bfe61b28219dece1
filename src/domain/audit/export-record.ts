import type { StoredAuditEntry } from './audit-entry.js';
import type { AuditCheckpoint } from './checkpoint.js';

/**
 * One audit entry as the export sends it. `at` (epoch milliseconds) and the other chained fields
 * are exactly what the hash covers, so a receiver recomputes `hash` from `prevHash` and the record
 * (hash-chain.ts, chainText); `time` is `at` for people and SIEM parsers.
 */
export interface ExportedEntry {
  readonly type: 'audit';
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly at: number;
  readonly time: string;
  readonly actorId: string | null;
  readonly action: string;
  readonly targetType: StoredAuditEntry['targetType'];
  readonly targetId: string;
  readonly requestId: string | null;
  readonly before: unknown;
  readonly after: unknown;
}

/** A signed checkpoint of the audit head, sent after the entry it covers (checkpoint.ts). */
export interface ExportedCheckpoint {
  readonly type: 'checkpoint';
  readonly seq: number;
  readonly hash: string;
  readonly at: number;
  readonly time: string;
  readonly keyId: string;
  readonly signature: string;
}

export type ExportRecord = ExportedEntry | ExportedCheckpoint;

export function exportedEntry(e: StoredAuditEntry, prevHash: string): ExportedEntry {
  return {
    type: 'audit',
    seq: e.seq,
    prevHash,
    hash: e.hash,
    at: e.at,
    time: new Date(e.at).toISOString(),
    actorId: e.actorId,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    requestId: e.requestId,
    before: e.before ?? null,
    after: e.after ?? null,
  };
}

export function exportedCheckpoint(c: AuditCheckpoint): ExportedCheckpoint {
  return { type: 'checkpoint', seq: c.seq, hash: c.hash, at: c.at, time: new Date(c.at).toISOString(), keyId: c.keyId, signature: c.signature };
}

/** The checkpoint a record carries, in the shape its signature covers. */
export function checkpointOf(r: ExportedCheckpoint): AuditCheckpoint {
  return { seq: r.seq, hash: r.hash, at: r.at as AuditCheckpoint['at'], keyId: r.keyId, signature: r.signature };
}
