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

const json = (v: unknown): string => JSON.stringify(v) ?? 'null';

/**
 * `chainText` for an entry about to be stored, its before and after already serialised as they will
 * be stored (null for none): the same text, without parsing them back to serialise them again.
 * JSON.stringify of what JSON.parse reads from JSON.stringify's output gives that output back, so
 * this is `chainText` of the entry as it will be read (`test/domain/audit/hash-chain.test.ts`).
 */
export function chainTextOfStored(
  prevHash: string,
  seq: number,
  e: Omit<AuditEntry, 'action' | 'before' | 'after'> & { readonly action: string },
  beforeJson: string | null,
  afterJson: string | null,
): string {
  return `[${json(prevHash)},${json(seq)},${json(e.at)},${json(e.actorId)},${json(e.action)},${json(e.targetType)},${json(e.targetId)},${json(e.requestId)},${beforeJson ?? 'null'},${afterJson ?? 'null'}]`;
}
