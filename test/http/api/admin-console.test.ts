// The admin console's API (issue 18 §1): search and paging on every admin listing, a request's
// whole timeline with names, the audit trail with names and a cursor back in time, and the dashboard.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appPerTest, basic, roleId } from '../../support/harness.js';
import { assertElement, assertODataError, close, createForm, decide, listApprovals, type WireRequest } from './helpers.js';

type T = ReturnType<ReturnType<typeof appPerTest>>;
const getJson = async <B>(t: T, url: string, login = 'admin'): Promise<B> => {
  const res = await t.app.inject({ method: 'GET', url, headers: basic(login) });
  assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
  return res.json() as B;
};
interface Page<I> { value: I[]; total: number; skip: number; nextSkip: number | null }

/** jen asks for ApprovalRole, ann approves it; returns the request. */
async function approved(t: T): Promise<WireRequest> {
  const req = assertElement(await createForm(t.app, 'jen', { RoleId: await roleId(t.app, 'ApprovalRole'), RequestedTTL: 3600, Justification: 'Quarterly audit' }));
  const appr = (await listApprovals(t.app, 'ann')).find((a) => a.FIMRequestID.Value === req.RequestId)!;
  assert.equal((await decide(t.app, 'ann', appr.ApprovalObjectID.Value, 'Approve')).statusCode, 200);
  return req;
}

describe('admin console API', () => {
  const t = appPerTest();

  test('every listing pages with skip and top, and says how many there are in all', async () => {
    for (const [url, key] of [['/api/admin/users', 'login'], ['/api/admin/groups', 'name'], ['/api/admin/roles', 'name']] as const) {
      const all = await getJson<Page<Record<string, string>>>(t(), url);
      assert.ok(all.total >= 3, url);
      assert.equal(all.value.length, all.total, `${url}: no top is the whole list, as before paging`);
      assert.equal(all.nextSkip, null);
      const first = await getJson<Page<Record<string, string>>>(t(), `${url}?top=2`);
      assert.deepEqual(first.value.map((x) => x[key]), all.value.slice(0, 2).map((x) => x[key]), url);
      assert.equal(first.nextSkip, 2);
      assert.equal(first.total, all.total);
      const rest = await getJson<Page<Record<string, string>>>(t(), `${url}?skip=${first.nextSkip}&top=1000`);
      assert.deepEqual([...first.value, ...rest.value].map((x) => x[key]), all.value.map((x) => x[key]), `${url}: pages add up to the list`);
      assert.equal(rest.nextSkip, null);
    }
  });

  test('roles and holdings are searched by name too, in any case', async () => {
    assert.deepEqual((await getJson<Page<{ name: string }>>(t(), '/api/admin/roles?search=approval')).value.map((r) => r.name), ['ApprovalRole']);
    await approved(t());
    assert.deepEqual((await getJson<Page<{ login: string }>>(t(), '/api/admin/holdings?search=JEN')).value.map((h) => h.login), ['jen']);
    assert.equal((await getJson<Page<unknown>>(t(), '/api/admin/holdings?search=nobody-holds')).total, 0);
  });

  test('a bad skip, top or search is a 400 in the error shape', async () => {
    for (const url of ['/api/admin/users?top=0', '/api/admin/users?top=1001', '/api/admin/groups?skip=-1', '/api/admin/roles?skip=x', '/api/admin/holdings?top=1&top=2', `/api/admin/roles?search=${'a'.repeat(101)}`, '/api/admin/audit?before=abc']) {
      const res = await t().app.inject({ method: 'GET', url, headers: basic('admin') });
      assert.equal(assertODataError(res, 400, url).code, 'BadRequest');
    }
  });

  test("a request's timeline: created, the vote, approved, granted, closed and why, with names", async () => {
    const req = await approved(t());
    assert.equal((await close(t().app, 'jen', req.RequestId)).statusCode, 200);
    await t().tick();
    const tl = await getJson<{ request: { roleName: string; login: string; endReason: string | null; status: string }; events: { actionName: string; actorName: string; targetName: string; at: number }[] }>(
      t(),
      `/api/admin/requests/${req.RequestId}/timeline`,
    );
    assert.equal(tl.request.roleName, 'ApprovalRole');
    assert.equal(tl.request.login, 'jen');
    assert.equal(tl.request.endReason, 'closed');
    const actions = tl.events.map((e) => e.actionName);
    for (const a of ['request.created', 'approval.approved', 'request.approved', 'request.grant-confirmed', 'request.closed']) assert.ok(actions.includes(a), `${a} in ${actions.join(', ')}`);
    assert.ok(actions.indexOf('request.created') < actions.indexOf('approval.approved'), 'oldest first');
    assert.equal(tl.events.find((e) => e.actionName === 'approval.approved')!.actorName, 'ann');
    assert.equal(tl.events.find((e) => e.actionName === 'request.created')!.targetName, 'ApprovalRole for jen');
    const missing = await t().app.inject({ method: 'GET', url: '/api/admin/requests/00000000-0000-0000-0000-000000000000/timeline', headers: basic('admin') });
    assertODataError(missing, 404);
  });

  test("an elevation ended by the scheduler's batch: one request.expired record in its timeline, with the groups it removed", async () => {
    const ann = assertElement(await createForm(t().app, 'ann', { RoleId: await roleId(t().app, 'Allow AD Access', 'ann'), RequestedTTL: '600', Justification: 'Patch night' }));
    assert.equal(ann.RequestStatus, 'Active');
    t().clock.advance(601_000);
    assert.equal((await t().tick()).processed, 1);
    const tl = await getJson<{ request: { endReason: string | null }; events: { actionName: string; after: { status: string; removed: string[]; latenessMs: number } }[] }>(
      t(),
      `/api/admin/requests/${ann.RequestId}/timeline`,
    );
    assert.equal(tl.request.endReason, 'expired');
    const actions = tl.events.map((e) => e.actionName);
    assert.equal(actions.at(-1), 'request.expired', actions.join(', '));
    assert.ok(!actions.includes('request.expiry-reached') && !actions.includes('request.revoke-confirmed'), 'the engine\'s records are not written besides');
    const end = tl.events.at(-1)!.after;
    assert.equal(end.status, 'Expired');
    assert.ok(end.removed.length > 0, `the groups removed: ${JSON.stringify(end)}`);
    assert.equal(end.latenessMs, 1000);
  });

  test('the audit trail names actors and targets, and pages back with before=', async () => {
    await approved(t());
    const page = await getJson<{ value: { seq: number; actorName: string; targetName: string; actionName: string }[]; nextBefore: number | null }>(t(), '/api/admin/audit?limit=2');
    assert.equal(page.value.length, 2);
    assert.ok(page.value[0]!.seq < page.value[1]!.seq, 'oldest first within a page');
    assert.equal(page.nextBefore, page.value[0]!.seq);
    const older = await getJson<{ value: { seq: number }[] }>(t(), `/api/admin/audit?limit=2&before=${page.nextBefore}`);
    assert.ok(older.value.every((e) => e.seq < page.nextBefore!));
    const voted = await getJson<{ value: { actorName: string; targetName: string }[] }>(t(), '/api/admin/audit?action=approval.approved');
    assert.deepEqual(voted.value.map((e) => [e.actorName, e.targetName]), [['ann', 'ApprovalRole for jen']]);
  });

  test('the dashboard counts what is active, waiting and late', async () => {
    const before = await getJson<Record<string, number>>(t(), '/api/admin/dashboard');
    assert.equal(before.activeNow, 0);
    assert.equal(before.revocationLatenessMs, 0);
    assertElement(await createForm(t().app, 'jen', { RoleId: await roleId(t().app, 'ApprovalRole'), RequestedTTL: 3600, Justification: 'Quarterly audit' }));
    const r = await t().app.inject({ method: 'POST', url: '/api/pamresources/pamrequests', headers: basic('ann'), payload: { RoleId: await roleId(t().app, 'Allow AD Access', 'ann'), RequestedTTL: '600' } });
    assert.equal(r.statusCode, 201, r.body);
    const now = await getJson<Record<string, number>>(t(), '/api/admin/dashboard');
    assert.equal(now.pendingApprovals, 1);
    assert.equal(now.activeNow, 1);
    for (const k of ['outboxGrants', 'outboxRevokes', 'outboxFailing', 'notificationsWaiting', 'pendingMfa']) assert.equal(typeof now[k], 'number', k);
  });
});
