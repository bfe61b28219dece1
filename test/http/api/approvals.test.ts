import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { API, basic, makeApp, roleId, type TestApp } from '../../support/harness.js';
import {
  HOUR,
  UNSET,
  assertApprovalShape,
  assertCollection,
  assertElement,
  assertEmptyOk,
  assertODataError,
  close,
  createForm,
  decide,
  get,
  isMember,
  listApprovals,
  qs,
  requestById,
  snapshot,
  type WireApproval,
  type WireRequest,
} from './helpers.js';

const GROUP = 'Approved Operators';

describe('approvals', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeApp();
  });
  afterEach(async () => {
    await t.destroy();
  });

  /** jen asks for ApprovalRole; returns her request and the approval ann sees. */
  async function pending(justification = 'Quarterly audit'): Promise<{ req: WireRequest; appr: WireApproval }> {
    const rid = await roleId(t.app, 'ApprovalRole');
    const req = assertElement(await createForm(t.app, 'jen', { RoleId: rid, RequestedTTL: 3600, Justification: justification }));
    assert.equal(req.RequestStatus, 'PendingApproval');
    const list = await listApprovals(t.app, 'ann');
    const appr = list.find((a) => a.FIMRequestID.Value === req.RequestId);
    assert.ok(appr, 'ann sees the request');
    return { req, appr };
  }

  test('ann sees jen’s pending request in the exact wire shape', async () => {
    const { req } = await pending();
    const res = await get(t.app, `${API}/pamrequeststoapprove`, 'ann');
    const body = res.json() as Record<string, unknown>;
    assert.ok(String(body['odata.metadata']).endsWith('/api/pamresources/%24metadata#pamrequeststoapprove'));
    const list = assertCollection<WireApproval>(res, 'pamrequeststoapprove');
    assert.equal(list.length, 1);
    const a = list[0]!;
    assertApprovalShape(a);
    assert.deepEqual(
      { ...a, ApprovalObjectID: { Value: '<approval>' } },
      {
        RoleName: 'ApprovalRole',
        Requestor: 'PRIV.jen',
        Justification: 'Quarterly audit',
        RequestedTTL: '3600',
        RequestedTime: req.RequestedTime,
        CreationTime: req.CreationTime,
        FIMRequestID: { Value: req.RequestId },
        RequestorID: { Value: req.CreatorID },
        ApprovalObjectID: { Value: '<approval>' },
      },
    );
    assert.notEqual(a.ApprovalObjectID.Value, req.RequestId, 'the approval has its own id');
    assert.match(res.body, /"RequestedTTL":"3600"/);
    assert.equal(req.ExpirationTime, UNSET);
  });

  test('an empty justification is null in the approval too', async () => {
    const rid = await roleId(t.app, 'ApprovalRole');
    assertElement(await createForm(t.app, 'jen', { RoleId: rid, RequestedTTL: 1800 }));
    const [a] = await listApprovals(t.app, 'ann');
    assert.equal(a!.Justification, null);
    assert.equal(a!.RequestedTTL, '1800');
  });

  test('jen (the requester, not an approver) and admin see nothing to approve', async () => {
    await pending();
    assert.deepEqual(await listApprovals(t.app, 'jen'), []);
    assert.deepEqual(await listApprovals(t.app, 'admin'), []);
  });

  test('$filter over approvals', async () => {
    const { req, appr } = await pending();
    assert.equal((await listApprovals(t.app, 'ann', { $filter: "RoleName eq 'ApprovalRole'" })).length, 1);
    assert.equal((await listApprovals(t.app, 'ann', { $filter: "RoleName eq 'Other'" })).length, 0);
    assert.equal((await listApprovals(t.app, 'ann', { $filter: "Requestor eq 'PRIV.jen'" })).length, 1);
    assert.equal((await listApprovals(t.app, 'ann', { $filter: `FIMRequestID/Value eq guid'${req.RequestId}'` })).length, 1);
    assert.equal((await listApprovals(t.app, 'ann', { $filter: `ApprovalObjectID/Value eq guid'${appr.ApprovalObjectID.Value}'` })).length, 1);
    assert.equal((await listApprovals(t.app, 'ann', { $filter: `RequestorID/Value eq guid'${req.CreatorID}'` })).length, 1);
    assert.equal((await listApprovals(t.app, 'ann', { $filter: "RequestedTTL eq '3600'" })).length, 1);
    const bad = await get(t.app, `${API}/pamrequeststoapprove${qs({ $filter: `FIMRequestID eq guid'${req.RequestId}'` })}`, 'ann');
    assert.match(assertODataError(bad, 400).message, /FIMRequestID/);
    const unknown = await get(t.app, `${API}/pamrequeststoapprove${qs({ $filter: "RequestStatus eq 'Active'" })}`, 'ann');
    assert.match(assertODataError(unknown, 400).message, /RequestStatus/);
  });

  test('Approve by ann → 200 empty non-JSON body; jen’s request becomes Active with access', async () => {
    const { req, appr } = await pending();
    assert.equal(await isMember(t.app, GROUP, 'jen'), false);
    assertEmptyOk(await decide(t.app, 'ann', appr.ApprovalObjectID.Value, 'Approve'), 'Approve');
    const after = await requestById(t.app, 'jen', req.RequestId);
    assert.equal(after.RequestStatus, 'Active');
    assert.equal(after.ExpirationTime, '2026-01-05T11:00:00Z');
    assert.equal(await isMember(t.app, GROUP, 'jen'), true);
    assert.deepEqual(await listApprovals(t.app, 'ann'), [], 'no longer waiting');
  });

  test('an approval given later starts access then, for the full TTL', async () => {
    const { req, appr } = await pending();
    t.clock.advance(2 * HOUR);
    assertEmptyOk(await decide(t.app, 'ann', appr.ApprovalObjectID.Value, 'Approve'));
    const after = await requestById(t.app, 'jen', req.RequestId);
    assert.equal(after.RequestStatus, 'Active');
    assert.equal(after.ExpirationTime, '2026-01-05T13:00:00Z');
    t.clock.advance(HOUR + 1000);
    await t.tick();
    assert.equal((await requestById(t.app, 'jen', req.RequestId)).RequestStatus, 'Expired');
    assert.equal(await isMember(t.app, GROUP, 'jen'), false);
  });

  test('Reject by ann → Rejected, no access, gone from the list', async () => {
    const { req, appr } = await pending();
    assertEmptyOk(await decide(t.app, 'ann', appr.ApprovalObjectID.Value, 'Reject'), 'Reject');
    const after = await requestById(t.app, 'jen', req.RequestId);
    assert.equal(after.RequestStatus, 'Rejected');
    assert.equal(after.ExpirationTime, UNSET);
    assert.equal(await isMember(t.app, GROUP, 'jen'), false);
    assert.deepEqual(await listApprovals(t.app, 'ann'), []);
    // A rejected request cannot be closed.
    assertODataError(await close(t.app, 'jen', req.RequestId), 409);
  });

  test('a decision takes a Comment parameter', async () => {
    const { req, appr } = await pending();
    const res = await t.app.inject({
      method: 'POST',
      url: `${API}/pamrequeststoapprove(guid'${appr.ApprovalObjectID.Value}')/Reject`,
      headers: { ...basic('ann'), 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      payload: 'Comment=not%20this%20week',
    });
    assertEmptyOk(res);
    assert.equal((await requestById(t.app, 'jen', req.RequestId)).RequestStatus, 'Rejected');
  });

  test('approving twice → 409; rejecting after approval → 409; nothing changes', async () => {
    const { req, appr } = await pending();
    assertEmptyOk(await decide(t.app, 'ann', appr.ApprovalObjectID.Value, 'Approve'));
    const before = await snapshot(t.app);
    assertODataError(await decide(t.app, 'ann', appr.ApprovalObjectID.Value, 'Approve'), 409);
    assertODataError(await decide(t.app, 'ann', appr.ApprovalObjectID.Value, 'Reject'), 409);
    assert.deepEqual(await snapshot(t.app), before);
    assert.equal((await requestById(t.app, 'jen', req.RequestId)).RequestStatus, 'Active');
  });

  test('jen approving her own request is refused and nothing changes', async () => {
    const { req, appr } = await pending();
    const before = await snapshot(t.app);
    for (const action of ['Approve', 'Reject'] as const) {
      assertODataError(await decide(t.app, 'jen', appr.ApprovalObjectID.Value, action), [403, 404], action);
    }
    assert.deepEqual(await snapshot(t.app), before);
    assert.equal((await requestById(t.app, 'jen', req.RequestId)).RequestStatus, 'PendingApproval');
    assert.equal(await isMember(t.app, GROUP, 'jen'), false);
  });

  test('someone who is not an approver (admin) is refused and learns nothing', async () => {
    const { req, appr } = await pending();
    const before = await snapshot(t.app);
    const res = await decide(t.app, 'admin', appr.ApprovalObjectID.Value, 'Approve');
    assertODataError(res, [403, 404]);
    assert.deepEqual(await snapshot(t.app), before);
    assert.equal((await requestById(t.app, 'jen', req.RequestId)).RequestStatus, 'PendingApproval');
  });

  test('approving with a RequestId instead of an ApprovalObjectID → 404', async () => {
    const { req } = await pending();
    const before = await snapshot(t.app);
    assertODataError(await decide(t.app, 'ann', req.RequestId, 'Approve'), 404);
    assertODataError(await decide(t.app, 'ann', req.RequestId, 'Reject'), 404);
    assertODataError(await decide(t.app, 'ann', 'c0112f13-b16b-40ad-b547-07f23a7fba52', 'Approve'), 404);
    assert.deepEqual(await snapshot(t.app), before);
  });

  test('the approval key must address pamrequeststoapprove', async () => {
    const { req, appr } = await pending();
    const before = await snapshot(t.app);
    for (const url of [
      `${API}/pamrequests(guid'${appr.ApprovalObjectID.Value}')/Approve`,
      `${API}/pamrequeststoapprove(guid'${appr.ApprovalObjectID.Value}')/Close`,
      `${API}/pamrequeststoapprove(guid'${appr.ApprovalObjectID.Value}')/Accept`,
      `${API}/pamrequeststoapprove(guid'nope')/Approve`,
    ]) {
      assertODataError(await t.app.inject({ method: 'POST', url, headers: basic('ann') }), [400, 404], url);
    }
    assert.deepEqual(await snapshot(t.app), before);
    assert.equal((await requestById(t.app, 'jen', req.RequestId)).RequestStatus, 'PendingApproval');
  });

  test('approval timeout: after 24 h a tick ends the request as Expired and it leaves the list', async () => {
    const { req, appr } = await pending();
    t.clock.advance(23 * HOUR);
    await t.tick();
    assert.equal((await requestById(t.app, 'jen', req.RequestId)).RequestStatus, 'PendingApproval');
    assert.equal((await listApprovals(t.app, 'ann')).length, 1);
    t.clock.advance(HOUR + 1000);
    await t.tick();
    const after = await requestById(t.app, 'jen', req.RequestId);
    assert.equal(after.RequestStatus, 'Expired');
    assert.equal(after.ExpirationTime, UNSET);
    assert.deepEqual(await listApprovals(t.app, 'ann'), []);
    assert.equal(await isMember(t.app, GROUP, 'jen'), false);
    // Deciding now is too late.
    const before = await snapshot(t.app);
    assertODataError(await decide(t.app, 'ann', appr.ApprovalObjectID.Value, 'Approve'), 409);
    assert.deepEqual(await snapshot(t.app), before);
  });

  test('close while pending → Closed, gone from the list, and the approval can no longer be decided', async () => {
    const { req, appr } = await pending();
    assertEmptyOk(await close(t.app, 'jen', req.RequestId));
    assert.equal((await requestById(t.app, 'jen', req.RequestId)).RequestStatus, 'Closed');
    assert.deepEqual(await listApprovals(t.app, 'ann'), []);
    const before = await snapshot(t.app);
    assertODataError(await decide(t.app, 'ann', appr.ApprovalObjectID.Value, 'Approve'), 409);
    assert.deepEqual(await snapshot(t.app), before);
    assert.equal(await isMember(t.app, GROUP, 'jen'), false);
  });

  test('a scheduled approval: approved before the start waits, then starts on the tick', async () => {
    const rid = await roleId(t.app, 'ApprovalRole');
    const req = assertElement(await createForm(t.app, 'jen', { RoleId: rid, RequestedTTL: 3600, RequestedTime: '2026/01/05 12:00' }));
    assert.equal(req.RequestStatus, 'PendingApproval');
    const [a] = await listApprovals(t.app, 'ann');
    assert.equal(a!.RequestedTime, '2026-01-05T12:00:00Z');
    assertEmptyOk(await decide(t.app, 'ann', a!.ApprovalObjectID.Value, 'Approve'));
    assert.equal((await requestById(t.app, 'jen', req.RequestId)).RequestStatus, 'Scheduled');
    t.clock.advance(2 * HOUR);
    await t.tick();
    const after = await requestById(t.app, 'jen', req.RequestId);
    assert.equal(after.RequestStatus, 'Active');
    assert.equal(after.ExpirationTime, '2026-01-05T13:00:00Z');
    assert.equal(await isMember(t.app, GROUP, 'jen'), true);
  });

  test('several pending requests: each has its own approval id', async () => {
    const rid = await roleId(t.app, 'ApprovalRole');
    const r1 = assertElement(await createForm(t.app, 'jen', { RoleId: rid, RequestedTTL: 600 }));
    const r2 = assertElement(await createForm(t.app, 'jen', { RoleId: rid, RequestedTTL: 1200 }));
    const list = await listApprovals(t.app, 'ann');
    assert.equal(list.length, 2);
    const ids = new Set(list.flatMap((a) => [a.ApprovalObjectID.Value, a.FIMRequestID.Value]));
    assert.equal(ids.size, 4);
    assert.deepEqual(list.map((a) => a.FIMRequestID.Value).sort(), [r1.RequestId, r2.RequestId].sort());
    // Rejecting one leaves the other waiting.
    const first = list.find((a) => a.FIMRequestID.Value === r1.RequestId)!;
    assertEmptyOk(await decide(t.app, 'ann', first.ApprovalObjectID.Value, 'Reject'));
    assert.deepEqual((await listApprovals(t.app, 'ann')).map((a) => a.FIMRequestID.Value), [r2.RequestId]);
    assert.equal((await requestById(t.app, 'jen', r2.RequestId)).RequestStatus, 'PendingApproval');
  });
});
