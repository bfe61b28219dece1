import { DomainError } from '../../domain/errors.js';
import { type Group, isValidGroupName } from '../../domain/group/group.js';
import type { StoreTx } from '../../ports/store.js';
import type { Caller, Deps } from '../deps.js';
import { requireAdmin } from './require-admin.js';

export interface GroupSpec {
  readonly name: string;
  readonly description?: string | null | undefined;
  readonly directory?: string | undefined;
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
    const next: Group = {
      id: existing?.id ?? deps.ids.newId(),
      name: spec.name,
      description: spec.description !== undefined ? spec.description : (existing?.description ?? null),
      directory,
    };
    if (existing && JSON.stringify(existing) === JSON.stringify(next)) return { group: existing, changed: false };
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

export async function listGroups(deps: Deps, caller: Caller): Promise<Group[]> {
  requireAdmin(caller);
  return deps.store.transaction((tx) => tx.groups.list());
}

export async function removeGroup(deps: Deps, caller: Caller, name: string): Promise<void> {
  requireAdmin(caller);
  await deps.store.transaction(async (tx) => {
    const g = await groupByName(tx, name);
    const roles = await tx.roles.idsGranting(g.id);
    if (roles.length > 0) throw new DomainError('Conflict', `Group '${name}' is granted by ${roles.length} role(s); take it out of them first.`);
    if ((await tx.groups.members(g.id)).length > 0) throw new DomainError('Conflict', `Group '${name}' still has members.`);
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
  readonly accountId: string;
  readonly login: string;
  readonly displayName: string;
  /** In the directory right now. */
  readonly member: boolean;
  /** Elevate's active grants say the account should be a member. */
  readonly expected: boolean;
}

/** Who holds the group right now, beside who Elevate's active grants say should. */
export async function groupMembers(deps: Deps, caller: Caller, name: string): Promise<{ group: Group; members: GroupMember[] }> {
  requireAdmin(caller);
  return deps.store.transaction(async (tx) => {
    const group = await groupByName(tx, name);
    const dir = deps.directoryFor(tx, group.directory);
    if (!dir) throw new DomainError('BadRequest', `Group '${name}' lives in directory '${group.directory}', which is not configured.`);
    const actual = new Set(await dir.members(group));
    const expected = new Set<string>();
    for (const roleId of await tx.roles.idsGranting(group.id)) for (const a of await tx.requests.holdersOf(roleId)) expected.add(a);
    const members: GroupMember[] = [];
    for (const id of new Set([...actual, ...expected])) {
      const a = await tx.accounts.byId(id);
      members.push({ accountId: id, login: a?.login ?? id, displayName: a?.displayName ?? id, member: actual.has(id), expected: expected.has(id) });
    }
    members.sort((x, y) => x.login.localeCompare(y.login));
    return { group, members };
  });
}
