import { type Approval, checkCanDecide, checkCanVote } from '../domain/request/approval.js';
import { DomainError } from '../domain/errors.js';
import { type GroupMembers, approverGroupIdsOf, stagesOf } from '../domain/role/approval-stage.js';
import { type Role, isApprover } from '../domain/role/role.js';
import type { PamRequest } from '../domain/request/request.js';
import type { StoreTx } from '../ports/store.js';
import { readGroupMembers } from './approver-groups.js';
import type { Caller, Deps } from './deps.js';
import { roleOf } from './lifecycle.js';

export interface Decidable {
  readonly approval: Approval;
  readonly request: PamRequest;
  readonly role: Role;
  /** Approver groups' members among the caller and the open stage's voters, read now. */
  readonly members: GroupMembers;
}

/**
 * An approval `caller` may vote on now, with its request, role and the approver groups'
 * membership read from the directories at this decision; refusals name why.
 */
export async function findDecidable(deps: Deps, tx: StoreTx, caller: Caller, approvalId: string): Promise<Decidable> {
  const approval = await tx.approvals.byId(approvalId);
  const request = approval && (await tx.requests.byId(approval.requestId));
  const role = request && (await roleOf(tx, request));
  const members = role && approval ? await readGroupMembers(deps, tx, approverGroupIdsOf(role), [caller.accountId, ...approval.votes.map((v) => v.approverId)]) : new Map();
  // Someone who could never decide it learns nothing about it.
  if (!approval || !request || !role || (!isApprover(role, caller.accountId, members) && request.creatorId !== caller.accountId)) {
    throw new DomainError('ApprovalNotFound', `There is no approval with id ${approvalId} waiting for you.`);
  }
  checkCanDecide(role, request, caller.accountId, members);
  if (approval.status === 'Pending' && request.status !== 'PendingApproval') {
    throw new DomainError('Conflict', `The request is ${request.status} and no longer waits for approval.`, { status: request.status });
  }
  // Before any step-up: someone whose stage is not open (or who voted already) spends nothing.
  if (approval.status === 'Pending' && stagesOf(role).length > 0) checkCanVote(role, request, approval, caller.accountId, members);
  return { approval, request, role, members };
}
