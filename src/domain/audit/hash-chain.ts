import type { AuditEntry } from './audit-entry.js';

/** The chain starts from a fixed value so an emptied table is distinguishable from a fresh one only by length. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The exact text hashed for an entry: the previous hash followed by the entry's fields in a fixed
 * order. Changing, inserting or removing any earlier entry changes every later hash.
 */
export function chainText(prevHash: string, seq: number, e: Omit<AuditEntry, 'action'> & { readonly action: string }): string {
  return JSON.stringify([
    prevHash,
    seq,
    e.at,
    e.actorId,
    e.action,
    e.targetType,
    e.targetId,
    e.requestId,
    e.before ?? null,
    e.after ?? null,
  ]);
}
