import { DomainError } from '../domain/errors.js';
import type { PamRequest } from '../domain/request/request.js';
import type { RoleSummary } from '../domain/role/role.js';
import { type ApprovalField, type ListQuery, type RequestField, type RoleField, isPlain } from '../ports/filter.js';
import type { ApprovalView, Store } from '../ports/store.js';
import { approverGroupsOf } from './approver-groups.js';
import type { Caller, Deps } from './deps.js';
import { RoleListingCache } from './role-listing-cache.js';

/** One cache per store: tests open many stores in one process. */
const roleListings = new WeakMap<Store, RoleListingCache>();

/**
 * Get-PAMRoleForRequest: the roles the caller is a candidate for. The plain listing is kept per
 * caller and answered from memory while the store's change counts have not moved (read at sign-in,
 * or here when the sign-in did not), so a change by another node or the CLI shows on the very next call.
 */
export async function listMyRoles(deps: Deps, caller: Caller, q: ListQuery<RoleField>): Promise<readonly RoleSummary[]> {
  if (!isPlain(q)) return deps.store.readOne((tx) => tx.roles.listForCandidate(caller.accountId, q));
  let cache = roleListings.get(deps.store);
  if (!cache) roleListings.set(deps.store, (cache = new RoleListingCache()));
  const counts = caller.changeCounts ?? (await deps.store.readOne((tx) => tx.accounts.changeCounts()));
  const version = `${counts.roles}.${counts.accounts}`;
  const kept = cache.get(caller.accountId, version);
  if (kept) return kept;
  const roles = await deps.store.readOne((tx) => tx.roles.listForCandidate(caller.accountId, q));
  cache.set(caller.accountId, version, roles);
  return roles;
}

/** Get-PAMRequest: the caller's own requests. */
export function listMyRequests(deps: Deps, caller: Caller, q: ListQuery<RequestField>): Promise<PamRequest[]> {
  return deps.store.readOne((tx) => tx.requests.listByCreator(caller.accountId, q));
}

/** Get-PAMRequestToApprove: requests whose open stage the caller may still vote on. */
export function listMyApprovals(deps: Deps, caller: Caller, q: ListQuery<ApprovalField>): Promise<ApprovalView[]> {
  return deps.store.read(async (tx) => tx.approvals.pendingFor(caller.accountId, await approverGroupsOf(deps, tx, caller.accountId), q));
}

/** How many requests one call may ask about: a page of the portal's history. */
export const MAX_ENDING_IDS = 200;

/**
 * Why the caller's requests ended (or are ending), for those of `ids` that did: an extension beside
 * Get-PAMRequest, whose wire shape has no field for it. Other people's ids are left out silently,
 * as if they did not exist.
 */
export async function listMyEndings(deps: Deps, caller: Caller, ids: readonly string[]): Promise<PamRequest[]> {
  if (ids.length > MAX_ENDING_IDS) throw new DomainError('BadRequest', `Ask about at most ${MAX_ENDING_IDS} requests at a time.`);
  return deps.store.read(async (tx) => {
    const out: PamRequest[] = [];
    for (const id of new Set(ids)) {
      const r = await tx.requests.byId(id);
      if (r && r.creatorId === caller.accountId && r.endReason !== null) out.push(r);
    }
    return out;
  });
}
