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
import { checkProof } from './check-proof.js';
import { MAX_MFA_FAILURES, type MfaKit, type MfaProof } from './mfa-kit.js';
import { startPasskeyChallenge } from './passkey-challenge.js';

/** A step-up's outcome: the factor passed (null when the role asks for none), or the refusal. */
export type StepUp = { readonly ok: true; readonly factor: 'totp' | 'passkey' | null } | { readonly ok: false; readonly refused: DomainError };

/**
 * The approver's step-up for one approval of a role with `approverMfaRequired`. Returns the factor
 * that passed (null when the role asks for none), or the refusal to report once the transaction
 * has kept the failure count: a wrong code must count even though the approval does not go through.
 */
export async function checkStepUp(
  deps: Deps,
  kit: MfaKit,
  tx: StoreTx,
  role: Role,
  approval: Approval,
  caller: Caller,
  proof: MfaProof | null,
  now: Instant,
): Promise<StepUp> {
  if (!role.approverMfaRequired) return { ok: true, factor: null };
  if (!proof) {
    throw new DomainError(
      'MfaRequired',
      `Role '${role.name}' counts an approval only after the approver passes MFA: send Code (your authenticator's 6-digit code) ` +
        `or Passkey (an assertion for the options from pamrequeststoapprove(guid'${approval.id}')/PasskeyOptions).`,
    );
  }
  const before = await tx.mfa.stepUpFailures(approval.id, caller.accountId);
  if (before >= MAX_MFA_FAILURES) {
    throw new DomainError('MfaCodeRejected', 'Too many failed MFA attempts on this approval; another approver must decide it, or an administrator must reset your factors.');
  }
  const checked = await checkProof(deps, kit, tx, { purpose: 'approval', subjectId: approval.id, accountId: caller.accountId }, proof, now);
  const audit = (action: AuditAction, after: Record<string, unknown>) =>
    auditApproval(tx, approval.id, approval.requestId, { at: now, actorId: caller.accountId, action, before: null, after });
  if (checked.ok) {
    await audit('mfa.step-up.passed', { factor: checked.factor, ...(checked.passkeyName !== undefined && { passkey: checked.passkeyName }) });
    return { ok: true, factor: checked.factor };
  }
  const failures = before + 1;
  await tx.mfa.setStepUpFailures(approval.id, caller.accountId, failures);
  await audit('mfa.step-up.failed', { factor: checked.factor, failures, replay: checked.replay });
  return { ok: false, refused: new DomainError('MfaCodeRejected', `${checked.why} The approval was not counted; ${MAX_MFA_FAILURES - failures} attempt(s) left.`) };
}

/** Passkey options for the caller's step-up on an approval they may decide now. */
export async function approvalPasskeyOptions(deps: Deps, kit: MfaKit, caller: Caller, approvalId: string, rp: RelyingParty) {
  return deps.store.transaction(async (tx) => {
    const { approval } = await findDecidable(deps, tx, caller, approvalId);
    if (approval.status !== 'Pending') throw new DomainError('Conflict', `This approval is already ${approval.status}.`, { status: approval.status });
    return startPasskeyChallenge(kit, tx, { purpose: 'approval', subjectId: approval.id, accountId: caller.accountId }, rp, deps.clock.now());
  });
}
