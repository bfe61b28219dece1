import { type Decision, checkCanDecide, decide } from '../domain/request/approval.js';
import { DomainError } from '../domain/errors.js';
import { isApprover } from '../domain/role/role.js';
import type { PamRequest } from '../domain/request/request.js';
import type { Caller, Deps } from './deps.js';
import { advance, roleOf } from './lifecycle.js';

/**
 * Set-PAMRequestToApprove: an approver approves or rejects. The approval row and the request move
 * in one transaction; the request's version check makes a racing approve/close end in one outcome.
 */
export async function decideApprovalUseCase(
  deps: Deps,
  caller: Caller,
  approvalId: string,
  decision: Decision,
  comment: string | null,
): Promise<PamRequest> {
  return deps.store.transaction(async (tx) => {
    const now = deps.clock.now();
    const approval = await tx.approvals.byId(approvalId);
    const request = approval && (await tx.requests.byId(approval.requestId));
    const role = request && (await roleOf(tx, request));
    // Someone who could never decide it learns nothing about it.
    if (!approval || !request || !role || (!isApprover(role, caller.accountId) && request.creatorId !== caller.accountId)) {
      throw new DomainError('ApprovalNotFound', `There is no approval with id ${approvalId} waiting for you.`);
    }
    checkCanDecide(role, request, caller.accountId);
    if (approval.status === 'Pending' && request.status !== 'PendingApproval') {
      throw new DomainError('Conflict', `The request is ${request.status} and no longer waits for approval.`, { status: request.status });
    }
    const decided = decide(approval, decision, caller.accountId, now, comment);
    await tx.approvals.update(decided);
    await tx.audit.append({
      at: now,
      actorId: caller.accountId,
      action: `approval.${decided.status.toLowerCase()}`,
      targetType: 'approval',
      targetId: approval.id,
      requestId: request.id,
      before: { status: approval.status },
      after: { status: decided.status, comment },
    });
    return advance(deps, tx, request, { kind: decision === 'approve' ? 'Approved' : 'Rejected' }, caller.accountId, now);
  });
}
