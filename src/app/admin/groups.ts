import { DomainError } from '../../domain/errors.js';
import { type Group, MEMBER_ATTRIBUTES, type MemberAttribute, RECONCILE_MODES, type ReconcileMode, isValidGroupName } from '../../domain/group/group.js';
import type { StoreTx } from '../../ports/store.js';
import type { Caller, Deps } from '../deps.js';
import { matchesSearch } from './name-search.js';
import { type Page, type PageRequest, pageFrom } from './paging.js';
import { requireAdmin } from './require-admin.js';

export interface GroupSpec {
  readonly name: string;
  readonly description?: string | null | undefined;
  readonly directory?: string | undefined;
  /** The group's DN, for a group in an LDAP directory. */
  readonly dn?: string | null | undefined;
  readonly memberAttribute?: MemberAttribute | null | undefined;
  readonly reconcile?: ReconcileMode | undefined;
  /**
   * Standing members (logins) of an embedded group no role grants, in an apply file; upsertGroup
   * itself leaves members alone (changeGroupMembers sets them).
   */
  readonly members?: readonly string[] | undefined;
}

export async function groupByName(tx: StoreTx, name: string): Promise<Group> {
  const g = await tx.groups.byName(name);
  if (!g) throw new DomainError('NotFound', `There is no group '${name}'.`);
  return g;
}

export async function upsertGroup(
  deps: Deps,
  caller: Caller,
  spec: GroupSpec,
  mode: 'create' | 'update' | 'upsert',
): Promise<{ group: Group; changed: boolean }> {
  requireAdmin(caller);
  if (!isValidGroupName(spec.name)) throw new DomainError('BadRequest', `'${spec.name}' is not a valid group name (1-128 printable characters, no surrounding spaces).`);
  return deps.store.transaction(async (tx) => {
    const existing = await tx.groups.byName(spec.name);
    if (existing && mode === 'create') throw new DomainError('Conflict', `A group '${spec.name}' already exists.`);
    if (!existing && mode === 'update') throw new DomainError('NotFound', `There is no group '${spec.name}'.`);
    const directory = spec.directory ?? existing?.directory ?? 'embedded';
    if (!deps.directoryFor(tx, directory)) throw new DomainError('BadRequest', `No directory named '${directory}' is configured.`);
    const external = directory !== 'embedded';
    const dn = external ? (spec.dn !== undefined ? spec.dn : (existing?.dn ?? null)) : null;
    const memberAttribute = external ? (spec.memberAttribute ?? existing?.memberAttribute ?? 'member') : null;
    if (external && (dn === null || dn.trim() === '')) {
      throw new DomainError('BadRequest', `Group '${spec.name}' is in directory '${directory}': give its DN.`);
    }
    if (!external && spec.dn) throw new DomainError('BadRequest', 'Only a group in an LDAP directory has a DN.');
    if (memberAttribute !== null && !MEMBER_ATTRIBUTES.includes(memberAttribute)) {
      throw new DomainError('BadRequest', `memberAttribute must be one of ${MEMBER_ATTRIBUTES.join(', ')}.`);
    }
    const next: Group = {
      id: existing?.id ?? deps.ids.newId(),
      name: spec.name,
      description: spec.description !== undefined ? spec.description : (existing?.description ?? null),
      directory,
      dn,
      memberAttribute,
      reconcile: spec.reconcile ?? existing?.reconcile ?? 'report',
    };
    if (!RECONCILE_MODES.includes(next.reconcile)) throw new DomainError('BadRequest', `reconcile must be one of ${RECONCILE_MODES.join(', ')}.`);
    if (existing && JSON.stringify(existing) === JSON.stringify(next)) return { group: existing, changed: false };
    if (existing && (existing.directory !== next.directory || existing.dn !== next.dn || existing.memberAttribute !== next.memberAttribute)) {
      // Members granted where the group was would stay there with nothing left to remove them.
      const busy = await whyGroupIsInUse(tx, existing);
      if (busy) throw new DomainError('Conflict', `Group '${spec.name}' cannot move to another directory, DN or member attribute while ${busy}.`);
    }
    if (existing) await tx.groups.update(next);
    else await tx.groups.insert(next);
    await tx.audit.append({
      at: deps.clock.now(),
      actorId: caller.accountId,
      action: existing ? 'group.updated' : 'group.created',
      targetType: 'group',
      targetId: next.id,
      requestId: null,
      before: existing ?? null,
      after: next,
    });
    return { group: next, changed: true };
  });
}

/** Why the group's members cannot be left where they are, or null when nobody holds it. */
async function whyGroupIsInUse(tx: StoreTx, g: Group): Promise<string | null> {
  for (const roleId of await tx.roles.idsGranting(g.id)) {
    if ((await tx.requests.holdersOf(roleId)).length > 0) return 'someone holds it through a role';
  }
  if ((await tx.groups.members(g.id)).length > 0) return 'it has members';
  if ((await tx.outbox.openForGroup(g.id)) > 0) return 'grants or revokes for it wait for its directory';
  return null;
}

/** Every group, or with `search` those whose name, description or DN contains it (the portal's pickers). */
export async function listGroups(deps: Deps, caller: Caller, search: string | null = null): Promise<Group[]> {
  requireAdmin(caller);
  return (await deps.store.transaction((tx) => tx.groups.list())).filter((g) => matchesSearch(search, [g.name, g.description, g.dn]));
}

/** One page of the groups whose name, description or DN contains `search` (any case), by name: searched, counted and sliced by the store. */
export async function listGroupsPage(deps: Deps, caller: Caller, search: string | null, page: PageRequest): Promise<Page<Group>> {
  requireAdmin(caller);
  const { rows, total } = await deps.store.read((tx) => tx.groups.page({ search, ...page }));
  return pageFrom(rows, total, page);
}

export async function removeGroup(deps: Deps, caller: Caller, name: string): Promise<void> {
  requireAdmin(caller);
  await deps.store.transaction(async (tx) => {
    const g = await groupByName(tx, name);
    const roles = await tx.roles.idsGranting(g.id);
    if (roles.length > 0) throw new DomainError('Conflict', `Group '${name}' is granted by ${roles.length} role(s); take it out of them first.`);
    if ((await tx.groups.members(g.id)).length > 0) throw new DomainError('Conflict', `Group '${name}' still has members.`);
    // A revoke still on its way to the directory needs the group to find the member to remove.
    if ((await tx.outbox.openForGroup(g.id)) > 0) throw new DomainError('Conflict', `Group '${name}' has grants or revokes still waiting for its directory (see elevate outbox); try again once they are done.`);
    await tx.groups.remove(g.id);
    await tx.audit.append({
      at: deps.clock.now(),
      actorId: caller.accountId,
      action: 'group.removed',
      targetType: 'group',
      targetId: g.id,
      requestId: null,
      before: g,
      after: null,
    });
  });
}

export interface GroupMember {
  /** The Elevate account, or null for a directory member Elevate does not know. */
  readonly accountId: string | null;
  readonly login: string;
  readonly displayName: string;
  /** In the directory right now. */
  readonly member: boolean;
  /** Elevate's active grants say the account should be a member. */
  readonly expected: boolean;
}

/** Who holds the group right now, beside who Elevate's active grants say should. */
export async function groupMembers(deps: Deps, caller: Caller, name: string): Promise<{ group: Group; grantedBy: string[]; members: GroupMember[] }> {
  requireAdmin(caller);
  const { group, dir, expectedIds, embeddedMembers, grantedBy } = await deps.store.transaction(async (tx) => {
    const group = await groupByName(tx, name);
    const dir = deps.directoryFor(tx, group.directory);
    if (!dir) throw new DomainError('BadRequest', `Group '${name}' lives in directory '${group.directory}', which is not configured.`);
    const expectedIds = new Set<string>();
    const granting = await tx.roles.idsGranting(group.id);
    for (const roleId of granting) for (const a of await tx.requests.holdersOf(roleId)) expectedIds.add(a);
    const grantedBy = (await tx.roles.withGroups(granting)).map((r) => r.name).sort();
    // The embedded directory reads through this transaction; any other is asked after it, so a
    // slow server never holds the store's lock.
    const embeddedMembers = group.directory === 'embedded' ? await dir.members(group) : null;
    return { group, dir, expectedIds, embeddedMembers, grantedBy };
  });
  const actual = new Set((embeddedMembers ?? (await dir.members(group))).map((m) => m.toLowerCase()));
  return deps.store.transaction(async (tx) => {
    const byLogin = new Map<string, GroupMember>();
    for (const id of expectedIds) {
      const a = await tx.accounts.byId(id);
      const login = (a?.login ?? id).toLowerCase();
      byLogin.set(login, { accountId: id, login: a?.login ?? id, displayName: a?.displayName ?? id, member: actual.has(login), expected: true });
    }
    for (const login of actual) {
      if (byLogin.has(login)) continue;
      const a = await tx.accounts.byLogin(login);
      byLogin.set(login, { accountId: a?.id ?? null, login: a?.login ?? login, displayName: a?.displayName ?? login, member: true, expected: false });
    }
    const members = [...byLogin.values()].sort((x, y) => x.login.localeCompare(y.login));
    return { group, grantedBy, members };
  });
}
