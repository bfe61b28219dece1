import { type GroupMembers, NO_MEMBERS } from '../domain/role/approval-stage.js';
import { DomainError } from '../domain/errors.js';
import { type Role, isCandidate } from '../domain/role/role.js';
import type { StoreTx } from '../ports/store.js';
import type { Deps } from './deps.js';

/**
 * The members of groups (approver or candidate groups), read from the directory each group lives in, as account ids.
 * With `only`, just those accounts are looked for (a decision needs the decider and the stage's
 * voters, not every member of a large directory group); without, every member that has an account.
 */
export async function readGroupMembers(deps: Deps, tx: StoreTx, groupIds: readonly string[], only?: readonly string[]): Promise<GroupMembers> {
  const out = new Map<string, ReadonlySet<string>>();
  const wanted = only && (await tx.accounts.byIds([...new Set(only)]));
  for (const id of groupIds) {
    const group = await tx.groups.byId(id);
    if (!group) continue;
    if (group.directory === 'embedded') {
      const ids = await tx.groups.members(id);
      out.set(id, new Set(only ? ids.filter((a) => only.includes(a)) : ids));
      continue;
    }
    const directory = deps.directoryFor(tx, group.directory);
    if (!directory) throw new DomainError('DirectoryUnavailable', `The directory '${group.directory}' of group '${group.name}' is not configured.`);
    const logins = new Set((await directory.members(group)).map((l) => l.toLowerCase()));
    const accounts = wanted ?? (await Promise.all([...logins].map((l) => tx.accounts.byLogin(l)))).filter((a) => a !== undefined);
    out.set(id, new Set(accounts.filter((a) => logins.has(a.login.toLowerCase())).map((a) => a.id)));
  }
  return out;
}

/**
 * Whether `accountId` may request `role` now: named, or in one of its candidate groups as the
 * directories say at this moment (never the listing cache: a person just removed from the group
 * must not create a request on the strength of an old answer).
 */
export async function isCandidateNow(deps: Deps, tx: StoreTx, role: Role, accountId: string): Promise<boolean> {
  return isCandidate(role, accountId, await candidateGroupMembersNow(deps, tx, role, accountId));
}

/** What the role's candidate groups say about `accountId` now; no directory is asked when they are named. */
export async function candidateGroupMembersNow(deps: Deps, tx: StoreTx, role: Role, accountId: string): Promise<GroupMembers> {
  const groups = role.candidateGroupIds ?? [];
  if (groups.length === 0 || role.candidateIds.includes(accountId)) return NO_MEMBERS;
  return readGroupMembers(deps, tx, groups, [accountId]);
}

/** How long a listing may reuse what a directory said about a group's members. */
export const MEMBERSHIP_CACHE_MS = 30_000;
const cache = new WeakMap<object, Map<string, { at: number; members: GroupMembers }>>();

/**
 * Which of `groupIds` `accountId` is in now, for listings: cached briefly (MEMBERSHIP_CACHE_MS) per
 * account and group set, so a portal polling its lists does not query the directory each time.
 * Decisions and request creation never use this; they read membership again (readGroupMembers).
 */
export async function cachedGroupsOf(deps: Deps, tx: StoreTx, accountId: string, groupIds: readonly string[]): Promise<string[]> {
  if (groupIds.length === 0) return [];
  const perStore = cache.get(deps.store) ?? cache.set(deps.store, new Map()).get(deps.store)!;
  const now = deps.clock.now();
  const key = `${accountId}\u0000${groupIds.join(',')}`;
  let hit = perStore.get(key);
  if (!hit || now - hit.at > MEMBERSHIP_CACHE_MS || now < hit.at) {
    hit = { at: now, members: await readGroupMembers(deps, tx, groupIds, [accountId]) };
    if (perStore.size > 10_000) perStore.clear();
    perStore.set(key, hit);
  }
  return groupIds.filter((g) => hit.members.get(g)?.has(accountId) === true);
}

/** The approver groups `accountId` is in now, for listings (Get-PAMRequestToApprove); see cachedGroupsOf. */
export async function approverGroupsOf(deps: Deps, tx: StoreTx, accountId: string): Promise<string[]> {
  return cachedGroupsOf(deps, tx, accountId, await tx.roles.approverGroupIds());
}

/** The candidate groups `accountId` is in now, for listings (Get-PAMRoleForRequest); see cachedGroupsOf. */
export async function candidateGroupsOf(deps: Deps, tx: StoreTx, accountId: string): Promise<string[]> {
  return cachedGroupsOf(deps, tx, accountId, await tx.roles.candidateGroupIds());
}
