import { APPROVAL_ACTIONS } from '../domain/audit/actions.js';
import { type Decision, vote } from '../domain/request/approval.js';
import { auditApproval } from './audit/audit-trail.js';
import type { DomainError } from '../domain/errors.js';
import { notificationOf } from './notify/notification-of.js';
import type { PamRequest } from '../domain/request/request.js';
import type { Caller, Deps } from './deps.js';
import { findDecidable } from './find-decidable.js';
import { inLifecycle } from './lifecycle.js';
import type { MfaKit, MfaProof } from './mfa/mfa-kit.js';
import { checkStepUp } from './mfa/step-up.js';

type Outcome = { ok: true; request: PamRequest } | { ok: false; error: DomainError };

/**
 * Set-PAMRequestToApprove: an approver approves or rejects. The approval row and the request move
 * in one transaction; the request's version check makes a racing approve/close end in one outcome.
 * For a role with approverMfaRequired an approval first needs the approver's step-up `proof`.
 */
export async function decideApprovalUseCase(
  deps: Deps,
  kit: MfaKit,
  caller: Caller,
  approvalId: string,
  decision: Decision,
  comment: string | null,
  proof: MfaProof | null = null,
): Promise<PamRequest> {
  const outcome = await inLifecycle(deps, async (lc, tx): Promise<Outcome> => {
    const now = lc.now;
    const { approval, request, role, members } = await findDecidable(deps, tx, caller, approvalId);
    // Rejecting takes access away, so only approving needs the step-up. Checked after
    // findDecidable, so a stranger cannot spend an approver's codes or challenges.
    let factor: string | null = null;
    if (decision === 'approve' && approval.status === 'Pending') {
      const stepUp = await checkStepUp(deps, kit, tx, role, approval, caller, proof, now);
      if (!stepUp.ok) return { ok: false, error: stepUp.refused };
      factor = stepUp.factor;
    }
    const decided = vote(approval, role, request, { approverId: caller.accountId, at: now, decision, comment, factor }, members);
    const cast = decided.votes[decided.votes.length - 1]!;
    await tx.approvals.update(decided);
    await auditApproval(tx, approval.id, request.id, {
      at: now,
      actorId: caller.accountId,
      action: APPROVAL_ACTIONS[decided.status],
      before: { status: approval.status, stage: approval.stage },
      after: { status: decided.status, stage: decided.stage, decision, comment },
    });
    // The request moves only once the fold decides: a rejection, or an approval of the last stage.
    const after = decided.status === 'Pending' ? request : await lc.run(request, { kind: decided.status === 'Approved' ? 'Approved' : 'Rejected' }, caller.accountId);
    // After the request's versioned update: of two approvers racing, the second meets the
    // request's Conflict (with its state), as before votes were rows of their own.
    await tx.approvals.addVote(approval.id, decided.votes.length - 1, cast);
    // A stage passed and the next opened: its approvers are told, as the first stage's were.
    if (decided.status === 'Pending' && decided.stage !== approval.stage) {
      await tx.notifications.addMany([notificationOf(deps.ids, { kind: 'notify', event: 'approval-needed', requestId: request.id }, request, now, { actorId: caller.accountId })]);
    }
    return { ok: true, request: after };
  });
  if (!outcome.ok) throw outcome.error;
  return outcome.request;
}
