import { DomainError } from '../domain/errors.js';
import type { PamRequest } from '../domain/request/request.js';
import type { RoleSummary } from '../domain/role/role.js';
import { type ApprovalField, type ListQuery, type RequestField, type RoleField, isPlain } from '../ports/filter.js';
import type { ApprovalView, Store } from '../ports/store.js';
import { approverGroupsOf, cachedGroupsOf, candidateGroupsOf } from './approver-groups.js';
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
  if (!isPlain(q)) return deps.store.read(async (tx) => tx.roles.listForCandidate(caller.accountId, q, await candidateGroupsOf(deps, tx, caller.accountId)));
  let cache = roleListings.get(deps.store);
  if (!cache) roleListings.set(deps.store, (cache = new RoleListingCache()));
  const counts = caller.changeCounts ?? (await deps.store.changeCounts());
  // A directory's membership is no store change: the candidate groups the caller is in (cached for
  // MEMBERSHIP_CACHE_MS) are part of the version, so a listing never outlives what it was built from.
  const groups = await candidateGroupsAt(deps, caller, String(counts.roles));
  const version = `${counts.roles}.${counts.accounts}.${groups.join(',')}`;
  const kept = cache.get(caller.accountId, version);
  if (kept) return kept;
  const roles = await deps.store.readOne((tx) => tx.roles.listForCandidate(caller.accountId, q, groups));
  cache.set(caller.accountId, version, roles);
  return roles;
}

/** Per store, the roles' candidate groups at a role change count: read again only when a role changes. */
const candidateGroupSets = new WeakMap<Store, { readonly at: string; readonly ids: readonly string[] }>();

/** The candidate groups the caller is in, for listings; no read at all while no role has any. */
async function candidateGroupsAt(deps: Deps, caller: Caller, rolesVersion: string): Promise<string[]> {
  let known = candidateGroupSets.get(deps.store);
  if (known?.at !== rolesVersion) {
    known = { at: rolesVersion, ids: await deps.store.readOne((tx) => tx.roles.candidateGroupIds()) };
    candidateGroupSets.set(deps.store, known);
  }
  const ids = known.ids;
  if (ids.length === 0) return [];
  return deps.store.read((tx) => cachedGroupsOf(deps, tx, caller.accountId, ids));
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
