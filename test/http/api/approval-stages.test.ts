import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDeclaration } from '../../../src/app/admin/apply.js';
import { LOCAL_OPERATOR } from '../../../src/app/admin/require-admin.js';
import { appPerTest, basic, roleId, type TestApp } from '../../support/harness.js';
import { assertElement, assertEmptyOk, createForm, decide, isMember, listApprovals, requestById } from './helpers.js';

// "Two of the DBA leads (ann, bob, or anyone in the group DBA Leads), then the service owner (dave)",
// driven over the MIM wire the way the sample portal drives it: list, Approve, list again.
const PROD = {
  name: 'Prod DB',
  ttlSeconds: 3600,
  groups: ['Prod DB Access'],
  candidates: ['jen'],
  approval: { stages: [{ approvers: ['ann', 'bob'], approverGroups: ['DBA Leads'], required: 2 }, { approvers: ['dave'], required: 1 }] },
};

async function setUp(t: TestApp): Promise<void> {
  await applyDeclaration(t.core.deps, t.core.hasher, LOCAL_OPERATOR, {
    users: ['bob', 'carol', 'dave'].map((login) => ({ login, displayName: login, email: null, password: login })),
    groups: [{ name: 'Prod DB Access' }, { name: 'DBA Leads' }],
  });
  // DBA Leads is an embedded group with standing members: carol, and jen (who must never count for herself).
  await t.core.deps.store.transaction(async (tx) => {
    const g = (await tx.groups.byName('DBA Leads'))!;
    for (const login of ['carol', 'jen']) await tx.groups.addMember(g.id, (await tx.accounts.byLogin(login))!.id);
  });
  const res = await t.app.inject({ method: 'POST', url: '/api/admin/roles', headers: basic('admin'), payload: PROD });
  assert.equal(res.statusCode, 201, res.body);
}

const sees = async (t: TestApp, login: string, requestId: string) => (await listApprovals(t.app, login)).find((a) => a.FIMRequestID.Value === requestId);

describe('a two-stage role over the MIM wire', () => {
  const t = appPerTest();

  async function ask(): Promise<string> {
    await setUp(t());
    const req = assertElement(await createForm(t().app, 'jen', { RoleId: await roleId(t().app, 'Prod DB'), RequestedTTL: 3600, Justification: 'migration' }));
    assert.equal(req.RequestStatus, 'PendingApproval');
    return req.RequestId;
  }

  test('each approver sees it only while their stage is open; it stays PendingApproval until the last stage passes', async () => {
    const app = t().app;
    const id = await ask();
    const approvalId = (await sees(t(), 'ann', id))!.ApprovalObjectID.Value;
    for (const login of ['ann', 'bob', 'carol']) assert.ok(await sees(t(), login, id), `${login} may vote on stage 1`);
    for (const login of ['dave', 'jen', 'admin']) assert.equal(await sees(t(), login, id), undefined, `${login} has nothing to vote on yet`);

    assertEmptyOk(await decide(app, 'ann', approvalId, 'Approve'), 'first approval');
    assert.equal((await requestById(app, 'jen', id)).RequestStatus, 'PendingApproval', 'one of two approvals');
    assert.equal(await sees(t(), 'ann', id), undefined, 'ann voted');
    assert.ok(await sees(t(), 'bob', id));
    assert.equal(await sees(t(), 'dave', id), undefined);
    assert.equal((await decide(app, 'ann', approvalId, 'Approve')).statusCode, 409, 'one vote per person per stage');
    assert.equal((await decide(app, 'dave', approvalId, 'Approve')).statusCode, 403, 'stage 2 is not open yet');

    assertEmptyOk(await decide(app, 'carol', approvalId, 'Approve'), 'second approval, through the group');
    assert.equal((await requestById(app, 'jen', id)).RequestStatus, 'PendingApproval', 'stage 2 still to pass');
    assert.equal(await sees(t(), 'bob', id), undefined, 'stage 1 has passed');
    assert.ok(await sees(t(), 'dave', id), 'dave sees it now');
    assert.equal(await isMember(app, 'Prod DB Access', 'jen'), false);

    assertEmptyOk(await decide(app, 'dave', approvalId, 'Approve'), 'last stage');
    assert.equal((await requestById(app, 'jen', id)).RequestStatus, 'Active');
    assert.equal(await isMember(app, 'Prod DB Access', 'jen'), true);
    assert.equal(await sees(t(), 'dave', id), undefined);
  });

  test('the requester never votes, even as a member of an approver group', async () => {
    const id = await ask();
    const approvalId = (await sees(t(), 'ann', id))!.ApprovalObjectID.Value;
    assert.equal((await decide(t().app, 'jen', approvalId, 'Approve')).statusCode, 403);
    assert.equal((await requestById(t().app, 'jen', id)).RequestStatus, 'PendingApproval');
  });

  test('a rejection at stage 2 rejects the request; no access is given', async () => {
    const app = t().app;
    const id = await ask();
    const approvalId = (await sees(t(), 'ann', id))!.ApprovalObjectID.Value;
    assertEmptyOk(await decide(app, 'ann', approvalId, 'Approve'));
    assertEmptyOk(await decide(app, 'bob', approvalId, 'Approve'));
    assertEmptyOk(await decide(app, 'dave', approvalId, 'Reject'));
    assert.equal((await requestById(app, 'jen', id)).RequestStatus, 'Rejected');
    assert.equal(await isMember(app, 'Prod DB Access', 'jen'), false);
  });

  test('every vote is kept in the audit trail with its stage', async () => {
    const app = t().app;
    const id = await ask();
    const approvalId = (await sees(t(), 'ann', id))!.ApprovalObjectID.Value;
    assertEmptyOk(await decide(app, 'ann', approvalId, 'Approve'));
    const audit = await t().core.deps.store.read((tx) => tx.approvals.byId(approvalId));
    assert.deepEqual(audit!.votes.map((v) => [v.decision, v.stage, v.factor]), [['approve', 0, null]]);
    assert.equal(audit!.stage, 0);
  });
});

describe('who can approve', () => {
  const t = appPerTest();

  test('before asking the requester sees the path with names; after, the open stage and each vote', async () => {
    await setUp(t());
    const app = t().app;
    const rid = await roleId(app, 'Prod DB');
    const path = (await app.inject({ method: 'GET', url: `/api/me/roles/${rid}/approval-path`, headers: basic('jen') })).json();
    assert.deepEqual(
      path.stages.map((s: { stage: number; required: number; approvers: { login: string }[]; approverGroups: string[] }) => [s.stage, s.required, s.approvers.map((a) => a.login), s.approverGroups]),
      [[1, 2, ['ann', 'bob'], ['DBA Leads']], [2, 1, ['dave'], []]],
    );
    const req = assertElement(await createForm(app, 'jen', { RoleId: rid, RequestedTTL: 3600, Justification: 'migration' }));
    const approvalId = (await sees(t(), 'ann', req.RequestId))!.ApprovalObjectID.Value;
    assertEmptyOk(await decide(app, 'ann', approvalId, 'Approve'));
    const progress = (await app.inject({ method: 'GET', url: `/api/me/requests/${req.RequestId}/approval`, headers: basic('jen') })).json();
    assert.equal(progress.openStage, 1);
    assert.deepEqual(progress.votes.map((v: { stage: number; approver: string; decision: string }) => [v.stage, v.approver, v.decision]), [[1, 'ann', 'approve']]);
    assert.equal((await app.inject({ method: 'GET', url: `/api/me/requests/${req.RequestId}/approval`, headers: basic('carol') })).statusCode, 200, 'an approver by group');
    assert.equal((await app.inject({ method: 'GET', url: `/api/me/roles/${rid}/approval-path`, headers: basic('ann') })).statusCode, 404, 'not a candidate');
  });
});

describe('the approval path through /api/admin/roles', () => {
  const t = appPerTest();

  test('the role reads back with its stages by name', async () => {
    await setUp(t());
    const res = await t().app.inject({ method: 'GET', url: '/api/admin/roles/Prod%20DB', headers: basic('admin') });
    const view = res.json();
    assert.equal(view.approvalRequired, true);
    assert.deepEqual(view.approval, { stages: [{ approvers: ['ann', 'bob'], approverGroups: ['DBA Leads'], required: 2 }, { approvers: ['dave'], approverGroups: [], required: 1 }] });
  });

  test('an approver group the role grants is refused with a clear 400, and nothing is stored', async () => {
    await setUp(t());
    const bad = { ...PROD, name: 'Loop', approval: { stages: [{ approverGroups: ['Prod DB Access'], required: 1 }] } };
    const res = await t().app.inject({ method: 'POST', url: '/api/admin/roles', headers: basic('admin'), payload: bad });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /approver group the role itself grants/);
    assert.equal((await t().app.inject({ method: 'GET', url: '/api/admin/roles/Loop', headers: basic('admin') })).statusCode, 404);
  });

  for (const [label, stages, pattern] of [
    ['more approvals than named approvers', [{ approvers: ['ann'], required: 2 }], /needs 2 approvals but names only 1/],
    ['a stage with nobody', [{ required: 1 }], /names no approvers/],
    ['a zero count', [{ approvers: ['ann'], required: 0 }], /required/],
    ['an unknown approver', [{ approvers: ['nobody'] }], /nobody/],
  ] as const) {
    test(`a path with ${label} is refused with 400`, async () => {
      await setUp(t());
      const res = await t().app.inject({ method: 'POST', url: '/api/admin/roles', headers: basic('admin'), payload: { ...PROD, name: 'Bad', approval: { stages } } });
      assert.ok(res.statusCode === 400 || res.statusCode === 404, `${res.statusCode} ${res.body}`);
      assert.match(res.body, pattern);
    });
  }

  test('approval: null goes back to the shorthand', async () => {
    await setUp(t());
    const res = await t().app.inject({ method: 'PATCH', url: '/api/admin/roles/Prod%20DB', headers: basic('admin'), payload: { name: 'Prod DB', approval: null, approvers: ['ann'] } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().approval, null);
    assert.equal(res.json().approvalRequired, true);
  });
});
