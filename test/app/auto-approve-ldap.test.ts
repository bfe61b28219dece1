/**
 * An auto-approval rule keyed on an LDAP group, against a real slapd: membership is read from the
 * directory when the request is made (never cached), and a directory that cannot answer approves
 * nothing but stops nobody asking.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { upsertGroup } from '../../src/app/admin/groups.js';
import { LOCAL_OPERATOR } from '../../src/app/admin/require-admin.js';
import { upsertRole } from '../../src/app/admin/roles.js';
import { upsertUser } from '../../src/app/admin/users.js';
import { callerOf } from '../../src/app/authenticate.js';
import { createRequestUseCase } from '../../src/app/create-request.js';
import type { Caller } from '../../src/app/deps.js';
import { type TestCore, makeCore } from '../support/harness.js';
import { type Slapd, setValues, startSlapd } from '../support/slapd.js';

let slapd: Slapd;
let t: TestCore;
let onCall: string;
const dn = (login: string) => `uid=${login},${slapd.people}`;

before(async () => {
  slapd = await startSlapd();
  onCall = `cn=admins,${slapd.groups}`;
  const corp = { url: slapd.url, bindDn: slapd.bindDn, bindPasswordFile: slapd.bindPasswordFile, userBase: slapd.people, timeoutMs: 1000 };
  // 'gone' points at a port nothing listens on: a directory that cannot answer.
  t = await makeCore({ demo: false, config: { directories: { corp, gone: { ...corp, url: 'ldap://127.0.0.1:9', timeoutMs: 300 } } } });
  const deps = t.core.deps;
  for (const login of ['alice', 'bob', 'carol', 'dave']) await upsertUser(deps, t.core.hasher, LOCAL_OPERATOR, { login }, 'create');
  await upsertGroup(deps, LOCAL_OPERATOR, { name: 'On-call', directory: 'corp', dn: onCall, memberAttribute: 'member' }, 'create');
  await upsertGroup(deps, LOCAL_OPERATOR, { name: 'Gone', directory: 'gone', dn: `cn=gone,${slapd.groups}`, memberAttribute: 'member' }, 'create');
  await upsertGroup(deps, LOCAL_OPERATOR, { name: 'Developers', directory: 'corp', dn: `cn=developers,${slapd.groups}`, memberAttribute: 'memberUid' }, 'create');
  const dev = { ttlSeconds: 3600, groups: ['Developers'], candidates: ['alice', 'bob'], approval: { stages: [{ approvers: ['dave'], required: 1 }] } };
  await upsertRole(deps, LOCAL_OPERATOR, { name: 'Dev', ...dev, autoApprove: [{ name: 'on-call', groups: ['On-call'], maxTtlSeconds: 1800 }] }, 'create');
  await upsertRole(deps, LOCAL_OPERATOR, { name: 'Dev 2', ...dev, autoApprove: [{ name: 'gone', groups: ['Gone'] }] }, 'create');
});

after(async () => {
  await t?.destroy();
  await slapd?.stop();
});

const caller = (login: string): Promise<Caller> => t.core.store.transaction(async (tx) => callerOf((await tx.accounts.byLogin(login))!));
async function ask(login: string, roleName: string, ttlSeconds = 600) {
  const role = (await t.core.store.transaction((tx) => tx.roles.byName(roleName)))!;
  return (await createRequestUseCase(t.core.deps, await caller(login), { roleId: role.id, ttlSeconds, justification: 'deploy', requestedAt: null, creationMethod: 'test' })).request;
}

test('a member of the LDAP group is approved by the rule; membership is read again at each request', async () => {
  await setValues(slapd, onCall, 'member', [dn('alice')]);
  const a = await ask('alice', 'Dev');
  assert.ok(a.status === 'Processing' || a.status === 'Active', a.status);
  assert.equal(a.autoApprovedBy, 'on-call');
  assert.equal(a.approvalId, null);
  const b = await ask('bob', 'Dev');
  assert.equal(b.status, 'PendingApproval', 'bob is not in the group');
  assert.equal(b.autoApprovedBy ?? null, null);

  // bob joins and alice leaves: no cache stands between the directory and the next request.
  await setValues(slapd, onCall, 'member', [dn('bob')]);
  assert.equal((await ask('bob', 'Dev')).autoApprovedBy, 'on-call');
  assert.equal((await ask('alice', 'Dev', 300)).status, 'PendingApproval');
  assert.equal((await ask('bob', 'Dev', 1801)).status, 'PendingApproval', 'above the rule\'s TTL');
});

test('a directory that cannot answer approves nothing, and the request still goes to its approvers', async () => {
  const r = await ask('alice', 'Dev 2');
  assert.equal(r.status, 'PendingApproval');
  assert.equal(r.autoApprovedBy ?? null, null);
});
