import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Secret, TOTP } from 'otpauth';
import { DEMO_TOTP_SECRET } from '../../../src/app/demo.js';
import { API, appPerTest, basic, roleId } from '../../support/harness.js';
import { assertElement, assertODataError, close, createForm, listApprovals, requestById, snapshot, type Res } from './helpers.js';

// ApprovalRole (jen requests, ann approves) turned break-glass; the server caps break-glass at 15 minutes.
const t = appPerTest({ config: { breakGlassMaxTtlSeconds: 900, metricsToken: 'scrape-token-0123456789abcdef' } });

async function breakGlass(extra: Record<string, unknown> = {}): Promise<string> {
  const res = await t().app.inject({ method: 'PATCH', url: '/api/admin/roles/ApprovalRole', headers: basic('admin'), payload: { name: 'ApprovalRole', breakGlass: true, ...extra } });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().breakGlass, true);
  return roleId(t().app, 'ApprovalRole');
}

const review = (login: string, requestId: string, payload: Record<string, unknown>): Promise<Res> =>
  t().app.inject({ method: 'POST', url: `/api/me/break-glass/${requestId}/review`, headers: basic(login), payload });
const uses = async (url: string, login: string) => {
  const res = await t().app.inject({ method: 'GET', url, headers: basic(login) });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json().value as { requestId: string; roleName: string; requester: { login: string } }[]);
};
const metric = async (name: string) => {
  const page = (await t().app.inject({ method: 'GET', url: '/metrics', headers: basic('admin') })).body;
  const line = page.split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line, `${name} is missing`);
  return Number(line.slice(name.length + 1));
};

test('a break-glass role activates at once without approval, capped short, audited and counted', async () => {
  const rid = await breakGlass();
  assert.match(assertODataError(await createForm(t().app, 'jen', { RoleId: rid, RequestedTTL: 1800, Justification: 'outage' }), 400).message, /900 \(the server's break-glass maximum\)/);
  const req = assertElement(await createForm(t().app, 'jen', { RoleId: rid, RequestedTTL: 900, Justification: 'outage' }));
  assert.equal(req.RequestStatus, 'Active');
  assert.deepEqual(await listApprovals(t().app, 'ann'), [], 'no approver is asked');
  const audit = (await t().app.inject({ method: 'GET', url: `/api/admin/audit?requestId=${req.RequestId}`, headers: basic('admin') })).json().value as { action: string; after: { breakGlass?: boolean } }[];
  assert.equal(audit.find((e) => e.action === 'request.created')?.after.breakGlass, true);
  assert.equal(await metric('elevate_break_glass_activations_total'), 1);
  assert.equal(await metric('elevate_break_glass_unreviewed'), 1);
});

test('MFA still applies to a break-glass role', async () => {
  const rid = await breakGlass({ mfaRequired: true });
  const req = assertElement(await createForm(t().app, 'jen', { RoleId: rid, RequestedTTL: 600, Justification: 'outage' }));
  assert.equal(req.RequestStatus, 'PendingMFA');
  const code = new TOTP({ secret: Secret.fromBase32(DEMO_TOTP_SECRET), period: 30, digits: 6 }).generate({ timestamp: t().clock.now() });
  const ok = await t().app.inject({ method: 'POST', url: `${API}/pamrequests(guid'${req.RequestId}')/VerifyMFA`, headers: basic('jen'), payload: { Code: code } });
  assert.ok(ok.statusCode < 300, ok.body);
  assert.equal((await requestById(t().app, 'jen', req.RequestId)).RequestStatus, 'Active');
});

test('until an approver reviews the last use, the same person cannot use the role again', async () => {
  const rid = await breakGlass();
  const first = assertElement(await createForm(t().app, 'jen', { RoleId: rid, RequestedTTL: 600, Justification: 'outage' }));
  assert.equal((await close(t().app, 'jen', first.RequestId)).statusCode < 300, true);

  const before = await snapshot(t().app);
  const again = assertODataError(await createForm(t().app, 'jen', { RoleId: rid, RequestedTTL: 600, Justification: 'again' }), 409);
  assert.equal(again.code, 'BreakGlassReviewPending');
  assert.match(again.message, new RegExp(`${first.RequestId}.*not been reviewed`));
  assert.deepEqual(await snapshot(t().app), before, 'nothing stored');

  // Administrators see it (the banner); the approver sees it to review; the requester does not.
  assert.deepEqual((await uses('/api/admin/break-glass', 'admin')).map((u) => [u.requestId, u.roleName, u.requester.login]), [[first.RequestId, 'ApprovalRole', 'jen']]);
  assert.deepEqual((await uses('/api/me/break-glass', 'ann')).map((u) => u.requestId), [first.RequestId]);
  assert.deepEqual(await uses('/api/me/break-glass', 'jen'), []);
  assert.equal((await t().app.inject({ method: 'GET', url: '/api/admin/break-glass', headers: basic('ann') })).statusCode, 403);

  // Only one of the role's approvers, not the requester nor an administrator who is not one; with a comment.
  assertODataError(await review('jen', first.RequestId, { comment: 'I did fine' }), 403);
  assertODataError(await review('admin', first.RequestId, { comment: 'fine' }), 404);
  assertODataError(await review('ann', first.RequestId, {}), 400);
  assertODataError(await review('ann', first.RequestId, { comment: 'x'.repeat(2001) }), 400);
  const done = await review('ann', first.RequestId, { comment: 'restored the replica; warranted' });
  assert.equal(done.statusCode, 201, done.body);
  assert.deepEqual({ ...(done.json() as object), reviewedAt: 0 }, { requestId: first.RequestId, reviewer: 'ann', reviewedAt: 0, comment: 'restored the replica; warranted', factor: null });
  assertODataError(await review('ann', first.RequestId, { comment: 'twice' }), 409);
  const audit = (await t().app.inject({ method: 'GET', url: `/api/admin/audit?action=request.break-glass-reviewed`, headers: basic('admin') })).json().value as { actorId: string; requestId: string }[];
  assert.equal(audit.length, 1);
  assert.equal(audit[0]!.requestId, first.RequestId);

  assert.deepEqual(await uses('/api/admin/break-glass', 'admin'), []);
  assert.equal(await metric('elevate_break_glass_unreviewed'), 0);
  assert.equal(assertElement(await createForm(t().app, 'jen', { RoleId: rid, RequestedTTL: 600, Justification: 'second outage' })).RequestStatus, 'Active');
});

test('a request of a role that is not break-glass cannot be reviewed (404); a break-glass role needs approvers', async () => {
  const ad = await roleId(t().app, 'Allow AD Access');
  const req = assertElement(await createForm(t().app, 'jen', { RoleId: ad, RequestedTTL: 600, Justification: 'x' }));
  assertODataError(await review('ann', req.RequestId, { comment: 'fine' }), 404);
  const res = await t().app.inject({ method: 'PATCH', url: '/api/admin/roles/Allow%20AD%20Access', headers: basic('admin'), payload: { name: 'Allow AD Access', breakGlass: true } });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /needs approvers/);
});

test('the approval path of a break-glass role says so: no approval, the TTL cap, MFA, a review after', async () => {
  const rid = await breakGlass({ mfaRequired: true });
  const path = (id: string) => t().app.inject({ method: 'GET', url: `/api/me/roles/${id}/approval-path`, headers: basic('jen') });
  const glass = await path(rid);
  assert.equal(glass.statusCode, 200, glass.body);
  assert.deepEqual(glass.json().breakGlass, { maxTtlSeconds: 900, mfaRequired: true, reviewRequired: true });
  assert.deepEqual(glass.json().stages[0].approvers.map((a: { login: string }) => a.login), ['ann'], 'the stages name who reviews');
  assert.equal((await path(await roleId(t().app, 'Allow AD Access'))).json().breakGlass, null);
});

test('administrators list every use with ?all=true: unreviewed and reviewed, with who reviewed and the comment', async () => {
  const rid = await breakGlass();
  const first = assertElement(await createForm(t().app, 'jen', { RoleId: rid, RequestedTTL: 600, Justification: 'outage' }));
  assert.equal((await close(t().app, 'jen', first.RequestId)).statusCode < 300, true);
  assert.equal((await review('ann', first.RequestId, { comment: 'warranted' })).statusCode, 201);
  // Newest first: the second use is made a minute later (on one instant the order would fall to the ids).
  t().clock.advance(60_000);
  const second = assertElement(await createForm(t().app, 'jen', { RoleId: rid, RequestedTTL: 600, Justification: 'again' }));
  const all = (await uses('/api/admin/break-glass?all=true', 'admin')) as unknown as { requestId: string; status: string; review: { reviewer: string; comment: string } | null }[];
  assert.deepEqual(
    all.map((u) => [u.requestId, u.status, u.review && [u.review.reviewer, u.review.comment]]),
    [
      [second.RequestId, 'Active', null],
      [first.RequestId, 'Closed', ['ann', 'warranted']],
    ],
  );
  assert.deepEqual((await uses('/api/admin/break-glass', 'admin')).map((u) => u.requestId), [second.RequestId], 'without all: the unreviewed only');
  assertODataError(await t().app.inject({ method: 'GET', url: '/api/admin/break-glass?all=yes', headers: basic('admin') }), 400);
  assertODataError(await t().app.inject({ method: 'GET', url: '/api/admin/break-glass?all=true', headers: basic('ann') }), 403);
});
