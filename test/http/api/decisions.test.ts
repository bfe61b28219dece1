import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appPerTest, basic, roleId } from '../../support/harness.js';
import { assertElement, assertODataError, createForm, decide, listApprovals } from './helpers.js';

// ann approves ApprovalRole (demo); jen asks for it. Each decision is one of ann's votes.
const t = appPerTest();

const decisions = async (login: string, query = '') => {
  const res = await t().app.inject({ method: 'GET', url: `/api/me/decisions${query}`, headers: basic(login) });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().value as { requestId: string; roleName: string; requestorLogin: string; stage: number; decision: string; at: number; comment: string | null; approvalStatus: string }[];
};

async function askAndDecide(action: 'Approve' | 'Reject', justification: string): Promise<string> {
  const req = assertElement(await createForm(t().app, 'jen', { RoleId: await roleId(t().app, 'ApprovalRole'), RequestedTTL: 600, Justification: justification }));
  const approval = (await listApprovals(t().app, 'ann')).find((a) => a.FIMRequestID.Value === req.RequestId)!;
  assert.equal((await decide(t().app, 'ann', approval.ApprovalObjectID.Value, action)).statusCode, 200);
  return req.RequestId;
}

test("an approver's own decisions, newest first and paged; nobody else's", async () => {
  const approved = await askAndDecide('Approve', 'first');
  t().clock.advance(60_000);
  // The approved elevation is still active; closing it lets jen ask again.
  await t().app.inject({ method: 'POST', url: `/api/pamresources/pamrequests(guid'${approved}')/Close`, headers: basic('jen') });
  const rejected = await askAndDecide('Reject', 'second');

  const all = await decisions('ann');
  assert.deepEqual(all.map((d) => [d.requestId, d.decision, d.roleName, d.requestorLogin, d.stage, d.approvalStatus]), [
    [rejected, 'reject', 'ApprovalRole', 'jen', 1, 'Rejected'],
    [approved, 'approve', 'ApprovalRole', 'jen', 1, 'Approved'],
  ]);
  assert.ok(all[0]!.at > all[1]!.at);
  assert.deepEqual((await decisions('ann', '?limit=1&skip=1')).map((d) => d.requestId), [approved]);
  assert.deepEqual(await decisions('jen'), [], 'the requester made no decisions');
  assert.deepEqual(await decisions('admin'), []);
  for (const q of ['?limit=0', '?limit=501', '?skip=-1', '?limit=abc', '?page=2']) {
    assertODataError(await t().app.inject({ method: 'GET', url: `/api/me/decisions${q}`, headers: basic('ann') }), 400, q);
  }
});
