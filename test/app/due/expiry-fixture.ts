import { randomUUID } from 'node:crypto';
import { upsertGroup } from '../../../src/app/admin/groups.js';
import { LOCAL_OPERATOR } from '../../../src/app/admin/require-admin.js';
import { upsertRole } from '../../../src/app/admin/roles.js';
import { upsertUser } from '../../../src/app/admin/users.js';
import { callerOf } from '../../../src/app/authenticate.js';
import { createRequestUseCase } from '../../../src/app/create-request.js';
import type { PamRequest } from '../../../src/domain/request/request.js';
import type { Core } from '../../../src/main.js';

/**
 * Groups and roles for the expiry batch tests. Ops and Plus share a group, so one person holding
 * both keeps it when either ends; Mixed also grants a group in an LDAP directory, so its
 * elevations end through the outbox.
 */
export const GROUPS = { a: 'Batch A', shared: 'Batch Shared', b: 'Batch B', ldap: 'Batch LDAP' } as const;
export const ROLES = { ops: 'Ops', plus: 'Plus', mixed: 'Mixed' } as const;

export async function setUpRoles(core: Core, logins: readonly string[]): Promise<void> {
  const deps = core.deps;
  for (const login of logins) await upsertUser(deps, core.hasher, LOCAL_OPERATOR, { login }, 'create');
  for (const name of [GROUPS.a, GROUPS.shared, GROUPS.b]) await upsertGroup(deps, LOCAL_OPERATOR, { name }, 'create');
  const candidates = [...logins];
  await upsertRole(deps, LOCAL_OPERATOR, { name: ROLES.ops, ttlSeconds: 3600, groups: [GROUPS.a, GROUPS.shared], candidates }, 'create');
  await upsertRole(deps, LOCAL_OPERATOR, { name: ROLES.plus, ttlSeconds: 3600, groups: [GROUPS.shared, GROUPS.b], candidates }, 'create');
  await upsertRole(deps, LOCAL_OPERATOR, { name: ROLES.mixed, ttlSeconds: 3600, groups: [GROUPS.a], candidates }, 'create');
}

/**
 * Adds an LDAP group to Mixed once its elevations are Active, straight in the store: the outbox
 * would otherwise wait for a directory to confirm the grant, and this test is about the revoke.
 */
export async function addLdapGroupToMixed(core: Core): Promise<void> {
  await core.deps.store.transaction(async (tx) => {
    const id = randomUUID();
    await tx.groups.insert({ id, name: GROUPS.ldap, description: null, directory: 'corp', dn: 'cn=batch,ou=groups,dc=corp', memberAttribute: 'member', reconcile: 'off' });
    const mixed = (await tx.roles.byName(ROLES.mixed))!;
    await tx.roles.update({ ...mixed, groupIds: [...mixed.groupIds, id] });
  });
}

export async function elevate(core: Core, login: string, role: string, ttlSeconds: number, requestedAt: number | null = null): Promise<PamRequest> {
  const { caller, roleId } = await core.deps.store.transaction(async (tx) => ({
    caller: callerOf((await tx.accounts.byLogin(login))!),
    roleId: (await tx.roles.byName(role))!.id,
  }));
  return (await createRequestUseCase(core.deps, caller, { roleId, ttlSeconds, justification: null, requestedAt, creationMethod: 'test' })).request;
}

export async function callerFor(core: Core, login: string) {
  return core.deps.store.transaction(async (tx) => callerOf((await tx.accounts.byLogin(login))!));
}

/** Logins in the embedded group `name`, sorted. */
export async function membersOf(core: Core, name: string): Promise<string[]> {
  return core.deps.store.transaction(async (tx) => {
    const g = (await tx.groups.byName(name))!;
    const ids = await tx.groups.members(g.id);
    return (await tx.accounts.byIds(ids)).map((a) => a.login).sort();
  });
}

export async function stored(core: Core, id: string): Promise<PamRequest> {
  return (await core.deps.store.transaction((tx) => tx.requests.byId(id)))!;
}
