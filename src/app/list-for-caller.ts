import type { PamRequest } from '../domain/request/request.js';
import type { RoleSummary } from '../domain/role/role.js';
import type { ApprovalField, ListQuery, RequestField, RoleField } from '../ports/filter.js';
import type { ApprovalView } from '../ports/store.js';
import type { Caller, Deps } from './deps.js';

/** Get-PAMRoleForRequest: the roles the caller is a candidate for. */
export function listMyRoles(deps: Deps, caller: Caller, q: ListQuery<RoleField>): Promise<RoleSummary[]> {
  return deps.store.read((tx) => tx.roles.listForCandidate(caller.accountId, q));
}

/** Get-PAMRequest: the caller's own requests. */
export function listMyRequests(deps: Deps, caller: Caller, q: ListQuery<RequestField>): Promise<PamRequest[]> {
  return deps.store.read((tx) => tx.requests.listByCreator(caller.accountId, q));
}

/** Get-PAMRequestToApprove: requests waiting for the caller's decision. */
export function listMyApprovals(deps: Deps, caller: Caller, q: ListQuery<ApprovalField>): Promise<ApprovalView[]> {
  return deps.store.read((tx) => tx.approvals.pendingFor(caller.accountId, q));
}
