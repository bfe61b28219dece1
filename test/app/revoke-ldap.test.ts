/**
 * Taking access away from LDAP-backed groups against a real slapd: the request stays Closing until
 * the directory has confirmed the removal, and the reconciler agrees with the grants afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { removeGroup, upsertGroup } from '../../src/app/admin/groups.js';
import { lockUser, unlockUser } from '../../src/app/admin/lock.js';
import { LOCAL_OPERATOR } from '../../src/app/admin/require-admin.js';
import { revokeAll, revokeRequest } from '../../src/app/admin/revoke.js';
import { upsertRole } from '../../src/app/admin/roles.js';
import { upsertUser } from '../../src/app/admin/users.js';
import { callerOf } from '../../src/app/authenticate.js';
import { createRequestUseCase } from '../../src/app/create-request.js';
import { reconcileGroups } from '../../src/app/outbox/reconcile.js';
import { runOutbox } from '../../src/app/outbox/run-outbox.js';
import { DomainError } from '../../src/domain/errors.js';
import type { PamRequest } from '../../src/domain/request/request.js';
import { type TestCore, makeCore } from '../support/harness.js';
import { type Slapd, startSlapd, valuesOn } from '../support/slapd.js';

let slapd: Slapd;
let t: TestCore;
let admins: string;
let developers: string;
const dn = (login: string) => `uid=${login},${slapd.people}`;

before(async () => {
  slapd = await startSlapd();
  admins = `cn=admins,${slapd.groups}`;
  developers = `cn=developers,${slapd.groups}`;
  t = await makeCore({
    demo: false,
    config: {
      directories: {
        corp: { url: slapd.url, bindDn: slapd.bindDn, bindPasswordFile: slapd.bindPasswordFile, userBase: slapd.people, timeoutMs: 1000 },
      },
    },
  });
  const deps = t.core.deps;
  for (const login of ['bob', 'carol']) await upsertUser(deps, t.core.hasher, LOCAL_OPERATOR, { login }, 'create');
  await upsertGroup(deps, LOCAL_OPERATOR, { name: 'Directory Admins', directory: 'corp', dn: admins, memberAttribute: 'member' }, 'create');
  await upsertGroup(deps, LOCAL_OPERATOR, { name: 'Developers', directory: 'corp', dn: developers, memberAttribute: 'memberUid' }, 'create');
  await upsertRole(deps, LOCAL_OPERATOR, { name: 'LDAP Admin', ttlSeconds: 3600, groups: ['Directory Admins', 'Developers'], candidates: ['bob', 'carol'] }, 'create');
});

after(async () => {
  await t.destroy();
  await slapd.stop();
});

const outbox = () => runOutbox(t.core.deps, { directoryFor: (n) => t.core.directories.get(n) });
const stored = async (id: string) => (await t.core.store.transaction((tx) => tx.requests.byId(id)))!;
/** cn=admins lists members by DN, cn=developers (a posixGroup) by login. */
const inGroup = async (group: string, login: string) =>
  group === developers ? (await valuesOn(slapd, group, 'memberUid')).includes(login) : (await valuesOn(slapd, group, 'member')).includes(dn(login));

async function request(login: string): Promise<PamRequest> {
  const caller = await t.core.store.transaction(async (tx) => callerOf((await tx.accounts.byLogin(login))!));
  const role = (await t.core.store.transaction((tx) => tx.roles.byName('LDAP Admin')))!;
  return (await createRequestUseCase(t.core.deps, caller, { roleId: role.id, ttlSeconds: 600, justification: null, requestedAt: null, creationMethod: 'test' })).request;
}

async function active(login: string): Promise<PamRequest> {
  const r = await request(login);
  const report = await outbox();
  assert.deepEqual(report.failed, []);
  assert.equal((await stored(r.id)).status, 'Active');
  assert.ok(await inGroup(admins, login));
  return r;
}

/** The reconciler finds nothing about Elevate's people: the directory matches the grants. */
async function assertReconcilerAgrees(label: string): Promise<void> {
  const drift = (await reconcileGroups(t.core.deps, (n) => t.core.directories.get(n))).filter((d) => d.login === 'bob' || d.login === 'carol');
  assert.deepEqual(drift, [], label);
}

test('revoke: Closing until the directory confirms the removal, Closed only after', async () => {
  const r = await active('bob');
  const view = await revokeRequest(t.core.deps, LOCAL_OPERATOR, r.id, 'incident 7');
  assert.equal(view.status, 'Closing');
  assert.equal(view.endReason, 'revoked');
  assert.ok(await inGroup(admins, 'bob'), 'nothing removed before the outbox worker ran');
  const report = await outbox();
  assert.equal(report.failed.length, 0);
  const after = await stored(r.id);
  assert.equal(after.status, 'Closed');
  assert.equal(after.endNote, 'incident 7');
  assert.ok(!(await inGroup(admins, 'bob')));
  assert.ok(!(await inGroup(developers, 'bob')));
  await assertReconcilerAgrees('after a revoke');
  await assert.rejects(revokeRequest(t.core.deps, LOCAL_OPERATOR, r.id, 'again'), (e: unknown) => e instanceof DomainError && e.code === 'Conflict');
});

test('a held group cannot move to another DN: members left at the old one could never be removed', async () => {
  const r = await active('bob');
  const moved = upsertGroup(t.core.deps, LOCAL_OPERATOR, { name: 'Directory Admins', dn: developers }, 'update');
  await assert.rejects(moved, (e: unknown) => e instanceof DomainError && e.code === 'Conflict' && /someone holds it/.test(e.message));
  await revokeRequest(t.core.deps, LOCAL_OPERATOR, r.id, 'done');
  await outbox();
  assert.ok(!(await inGroup(admins, 'bob')));
  await assertReconcilerAgrees('after the refused move');
});

test('revoke while the grant is still on its way: the removal follows the grant, and the member ends absent', async () => {
  const r = await request('bob');
  assert.equal(r.status, 'Processing');
  assert.equal((await revokeRequest(t.core.deps, LOCAL_OPERATOR, r.id, 'changed my mind')).status, 'Closing');
  await outbox(); // the grants
  await outbox(); // then the revokes, strictly in order per member
  assert.equal((await stored(r.id)).status, 'Closed');
  assert.ok(!(await inGroup(admins, 'bob')));
  await assertReconcilerAgrees('after revoking a Processing request');
});

test('lock: the elevation is Closing until the directory confirms; unlock brings nothing back', async () => {
  const r = await active('carol');
  const locked = await lockUser(t.core.deps, LOCAL_OPERATOR, 'carol', 'leaver', null);
  assert.deepEqual(locked.ended.map((x) => [x.requestId, x.status]), [[r.id, 'Closing']]);
  await outbox();
  assert.equal((await stored(r.id)).status, 'Closed');
  assert.ok(!(await inGroup(admins, 'carol')));
  await unlockUser(t.core.deps, LOCAL_OPERATOR, 'carol');
  await outbox();
  assert.ok(!(await inGroup(admins, 'carol')));
  await assertReconcilerAgrees('after a lock');
});

test('a role that stops granting an LDAP group: that membership is removed through the outbox, the elevation goes on', async () => {
  const r = await active('bob');
  assert.ok(await inGroup(developers, 'bob'));
  await upsertRole(t.core.deps, LOCAL_OPERATOR, { name: 'LDAP Admin', groups: ['Directory Admins'] }, 'update');
  // The group cannot be deleted while its revoke is on its way.
  await assert.rejects(removeGroup(t.core.deps, LOCAL_OPERATOR, 'Developers'), (e: unknown) => e instanceof DomainError && e.code === 'Conflict');
  await outbox();
  assert.ok(!(await inGroup(developers, 'bob')));
  assert.ok(await inGroup(admins, 'bob'));
  assert.equal((await stored(r.id)).status, 'Active');
  await assertReconcilerAgrees('after the role changed');
  // Now nothing refers to it, so it can go without leaving anyone behind.
  await removeGroup(t.core.deps, LOCAL_OPERATOR, 'Developers');
  // A candidate removed loses the rest.
  await upsertRole(t.core.deps, LOCAL_OPERATOR, { name: 'LDAP Admin', candidates: ['carol'] }, 'update');
  assert.equal((await stored(r.id)).status, 'Closing');
  assert.equal((await stored(r.id)).endReason, 'role-changed');
  await outbox();
  assert.equal((await stored(r.id)).status, 'Closed');
  assert.ok(!(await inGroup(admins, 'bob')));
  await assertReconcilerAgrees('after the candidate left');
});

test('break-glass on a role: every holder is Closing at once, Closed as the directory confirms', async () => {
  const c = await active('carol');
  const ended = await revokeAll(t.core.deps, LOCAL_OPERATOR, { role: 'LDAP Admin' }, 'compromise');
  assert.deepEqual(ended.map((r) => [r.requestId, r.status]), [[c.id, 'Closing']]);
  await outbox();
  assert.equal((await stored(c.id)).status, 'Closed');
  assert.ok(!(await inGroup(admins, 'carol')));
  await assertReconcilerAgrees('after break-glass');
});
