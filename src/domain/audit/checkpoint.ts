import type { Instant } from '../time.js';

/**
 * A signed statement "the audit chain's entry `seq` had hash `hash` at `at`". The hash chain alone
 * cannot tell a cut tail from a shorter history, nor a history re-chained with the chain function
 * from the original; a checkpoint kept outside the database, signed with a key the database's
 * writers do not hold, can: the chain must still reach `seq` and hold `hash` there.
 */
export interface AuditCheckpoint {
  readonly seq: number;
  readonly hash: string;
  readonly at: Instant;
  /** Names the signing key (a digest of its public half) so a verifier picks the right one. */
  readonly keyId: string;
  /** Ed25519 signature of `checkpointPayload`, base64. */
  readonly signature: string;
}

/** The exact text signed: versioned and domain-separated, so no other signed text can pass for one. */
export function checkpointPayload(c: Omit<AuditCheckpoint, 'signature'>): string {
  return JSON.stringify(['elevate-audit-checkpoint/1', c.seq, c.hash, c.at, c.keyId]);
}

/** The newest of several checkpoints: the furthest along the chain, then the most recently signed. */
export function newestCheckpoint<C extends AuditCheckpoint>(cs: readonly (C | undefined)[]): C | undefined {
  let best: C | undefined;
  for (const c of cs) if (c && (!best || c.seq > best.seq || (c.seq === best.seq && c.at > best.at))) best = c;
  return best;
}

/** Why a chain does not agree with a checkpoint (whose signature is already known good). */
export type CheckpointMismatch =
  | { readonly kind: 'cut'; readonly checkpointSeq: number; readonly headSeq: number }
  | { readonly kind: 'rewritten'; readonly seq: number; readonly expected: string; readonly found: string };

/**
 * Compares the chain with a checkpoint: `headSeq` is the chain's last seq (0 when empty) and
 * `hashAtSeq` the stored hash of entry `checkpoint.seq` (undefined when there is none).
 */
export function compareWithCheckpoint(checkpoint: AuditCheckpoint, headSeq: number, hashAtSeq: string | undefined): CheckpointMismatch | null {
  if (headSeq < checkpoint.seq || hashAtSeq === undefined) return { kind: 'cut', checkpointSeq: checkpoint.seq, headSeq };
  if (hashAtSeq !== checkpoint.hash) return { kind: 'rewritten', seq: checkpoint.seq, expected: checkpoint.hash, found: hashAtSeq };
  return null;
}

/** A mismatch in words an operator can act on. */
export function describeMismatch(m: CheckpointMismatch, c: AuditCheckpoint, where: string): string {
  const signed = `the checkpoint signed at ${new Date(c.at).toISOString()} (${where})`;
  return m.kind === 'cut'
    ? `audit trail cut: ${signed} covers entries up to seq ${m.checkpointSeq}, but the store ends at seq ${m.headSeq}; entries were removed from its end`
    : `audit chain rewritten: entry ${m.seq} has hash ${m.found.slice(0, 16)}…, but ${signed} says ${m.expected.slice(0, 16)}…; entries up to seq ${m.seq} were changed, or removed and written anew, and the chain recomputed`;
}
