/**
 * Issue 15, events: every notification is written by the transition that causes it, in the same
 * transaction, to the notification outbox; nothing is sent yet. Runs on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Notification } from '../../../src/ports/store.js';
import { API, type TestApp, basic, makeApp, roleId } from '../../support/harness.js';

const apps: TestApp[] = [];
after(async () => {
  for (const t of apps) await t.destroy();
});

const MIN = 60_000;

async function app(): Promise<TestApp> {
  const t = await makeApp();
  apps.push(t);
  // ApprovalRole gets a second approver: both must hear of a request.
  await t.core.deps.store.transaction(async (tx) => {
    const role = (await tx.roles.byName('ApprovalRole'))!;
    const admin = (await tx.accounts.byLogin('admin'))!;
    await tx.roles.update({ ...role, approverIds: [...role.approverIds, admin.id] });
  });
  return t;
}

async function post(t: TestApp, login: string, url: string, payload: Record<string, string> = {}) {
  const res = await t.app.inject({ method: 'POST', url: `${API}/${url}`, headers: basic(login), payload });
  assert.ok(res.statusCode < 300, `${url}: ${res.statusCode} ${res.body}`);
  return res.body === '' ? null : res.json();
}

async function notices(t: TestApp, requestId: string): Promise<Notification[]> {
  return t.core.deps.store.read((tx) => tx.notifications.ofRequest(requestId));
}

const kinds = (ns: readonly Notification[]) => ns.map((n) => n.kind);

async function accountId(t: TestApp, login: string): Promise<string> {
  return t.core.deps.store.read(async (tx) => (await tx.accounts.byLogin(login))!.id);
}

test('a request that needs approval, its approval, access and expiry each write their notification', async () => {
  const t = await app();
  const role = await roleId(t.app, 'ApprovalRole');
  const req = await post(t, 'jen', 'pamrequests', { RoleId: role, RequestedTTL: '3600', Justification: 'change 42' });
  assert.deepEqual(kinds(await notices(t, req.RequestId)), ['approval-needed']);
  assert.equal((await notices(t, req.RequestId))[0]!.detail.status, 'PendingApproval');

  const approvals = await t.app.inject({ method: 'GET', url: `${API}/pamrequeststoapprove`, headers: basic('ann') });
  t.clock.advance(MIN);
  await post(t, 'ann', `pamrequeststoapprove(guid'${approvals.json().value[0].ApprovalObjectID.Value}')/Approve`, { Comment: 'go ahead' });
  const ns = await notices(t, req.RequestId);
  assert.deepEqual(kinds(ns), ['approval-needed', 'decision-made', 'elevation-active', 'ending-soon']);
  const [, decision, active, warning] = ns;
  assert.deepEqual([decision!.detail.actorId, decision!.detail.comment, decision!.detail.status], [await accountId(t, 'ann'), 'go ahead', 'Processing']);
  assert.equal(active!.notBefore, t.clock.now());
  // The warning is held back until ten minutes before the end: it is not a transition of the request.
  assert.equal(warning!.notBefore, active!.detail.expiresAt! - 10 * MIN);
  assert.equal(new Set(ns.map((n) => n.id)).size, 4, 'every event has an id of its own');

  // Expiry through the set-based batch writes the end in the batch's own transaction.
  t.clock.advance(61 * MIN);
  const report = await t.tick();
  assert.equal(report.processed, 1);
  const ended = (await notices(t, req.RequestId)).at(-1)!;
  assert.deepEqual([ended.kind, ended.detail.status, ended.detail.endReason], ['elevation-ended', 'Expired', 'expired']);
});

test('a rejection, an unanswered request and a close each tell the requester', async () => {
  const t = await app();
  const role = await roleId(t.app, 'ApprovalRole');
  const rejected = await post(t, 'jen', 'pamrequests', { RoleId: role, RequestedTTL: '600' });
  const approvals = await t.app.inject({ method: 'GET', url: `${API}/pamrequeststoapprove`, headers: basic('admin') });
  await post(t, 'admin', `pamrequeststoapprove(guid'${approvals.json().value[0].ApprovalObjectID.Value}')/Reject`, { Comment: 'not today' });
  const rn = await notices(t, rejected.RequestId);
  assert.deepEqual(kinds(rn), ['approval-needed', 'decision-made']);
  assert.deepEqual([rn[1]!.detail.status, rn[1]!.detail.comment, rn[1]!.detail.actorId], ['Rejected', 'not today', await accountId(t, 'admin')]);

  const unanswered = await post(t, 'jen', 'pamrequests', { RoleId: role, RequestedTTL: '600' });
  t.clock.advance(t.config.approvalTimeoutSeconds * 1000 + 1);
  await t.tick();
  assert.deepEqual(kinds(await notices(t, unanswered.RequestId)), ['approval-needed', 'request-expired']);

  const plain = await post(t, 'jen', 'pamrequests', { RoleId: await roleId(t.app, 'Allow AD Access'), RequestedTTL: '300' });
  // Five minutes is shorter than the ten-minute lead time: no warning is held back.
  assert.deepEqual(kinds(await notices(t, plain.RequestId)), ['elevation-active']);
  await post(t, 'jen', `pamrequests(guid'${plain.RequestId}')/Close`);
  const closed = (await notices(t, plain.RequestId)).at(-1)!;
  assert.deepEqual([closed.kind, closed.detail.endReason, closed.detail.actorId], ['elevation-ended', 'closed', await accountId(t, 'jen')]);
});

test('an expiry handled long after its end also tells operations the revocation was late', async () => {
  const t = await app();
  const plain = await post(t, 'jen', 'pamrequests', { RoleId: await roleId(t.app, 'Allow AD Access'), RequestedTTL: '900' });
  t.clock.advance(15 * MIN + 6 * MIN); // the server was down past the five-minute threshold
  await t.tick();
  assert.deepEqual(kinds(await notices(t, plain.RequestId)), ['elevation-active', 'ending-soon', 'elevation-ended', 'revocation-late']);
});

test('an extension ends the elevation it replaces without telling its holder it ended', async () => {
  const t = await app();
  const ad = await roleId(t.app, 'Allow AD Access');
  const first = await post(t, 'jen', 'pamrequests', { RoleId: ad, RequestedTTL: '1200' });
  t.clock.advance(5 * MIN);
  await post(t, 'jen', 'pamrequests', { RoleId: ad, RequestedTTL: '1800' });
  const ns = await notices(t, first.RequestId);
  assert.deepEqual(kinds(ns), ['elevation-active', 'ending-soon']);
  assert.equal((await t.core.deps.store.read((tx) => tx.requests.byId(first.RequestId)))!.status, 'Closed');
});
