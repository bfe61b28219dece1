/**
 * Candidate groups in an LDAP directory, against a real slapd (issue 14 §1): the role listing follows
 * the directory within MEMBERSHIP_CACHE_MS (a membership change is no store change, so the cached
 * listing must not outlive the membership cache), and creating a request reads the directory again,
 * so someone just removed is refused at once, exactly as a non-candidate is. The reconciler leaves a
 * standing LDAP group (no role grants it) alone, even in enforce mode.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { upsertGroup } from '../../src/app/admin/groups.js';
import { LOCAL_OPERATOR } from '../../src/app/admin/require-admin.js';
import { upsertRole } from '../../src/app/admin/roles.js';
import { upsertUser } from '../../src/app/admin/users.js';
import { approvalPathForRole } from '../../src/app/approval-path.js';
import { MEMBERSHIP_CACHE_MS } from '../../src/app/approver-groups.js';
import { callerOf } from '../../src/app/authenticate.js';
import { createRequestUseCase } from '../../src/app/create-request.js';
import type { Caller } from '../../src/app/deps.js';
import { listMyRoles } from '../../src/app/list-for-caller.js';
import { reconcileGroups } from '../../src/app/outbox/reconcile.js';
import { DomainError } from '../../src/domain/errors.js';
import { EMPTY_QUERY } from '../../src/ports/filter.js';
import { type TestCore, makeCore } from '../support/harness.js';
import { type Slapd, setValues, startSlapd, valuesOn } from '../support/slapd.js';

let slapd: Slapd;
let t: TestCore;
let developers: string;
let roleId: string;

before(async () => {
  slapd = await startSlapd();
  developers = `cn=developers,${slapd.groups}`;
  t = await makeCore({
    demo: false,
    config: { directories: { corp: { url: slapd.url, bindDn: slapd.bindDn, bindPasswordFile: slapd.bindPasswordFile, userBase: slapd.people, timeoutMs: 1000 } } },
  });
  const deps = t.core.deps;
  for (const login of ['alice', 'bob', 'carol']) await upsertUser(deps, t.core.hasher, LOCAL_OPERATOR, { login }, 'create');
  await upsertGroup(deps, LOCAL_OPERATOR, { name: 'Developers', directory: 'corp', dn: developers, memberAttribute: 'memberUid', reconcile: 'enforce' }, 'create');
  await upsertGroup(deps, LOCAL_OPERATOR, { name: 'Prod Access' }, 'create');
  const r = await upsertRole(deps, LOCAL_OPERATOR, { name: 'Prod', ttlSeconds: 3600, groups: ['Prod Access'], candidates: ['carol'], candidateGroups: ['Developers'] }, 'create');
  roleId = r.role.id;
  assert.deepEqual(r.role.candidateGroups, ['Developers']);
});

after(async () => {
  await t?.destroy();
  await slapd?.stop();
});

const caller = (login: string): Promise<Caller> => t.core.store.transaction(async (tx) => callerOf((await tx.accounts.byLogin(login))!));
const myRoles = async (login: string) => (await listMyRoles(t.core.deps, await caller(login), EMPTY_QUERY)).map((r) => r.name);
const create = async (login: string) =>
  createRequestUseCase(t.core.deps, await caller(login), { roleId, ttlSeconds: 600, justification: 'deploy', requestedAt: null, creationMethod: 'test' });
const refusedAsUnknown = (e: unknown) => e instanceof DomainError && e.code === 'RoleNotFound' && e.message === `There is no role with id ${roleId}.`;

test('a member of an LDAP candidate group sees the role within the membership cache, and may request it', async () => {
  await setValues(slapd, developers, 'memberUid', ['alice']);
  assert.deepEqual(await myRoles('alice'), ['Prod']);
  assert.deepEqual(await myRoles('bob'), [], 'bob is in no candidate group');
  assert.deepEqual(await myRoles('carol'), ['Prod'], 'a named candidate, as before');
  await assert.rejects(create('bob'), refusedAsUnknown, 'a non-member is refused exactly as a non-candidate');
  await assert.rejects(approvalPathForRole(t.core.deps, await caller('bob'), roleId), (e) => e instanceof DomainError && e.code === 'RoleNotFound');

  // bob joins: his cached listing (built a moment ago) may lag, but never beyond the membership cache.
  await setValues(slapd, developers, 'memberUid', ['alice', 'bob']);
  t.clock.advance(MEMBERSHIP_CACHE_MS + 1);
  assert.deepEqual(await myRoles('bob'), ['Prod'], 'the listing follows the directory once the membership cache expires');
  assert.equal((await approvalPathForRole(t.core.deps, await caller('bob'), roleId)).roleName, 'Prod');
  const { request } = await create('bob');
  assert.equal(request.status, 'Active');
});

test('someone removed from the group cannot create a request at once, whatever the listing cache says', async () => {
  await setValues(slapd, developers, 'memberUid', ['alice', 'bob']);
  t.clock.advance(MEMBERSHIP_CACHE_MS + 1);
  assert.deepEqual(await myRoles('alice'), ['Prod']);
  await setValues(slapd, developers, 'memberUid', ['bob']);
  assert.deepEqual(await myRoles('alice'), ['Prod'], 'the listing is cached briefly');
  await assert.rejects(create('alice'), refusedAsUnknown, 'creation reads the directory again');
  t.clock.advance(MEMBERSHIP_CACHE_MS + 1);
  assert.deepEqual(await myRoles('alice'), [], 'and the listing follows within the bound');
});

test('a candidate group the role itself grants is refused', async () => {
  await assert.rejects(
    upsertRole(t.core.deps, LOCAL_OPERATOR, { name: 'Prod', groups: ['Prod Access', 'Developers'] }, 'update'),
    (e) => e instanceof DomainError && e.code === 'BadRequest' && /candidate group cannot be a group the role grants.*Developers/.test(e.message),
  );
});

test('the reconciler leaves a standing LDAP group alone, even in enforce mode', async () => {
  await setValues(slapd, developers, 'memberUid', ['alice', 'bob']);
  const drift = await reconcileGroups(t.core.deps, (n) => t.core.directories.get(n));
  assert.deepEqual(drift.filter((d) => d.group === 'Developers'), []);
  assert.deepEqual(await valuesOn(slapd, developers, 'memberUid'), ['alice', 'bob']);
});

test('once a role starts granting a standing LDAP group, the reconciler removes the members no grant explains', async () => {
  const admins = `cn=admins,${slapd.groups}`;
  await upsertGroup(t.core.deps, LOCAL_OPERATOR, { name: 'Admins', directory: 'corp', dn: admins, memberAttribute: 'member', reconcile: 'enforce' }, 'create');
  const carol = `uid=carol,${slapd.people}`;
  await setValues(slapd, admins, 'member', [carol]);
  const reconcile = async () => (await reconcileGroups(t.core.deps, (n) => t.core.directories.get(n))).filter((d) => d.group === 'Admins');
  assert.deepEqual(await reconcile(), [], 'standing: left alone');
  await upsertRole(t.core.deps, LOCAL_OPERATOR, { name: 'Prod', groups: ['Prod Access', 'Admins'] }, 'update');
  // bob holds Prod (first test): the reconciler adds him; carol has no grant and is removed.
  assert.deepEqual((await reconcile()).map((d) => [d.login, d.kind, d.outcome]), [['bob', 'missing', 'corrected'], ['carol', 'extra', 'corrected']]);
  assert.deepEqual(await valuesOn(slapd, admins, 'member'), [`uid=bob,${slapd.people}`]);
});
