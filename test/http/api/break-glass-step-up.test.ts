import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Secret, TOTP } from 'otpauth';
import { appPerTest, basic, roleId } from '../../support/harness.js';
import { assertElement, assertODataError, close, createForm, snapshot, type Res } from './helpers.js';

// Security finding (issue 14 §6): a break-glass role whose approvers must pass MFA to approve
// (approverMfaRequired) let them review its uses without any step-up. The review is the only
// control over a use that had no approval, so it needs the same step-up as an approval.
const t = appPerTest({ config: { breakGlassMaxTtlSeconds: 900 } });

async function setup(approverMfaRequired: boolean): Promise<{ requestId: string; annSecret: string }> {
  const res = await t().app.inject({
    method: 'PATCH',
    url: '/api/admin/roles/ApprovalRole',
    headers: basic('admin'),
    payload: { name: 'ApprovalRole', breakGlass: true, approverMfaRequired },
  });
  assert.equal(res.statusCode, 200, res.body);
  const annSecret = (await t().app.inject({ method: 'POST', url: '/api/admin/users/ann/totp', headers: basic('admin') })).json().secret as string;
  const use = assertElement(await createForm(t().app, 'jen', { RoleId: await roleId(t().app, 'ApprovalRole'), RequestedTTL: 600, Justification: 'outage' }));
  assert.ok((await close(t().app, 'jen', use.RequestId)).statusCode < 300);
  return { requestId: use.RequestId, annSecret };
}

const review = (requestId: string, payload: Record<string, unknown>): Promise<Res> =>
  t().app.inject({ method: 'POST', url: `/api/me/break-glass/${requestId}/review`, headers: basic('ann'), payload });
const codeOf = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: t().clock.now() });

test('attack: a review of a use of a role with approverMfaRequired, without step-up, is refused and stores nothing', async () => {
  const { requestId } = await setup(true);
  const before = await snapshot(t().app);
  const res = await review(requestId, { comment: 'looked fine to me' });
  const err = assertODataError(res, 403);
  assert.equal(err.code, 'MfaRequired');
  assert.match(err.message, /code/);
  assert.deepEqual(await snapshot(t().app), before, 'no review stored');
  const open = (await t().app.inject({ method: 'GET', url: '/api/me/break-glass', headers: basic('ann') })).json().value as { requestId: string }[];
  assert.deepEqual(open.map((u) => u.requestId), [requestId], 'still waiting for its review');
});

test('a wrong code is refused and audited; the right code records the review with its factor; the code cannot be replayed', async () => {
  const { requestId, annSecret } = await setup(true);
  const wrong = assertODataError(await review(requestId, { comment: 'fine', code: '000000' }), 403);
  assert.equal(wrong.code, 'MfaCodeRejected');
  const c = codeOf(annSecret);
  const ok = await review(requestId, { comment: 'restored the replica; warranted', code: c });
  assert.equal(ok.statusCode, 201, ok.body);
  assert.equal(ok.json().factor, 'totp');
  const audit = (await t().app.inject({ method: 'GET', url: `/api/admin/audit?requestId=${requestId}`, headers: basic('admin') })).json().value as { action: string }[];
  const actions = audit.map((e) => e.action);
  assert.ok(actions.includes('mfa.step-up.failed'), actions.join());
  assert.ok(actions.includes('mfa.step-up.passed'), actions.join());
  assert.ok(actions.includes('request.break-glass-reviewed'), actions.join());
  const all = (await t().app.inject({ method: 'GET', url: '/api/admin/break-glass?all=true', headers: basic('admin') })).json().value as { requestId: string; review: { reviewer: string; factor: string | null } | null }[];
  assert.deepEqual(all.find((u) => u.requestId === requestId)?.review && { ...all.find((u) => u.requestId === requestId)!.review!, reviewedAt: 0 }, {
    reviewer: 'ann',
    reviewedAt: 0,
    comment: 'restored the replica; warranted',
    factor: 'totp',
  });
});

test('without approverMfaRequired a review needs no code and keeps no factor', async () => {
  const { requestId } = await setup(false);
  const ok = await review(requestId, { comment: 'fine' });
  assert.equal(ok.statusCode, 201, ok.body);
  assert.equal(ok.json().factor, null);
});
