import { DomainError } from '../../domain/errors.js';
import type { Group } from '../../domain/group/group.js';
import type { Role } from '../../domain/role/role.js';
import type { StoreTx } from '../../ports/store.js';
import type { Caller, Deps } from '../deps.js';
import { groupByName } from './groups.js';
import { requireAdmin } from './require-admin.js';
import { accountByLogin } from './users.js';

/**
 * Standing members of embedded groups (issue 14 §1). An embedded group is either
 * - granted: some role grants it, and its members come only from elevations (never standing), or
 * - standing: no role grants it, and administrators set its members; it serves as an approver,
 *   candidate or rule group.
 * The two never mix: standing members cannot be set on a granted group, and a role cannot start
 * granting a group that has standing members (its members would become elevations nobody asked for,
 * and the end of an elevation would remove a standing member). Both checks run with the group's row
 * locked, so a role edit and a member edit racing on PostgreSQL queue instead of both passing.
 */

export interface StandingMember {
  readonly login: string;
  readonly displayName: string;
}

export interface MembersChange {
  readonly group: string;
  readonly members: StandingMember[];
  readonly added: string[];
  readonly removed: string[];
}

/** The names of the roles that grant `group`, sorted; empty for a standing group. */
async function rolesGranting(tx: StoreTx, group: Group): Promise<string[]> {
  const roles = await tx.roles.withGroups(await tx.roles.idsGranting(group.id));
  return roles.map((r) => r.name).sort();
}

async function embeddedGroup(tx: StoreTx, name: string): Promise<Group> {
  const group = await groupByName(tx, name);
  if (group.directory !== 'embedded') {
    throw new DomainError('BadRequest', `Group '${name}' lives in directory '${group.directory}': its members are managed there, not in Elevate.`);
  }
  return group;
}

async function standingMembers(tx: StoreTx, group: Group): Promise<StandingMember[]> {
  const accounts = await tx.accounts.byIds(await tx.groups.members(group.id));
  return accounts.map((a) => ({ login: a.login, displayName: a.displayName })).sort((x, y) => x.login.localeCompare(y.login));
}

/** The members of an embedded group, and whether they are standing (no role grants it) or elevations. */
export async function listGroupMembers(deps: Deps, caller: Caller, name: string): Promise<{ group: string; kind: 'standing' | 'granted'; grantedBy: string[]; members: StandingMember[] }> {
  requireAdmin(caller);
  return deps.store.read(async (tx) => {
    const group = await embeddedGroup(tx, name);
    const grantedBy = await rolesGranting(tx, group);
    return { group: group.name, kind: grantedBy.length > 0 ? 'granted' : 'standing', grantedBy, members: await standingMembers(tx, group) };
  });
}

/**
 * Changes the standing members of an embedded group: `set` replaces them all, `add`/`remove` edit
 * them. Refused (409) when a role grants the group. Each addition and removal is audited.
 */
export async function changeGroupMembers(
  deps: Deps,
  caller: Caller,
  name: string,
  change: { readonly set?: readonly string[]; readonly add?: readonly string[]; readonly remove?: readonly string[] },
): Promise<MembersChange> {
  requireAdmin(caller);
  return deps.store.transaction(async (tx) => {
    const group = await embeddedGroup(tx, name);
    await tx.groups.lockForChange([group.id]);
    const grantedBy = await rolesGranting(tx, group);
    if (grantedBy.length > 0) {
      throw new DomainError(
        'Conflict',
        `Group '${name}' is granted by role(s) ${grantedBy.map((r) => `'${r}'`).join(', ')}: its members come only from elevations. ` +
          'Use a group no role grants for standing members (approver, candidate or rule groups).',
      );
    }
    const resolve = async (logins: readonly string[] | undefined) => (logins === undefined ? undefined : Promise.all([...new Set(logins)].map((l) => accountByLogin(tx, l))));
    const [set, add, remove] = [await resolve(change.set), await resolve(change.add), await resolve(change.remove)];
    const before = new Set(await tx.groups.members(group.id));
    const after = new Set(set ? set.map((a) => a.id) : before);
    for (const a of add ?? []) after.add(a.id);
    for (const a of remove ?? []) after.delete(a.id);
    const added = [...after].filter((id) => !before.has(id));
    const removed = [...before].filter((id) => !after.has(id));
    const logins = new Map((await tx.accounts.byIds([...added, ...removed])).map((a) => [a.id, a.login]));
    const at = deps.clock.now();
    for (const [ids, action] of [[added, 'group.member-added'], [removed, 'group.member-removed']] as const) {
      for (const id of ids) {
        if (action === 'group.member-added') await tx.groups.addMember(group.id, id);
        else await tx.groups.removeMember(group.id, id);
        const login = logins.get(id) ?? id;
        await tx.audit.append({
          at,
          actorId: caller.accountId,
          action,
          targetType: 'membership',
          targetId: `${group.name}/${login}`,
          requestId: null,
          before: { member: action === 'group.member-removed' },
          after: { member: action === 'group.member-added', standing: true },
        });
      }
    }
    return {
      group: group.name,
      members: await standingMembers(tx, group),
      added: added.map((id) => logins.get(id) ?? id).sort(),
      removed: removed.map((id) => logins.get(id) ?? id).sort(),
    };
  });
}

/**
 * Refuses a role edit that starts granting an embedded group with standing members: those people
 * would hold the role's group without an elevation, and an elevation's end would remove them.
 */
export async function refuseStandingGroups(tx: StoreTx, next: Role, existing: Role | undefined): Promise<void> {
  const added = next.groupIds.filter((g) => !existing?.groupIds.includes(g));
  if (added.length === 0) return;
  await tx.groups.lockForChange(added);
  for (const group of await tx.groups.byIds(added)) {
    if (group.directory !== 'embedded' || (await tx.roles.idsGranting(group.id)).length > 0) continue;
    const n = (await tx.groups.members(group.id)).length;
    if (n > 0) {
      throw new DomainError(
        'Conflict',
        `Role '${next.name}' cannot grant group '${group.name}': it has ${n} standing member(s) set by administrators (elevate group members '${group.name}'). ` +
          'Remove them first, or grant another group.',
      );
    }
  }
}
