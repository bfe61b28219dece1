/**
 * Approver groups in an LDAP directory, against a real slapd: membership is read from the
 * directory, cached briefly for listings, and read again at every decision.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { upsertGroup } from '../../src/app/admin/groups.js';
import { LOCAL_OPERATOR } from '../../src/app/admin/require-admin.js';
import { upsertRole } from '../../src/app/admin/roles.js';
import { upsertUser } from '../../src/app/admin/users.js';
import { MEMBERSHIP_CACHE_MS } from '../../src/app/approver-groups.js';
import { callerOf } from '../../src/app/authenticate.js';
import { createRequestUseCase } from '../../src/app/create-request.js';
import { decideApprovalUseCase } from '../../src/app/decide-approval.js';
import type { Caller } from '../../src/app/deps.js';
import { listMyApprovals } from '../../src/app/list-for-caller.js';
import { DomainError } from '../../src/domain/errors.js';
import { EMPTY_QUERY } from '../../src/ports/filter.js';
import { type TestCore, makeCore } from '../support/harness.js';
import { type Slapd, setValues, startSlapd } from '../support/slapd.js';

let slapd: Slapd;
let t: TestCore;
let leads: string;
const dn = (login: string) => `uid=${login},${slapd.people}`;

before(async () => {
  slapd = await startSlapd();
  leads = `cn=admins,${slapd.groups}`;
  t = await makeCore({
    demo: false,
    config: { directories: { corp: { url: slapd.url, bindDn: slapd.bindDn, bindPasswordFile: slapd.bindPasswordFile, userBase: slapd.people, timeoutMs: 1000 } } },
  });
  const deps = t.core.deps;
  for (const login of ['alice', 'bob', 'carol', 'dave']) await upsertUser(deps, t.core.hasher, LOCAL_OPERATOR, { login }, 'create');
  await upsertGroup(deps, LOCAL_OPERATOR, { name: 'Leads', directory: 'corp', dn: leads, memberAttribute: 'member' }, 'create');
  await upsertGroup(deps, LOCAL_OPERATOR, { name: 'Developers', directory: 'corp', dn: `cn=developers,${slapd.groups}`, memberAttribute: 'memberUid' }, 'create');
  await upsertRole(deps, LOCAL_OPERATOR, { name: 'Dev', ttlSeconds: 3600, groups: ['Developers'], candidates: ['bob'], approval: { stages: [{ approverGroups: ['Leads'], required: 1 }] } }, 'create');
});

after(async () => {
  await t?.destroy();
  await slapd?.stop();
});

const caller = (login: string): Promise<Caller> => t.core.store.transaction(async (tx) => callerOf((await tx.accounts.byLogin(login))!));
const toApprove = async (login: string) => (await listMyApprovals(t.core.deps, await caller(login), EMPTY_QUERY)).map((a) => a.approvalId);

test('members of an LDAP approver group see and decide; the directory is read again at the decision', async () => {
  await setValues(slapd, leads, 'member', [dn('alice'), dn('bob')]);
  const role = (await t.core.store.transaction((tx) => tx.roles.byName('Dev')))!;
  const { request } = await createRequestUseCase(t.core.deps, await caller('bob'), { roleId: role.id, ttlSeconds: 600, justification: 'deploy', requestedAt: null, creationMethod: 'test' });
  assert.equal(request.status, 'PendingApproval');
  const approvalId = request.approvalId!;
  assert.deepEqual(await toApprove('alice'), [approvalId], 'alice is in the group');
  assert.deepEqual(await toApprove('bob'), [], 'bob is in the group but asked');
  assert.deepEqual(await toApprove('carol'), [], 'carol is not in the group');

  // alice leaves the group, carol joins: the listing may lag briefly, the decision never does.
  await setValues(slapd, leads, 'member', [dn('carol'), dn('bob')]);
  assert.deepEqual(await toApprove('alice'), [approvalId], 'alice\'s listing is cached briefly');
  await assert.rejects(decideApprovalUseCase(t.core.deps, t.core.mfa, await caller('alice'), approvalId, 'approve', null), (e) => e instanceof DomainError && e.code === 'ApprovalNotFound');
  t.clock.advance(MEMBERSHIP_CACHE_MS + 1);
  assert.deepEqual(await toApprove('alice'), [], 'and the cache expires');
  assert.deepEqual(await toApprove('carol'), [approvalId]);
  await assert.rejects(decideApprovalUseCase(t.core.deps, t.core.mfa, await caller('bob'), approvalId, 'approve', null), (e) => e instanceof DomainError && e.code === 'SelfApproval');

  const after = await decideApprovalUseCase(t.core.deps, t.core.mfa, await caller('carol'), approvalId, 'approve', 'ok');
  assert.ok(after.status === 'Active' || after.status === 'Processing', after.status);
});

test('an LDAP approver group the role itself grants is refused', async () => {
  await assert.rejects(
    upsertRole(t.core.deps, LOCAL_OPERATOR, { name: 'Loop', ttlSeconds: 600, groups: ['Leads'], candidates: ['bob'], approval: { stages: [{ approverGroups: ['Leads'] }] } }, 'create'),
    (e) => e instanceof DomainError && e.code === 'BadRequest' && /approver group the role itself grants/.test(e.message),
  );
});
