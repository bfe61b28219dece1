import type { AuditAction } from '../../domain/audit/actions.js';
import { DomainError } from '../../domain/errors.js';
import { auditApproval } from '../audit/audit-trail.js';
import type { Approval } from '../../domain/request/approval.js';
import type { Role } from '../../domain/role/role.js';
import type { Instant } from '../../domain/time.js';
import type { StoreTx } from '../../ports/store.js';
import type { RelyingParty } from '../../ports/webauthn.js';
import type { Caller, Deps } from '../deps.js';
import { findDecidable } from '../find-decidable.js';
import { type ChallengeBinding, checkProof } from './check-proof.js';
import { MAX_MFA_FAILURES, type MfaKit, type MfaProof } from './mfa-kit.js';
import { startPasskeyChallenge } from './passkey-challenge.js';

/** A step-up's outcome: the factor passed (null when the role asks for none), or the refusal. */
export type StepUp = { readonly ok: true; readonly factor: 'totp' | 'passkey' | null } | { readonly ok: false; readonly refused: DomainError };

/** What a step-up is for: an approval (counted per approver on it) or a break-glass review. */
interface StepUpSubject {
  /** Said when no proof came: what to send. */
  readonly missing: string;
  /** The binding a passkey challenge was stored under. */
  readonly binding: ChallengeBinding;
  /** What did not happen when the proof failed ("The approval was not counted"). */
  readonly notDone: string;
  /** Failures on this one subject, when it keeps its own count beside the account's gate. */
  readonly failures?: { read(): Promise<number>; write(n: number): Promise<void> };
  audit(action: AuditAction, after: Record<string, unknown>): Promise<unknown>;
}

/**
 * The one step-up path: the account's attempt gate, the subject's own count, the audit of each
 * outcome. Returns the refusal rather than throwing it, so the transaction keeps the failure.
 */
async function passStepUp(deps: Deps, kit: MfaKit, tx: StoreTx, role: Role, subject: StepUpSubject, proof: MfaProof | null, now: Instant): Promise<StepUp> {
  if (!role.approverMfaRequired) return { ok: true, factor: null };
  if (!proof) throw new DomainError('MfaRequired', subject.missing);
  const before = subject.failures ? await subject.failures.read() : 0;
  if (before >= MAX_MFA_FAILURES) {
    throw new DomainError('MfaCodeRejected', 'Too many failed MFA attempts on this approval; another approver must decide it, or an administrator must reset your factors.');
  }
  const checked = await checkProof(deps, kit, tx, subject.binding, proof, now);
  if (checked.ok) {
    await subject.audit('mfa.step-up.passed', { factor: checked.factor, ...(checked.passkeyName !== undefined && { passkey: checked.passkeyName }) });
    return { ok: true, factor: checked.factor };
  }
  const failures = before + 1;
  await subject.failures?.write(failures);
  await subject.audit('mfa.step-up.failed', { factor: checked.factor, failures, replay: checked.replay });
  const left = subject.failures ? `; ${MAX_MFA_FAILURES - failures} attempt(s) left.` : '.';
  return { ok: false, refused: new DomainError('MfaCodeRejected', `${checked.why} ${subject.notDone}${left}`) };
}

/**
 * The approver's step-up for one approval of a role with `approverMfaRequired`. Returns the factor
 * that passed (null when the role asks for none), or the refusal to report once the transaction
 * has kept the failure count: a wrong code must count even though the approval does not go through.
 */
export function checkStepUp(deps: Deps, kit: MfaKit, tx: StoreTx, role: Role, approval: Approval, caller: Caller, proof: MfaProof | null, now: Instant): Promise<StepUp> {
  return passStepUp(deps, kit, tx, role, {
    missing:
      `Role '${role.name}' counts an approval only after the approver passes MFA: send Code (your authenticator's 6-digit code) ` +
      `or Passkey (an assertion for the options from pamrequeststoapprove(guid'${approval.id}')/PasskeyOptions).`,
    binding: { purpose: 'approval', subjectId: approval.id, accountId: caller.accountId },
    notDone: 'The approval was not counted',
    failures: { read: () => tx.mfa.stepUpFailures(approval.id, caller.accountId), write: (n) => tx.mfa.setStepUpFailures(approval.id, caller.accountId, n) },
    audit: (action, after) => auditApproval(tx, approval.id, approval.requestId, { at: now, actorId: caller.accountId, action, before: null, after }),
  }, proof, now);
}

/**
 * The reviewer's step-up for a break-glass review of a role with `approverMfaRequired`: the review
 * is the only control over a use nobody approved, so it asks what an approval asks. The account's
 * attempt gate bounds guessing (a review has no approval row to count failures on).
 */
export function checkReviewStepUp(deps: Deps, kit: MfaKit, tx: StoreTx, role: Role, requestId: string, caller: Caller, proof: MfaProof | null, now: Instant): Promise<StepUp> {
  return passStepUp(deps, kit, tx, role, {
    missing: `Role '${role.name}' accepts a review of its break-glass uses only after the reviewer passes MFA: send code (your authenticator's 6-digit code).`,
    binding: { purpose: 'request', subjectId: requestId, accountId: caller.accountId },
    notDone: 'The review was not recorded',
    audit: (action, after) => tx.audit.append({ at: now, actorId: caller.accountId, action, targetType: 'request', targetId: requestId, requestId, before: null, after }),
  }, proof, now);
}

/** Passkey options for the caller's step-up on an approval they may decide now. */
export async function approvalPasskeyOptions(deps: Deps, kit: MfaKit, caller: Caller, approvalId: string, rp: RelyingParty) {
  return deps.store.transaction(async (tx) => {
    const { approval } = await findDecidable(deps, tx, caller, approvalId);
    if (approval.status !== 'Pending') throw new DomainError('Conflict', `This approval is already ${approval.status}.`, { status: approval.status });
    return startPasskeyChallenge(kit, tx, { purpose: 'approval', subjectId: approval.id, accountId: caller.accountId }, rp, deps.clock.now());
  });
}
