import { type Approval, checkCanDecide } from '../domain/request/approval.js';
import { DomainError } from '../domain/errors.js';
import { type Role, isApprover } from '../domain/role/role.js';
import type { PamRequest } from '../domain/request/request.js';
import type { StoreTx } from '../ports/store.js';
import type { Caller } from './deps.js';
import { roleOf } from './lifecycle.js';

/** An approval `caller` may decide now, with its request and role; refusals name why. */
export async function findDecidable(tx: StoreTx, caller: Caller, approvalId: string): Promise<{ approval: Approval; request: PamRequest; role: Role }> {
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
  return { approval, request, role };
}
