import { type AuditCheckpoint, compareWithCheckpoint, describeMismatch, newestCheckpoint } from '../../domain/audit/checkpoint.js';
import type { CheckpointVerifier } from '../../ports/audit-checkpoints.js';
import { requireAdmin } from '../admin/require-admin.js';
import type { Caller, Deps } from '../deps.js';

/** Checkpoints read from one place outside the store (a file given or configured). */
export interface CheckpointSource {
  readonly where: string;
  readonly checkpoints: readonly AuditCheckpoint[];
}

export interface AuditTrailReport {
  /** The chain links and agrees with every checkpoint looked at, whose signatures are all valid. */
  readonly intact: boolean;
  readonly checked: number;
  readonly brokenAtSeq: number | null;
  /** The newest checkpoint the chain was found to agree with, and where it came from. */
  readonly checkpoint: { readonly seq: number; readonly at: number; readonly keyId: string; readonly where: string } | null;
  /** Entries after that checkpoint: protected by the chain alone until the next one is signed. */
  readonly unanchored: number;
  /** Why the trail cannot be trusted, one sentence each. */
  readonly problems: readonly string[];
  /** Said when no key is known and no checkpoint exists: the chain alone cannot tell a cut tail. */
  readonly notice: string | null;
}

/**
 * `elevate audit verify`: recomputes the chain, then checks it against the newest checkpoint of each
 * source (every file given, and the store's own table). The newest is enough: the chain's hash at
 * its seq covers every earlier entry, so a re-chained history differs there, and a cut tail ends
 * before it. A checkpoint whose signature does not verify, or by a key not given, is a problem in
 * itself: someone wrote it who does not hold the key.
 */
export async function verifyAuditTrail(
  deps: Deps,
  caller: Caller,
  opts: { readonly verifier: CheckpointVerifier | null; readonly sources: readonly CheckpointSource[] },
): Promise<AuditTrailReport> {
  requireAdmin(caller);
  return deps.store.read(async (tx) => {
    const chain = await tx.audit.verifyChain();
    const headSeq = (await tx.audit.head())?.seq ?? 0;
    const candidates: { c: AuditCheckpoint; where: string }[] = [];
    const inStore = await tx.auditCheckpoints.latest();
    if (inStore) candidates.push({ c: inStore, where: 'the store' });
    for (const s of opts.sources) {
      const c = newestCheckpoint(s.checkpoints);
      if (c) candidates.push({ c, where: s.where });
    }
    const problems: string[] = [];
    if (chain.brokenAtSeq !== null) {
      problems.push(`audit chain broken at seq ${chain.brokenAtSeq}: that entry, or the one before it, was changed, inserted or removed after it was written`);
    }
    const v = opts.verifier;
    let agreed: { c: AuditCheckpoint; where: string } | undefined;
    for (const { c, where } of candidates) {
      if (!v) {
        problems.push(`the checkpoint for seq ${c.seq} in ${where} cannot be checked without a public key: give --public-key FILE or configure audit.signingKeyFile`);
      } else if (!v.knows(c.keyId)) {
        problems.push(`the checkpoint for seq ${c.seq} in ${where} is signed by key ${c.keyId}, which is not among the keys given: forged, or give that key's public half with --public-key`);
      } else if (!v.verify(c)) {
        problems.push(`the checkpoint for seq ${c.seq} in ${where} has an invalid signature: it was forged or altered`);
      } else {
        const mismatch = compareWithCheckpoint(c, headSeq, await tx.audit.hashAt(c.seq));
        if (mismatch) problems.push(describeMismatch(mismatch, c, where));
        else if (!agreed || c.seq > agreed.c.seq) agreed = { c, where };
      }
    }
    if (v && candidates.length === 0 && headSeq > 0) {
      problems.push('no audit checkpoint found (neither in the store nor in a checkpoint file): a cut tail or a re-chained history cannot be ruled out; give the shipped checkpoint file with --checkpoint FILE');
    }
    return {
      intact: problems.length === 0,
      checked: chain.checked,
      brokenAtSeq: chain.brokenAtSeq,
      checkpoint: agreed ? { seq: agreed.c.seq, at: agreed.c.at, keyId: agreed.c.keyId, where: agreed.where } : null,
      unanchored: headSeq - (agreed?.c.seq ?? 0),
      problems,
      notice:
        !v && candidates.length === 0
          ? 'audit checkpoints are not configured (audit.signingKeyFile): the chain shows edits, but not a cut tail or a history re-chained from the edit on'
          : null,
    };
  });
}
