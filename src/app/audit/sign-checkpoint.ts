import { type AuditCheckpoint, checkpointPayload, compareWithCheckpoint, describeMismatch, newestCheckpoint } from '../../domain/audit/checkpoint.js';
import type { CheckpointLog, CheckpointSigner, CheckpointVerifier } from '../../ports/audit-checkpoints.js';
import type { Deps } from '../deps.js';

/** What signing checkpoints needs: the configured key, its public half, and the file outside the database. */
export interface CheckpointKit {
  readonly signer: CheckpointSigner;
  readonly verifier: CheckpointVerifier;
  readonly log: CheckpointLog;
}

export type CheckpointOutcome =
  | { readonly kind: 'signed'; readonly checkpoint: AuditCheckpoint }
  /** The newest checkpoint already covers the head. */
  | { readonly kind: 'unchanged' }
  /** No audit entry yet: nothing to anchor. */
  | { readonly kind: 'empty' }
  /** The chain contradicts an earlier checkpoint: signing its head would bless the tampering. */
  | { readonly kind: 'refused'; readonly reason: string };

/**
 * Signs a checkpoint of the audit chain's head when it moved since the newest checkpoint, writing it
 * to the checkpoint file (first, so the copy outside the database is never behind) and the store.
 *
 * It never signs a head that does not extend the newest checkpoint it can trust (this node's file,
 * and the store's newest when signed with this key): the entry at that checkpoint's seq must still
 * hold its hash and the chain must link from there to the head. Otherwise a server started on a
 * store edited while it was down would sign the edit, and `audit verify` would pass it.
 */
export async function signCheckpoint(deps: Deps, kit: CheckpointKit): Promise<CheckpointOutcome> {
  const inFile = kit.log.latest();
  const plan = await deps.store.read(async (tx): Promise<CheckpointOutcome | { kind: 'sign'; seq: number; hash: string; storeHasHead: boolean; anchor?: AuditCheckpoint }> => {
    const head = await tx.audit.head();
    const inStore = await tx.auditCheckpoints.latest();
    // The store's newest by another key (a key rotated away) cannot be checked here; the file can.
    const trusted: AuditCheckpoint[] = [];
    for (const [c, where] of [[inFile, kit.log.path], [inStore, 'the store']] as const) {
      if (!c || (where === 'the store' && c.keyId !== kit.signer.keyId)) continue;
      if (!kit.verifier.verify(c)) return { kind: 'refused', reason: `the checkpoint for seq ${c.seq} in ${where} does not carry a valid signature of this key (${kit.signer.keyId}); it was forged or altered` };
      trusted.push(c);
    }
    const anchor = newestCheckpoint(trusted);
    if (!head) return anchor ? { kind: 'refused', reason: describeMismatch({ kind: 'cut', checkpointSeq: anchor.seq, headSeq: 0 }, anchor, where(anchor)) } : { kind: 'empty' };
    if (anchor) {
      const mismatch = compareWithCheckpoint(anchor, head.seq, await tx.audit.hashAt(anchor.seq));
      if (mismatch) return { kind: 'refused', reason: describeMismatch(mismatch, anchor, where(anchor)) };
      const onward = await tx.audit.verifyChain({ seq: anchor.seq, hash: anchor.hash });
      if (onward.brokenAtSeq !== null) return { kind: 'refused', reason: `audit chain broken at seq ${onward.brokenAtSeq}, after the checkpoint for seq ${anchor.seq}` };
    }
    return { kind: 'sign', seq: head.seq, hash: head.hash, storeHasHead: inStore?.seq === head.seq && inStore.hash === head.hash, ...(anchor && { anchor }) };
    function where(c: AuditCheckpoint): string {
      return c === inFile ? kit.log.path : 'the store';
    }
  });
  if (plan.kind !== 'sign') return plan;
  if (plan.anchor?.seq === plan.seq) {
    // Signed already; a crash between the file and the store may have left the store without it.
    if (!plan.storeHasHead && plan.anchor.keyId === kit.signer.keyId) await deps.store.transaction((tx) => tx.auditCheckpoints.insert(plan.anchor!));
    return { kind: 'unchanged' };
  }
  const unsigned = { seq: plan.seq, hash: plan.hash, at: deps.clock.now(), keyId: kit.signer.keyId };
  const checkpoint: AuditCheckpoint = Object.freeze({ ...unsigned, signature: kit.signer.sign(checkpointPayload(unsigned)) });
  kit.log.append(checkpoint);
  await deps.store.transaction((tx) => tx.auditCheckpoints.insert(checkpoint));
  return { kind: 'signed', checkpoint };
}
