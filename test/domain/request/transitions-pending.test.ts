import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apply } from '../../../src/domain/request/transitions.js';
import { APPROVAL, APPROVAL_TIMEOUT_S, DAY_MS, HOUR_MS, MFA, MINUTE_MS, T0, ctx, daily, domainError, request, role } from '../fixtures.js';
import { notice, grant } from './lifecycle-cases.js';

describe('PendingMFA', () => {
  const pending = request({ status: 'PendingMFA', pendingUntil: T0 + 5 * MINUTE_MS });

  test('MFA passed on an approval role waits for an approver until now + the approval timeout', () => {
    const now = T0 + MINUTE_MS;
    const out = apply(pending, { kind: 'MfaPassed' }, ctx({ now, role: APPROVAL }));
    assert.equal(out.request.status, 'PendingApproval');
    assert.equal(out.request.pendingUntil, now + APPROVAL_TIMEOUT_S * 1000);
    assert.equal(out.request.startedAt, null);
    assert.equal(out.request.expiresAt, null);
    assert.equal(out.request.version, pending.version + 1);
    assert.deepEqual(out.effects, [notice('approval-needed')]);
  });

  test('MFA passed on a role without approval starts access now with one grant', () => {
    const now = T0 + MINUTE_MS;
    const out = apply(pending, { kind: 'MfaPassed' }, ctx({ now, role: MFA }));
    assert.equal(out.request.status, 'Processing');
    assert.equal(out.request.startedAt, now);
    assert.equal(out.request.expiresAt, now + HOUR_MS);
    assert.equal(out.request.pendingUntil, null);
    assert.equal(out.request.endReason, null);
    assert.equal(out.request.version, pending.version + 1);
    assert.deepEqual(out.effects, [grant(pending)]);
  });

  test('MFA passed for a future start waits as Scheduled, granting nothing', () => {
    const r = request({ status: 'PendingMFA', pendingUntil: T0 + 5 * MINUTE_MS, requestedAt: T0 + 3 * HOUR_MS });
    const out = apply(r, { kind: 'MfaPassed' }, ctx({ now: T0 + MINUTE_MS, role: MFA }));
    assert.equal(out.request.status, 'Scheduled');
    assert.equal(out.request.pendingUntil, null);
    assert.equal(out.request.startedAt, null);
    assert.deepEqual(out.effects, []);
  });

  test('MFA failed rejects the request', () => {
    const now = T0 + MINUTE_MS;
    const out = apply(pending, { kind: 'MfaFailed' }, ctx({ now, role: MFA }));
    assert.equal(out.request.status, 'Rejected');
    assert.equal(out.request.endReason, 'mfa-failed');
    assert.equal(out.request.endedAt, now);
    assert.equal(out.request.pendingUntil, null);
    assert.deepEqual(out.effects, []);
  });

  test('TimedOut is refused before the MFA deadline and expires the request from it on', () => {
    assert.throws(
      () => apply(pending, { kind: 'TimedOut' }, ctx({ now: pending.pendingUntil! - 1, role: MFA })),
      domainError('InvalidTransition', 'not due'),
    );
    const out = apply(pending, { kind: 'TimedOut' }, ctx({ now: pending.pendingUntil!, role: MFA }));
    assert.equal(out.request.status, 'Expired');
    assert.equal(out.request.endReason, 'timed-out');
    assert.equal(out.request.endedAt, pending.pendingUntil);
    assert.equal(out.request.pendingUntil, null);
    assert.deepEqual(out.effects, []);
  });

  test('Close ends it as Closed with the given reason and nothing to revoke', () => {
    const out = apply(pending, { kind: 'Close', reason: 'deactivated' }, ctx({ now: T0 + MINUTE_MS, role: MFA }));
    assert.equal(out.request.status, 'Closed');
    assert.equal(out.request.endReason, 'deactivated');
    assert.equal(out.request.endedAt, T0 + MINUTE_MS);
    assert.equal(out.request.pendingUntil, null);
    assert.deepEqual(out.effects, []);
  });
});

describe('PendingApproval', () => {
  const pending = request({ status: 'PendingApproval', pendingUntil: T0 + DAY_MS, approvalId: 'apr-1', roleId: APPROVAL.id });

  test('approval starts access now with one grant', () => {
    const now = T0 + 2 * HOUR_MS;
    const out = apply(pending, { kind: 'Approved' }, ctx({ now, role: APPROVAL }));
    assert.equal(out.request.status, 'Processing');
    assert.equal(out.request.startedAt, now);
    assert.equal(out.request.expiresAt, now + HOUR_MS);
    assert.equal(out.request.pendingUntil, null);
    assert.equal(out.request.approvalId, 'apr-1');
    assert.deepEqual(out.effects, [notice('decision-made'), grant(pending)]);
  });

  test('approval before the requested start gives Scheduled', () => {
    const r = { ...pending, requestedAt: T0 + 5 * HOUR_MS };
    const out = apply(r, { kind: 'Approved' }, ctx({ now: T0 + HOUR_MS, role: APPROVAL }));
    assert.equal(out.request.status, 'Scheduled');
    assert.equal(out.request.requestedAt, T0 + 5 * HOUR_MS);
    assert.equal(out.request.pendingUntil, null);
    assert.equal(out.request.version, r.version + 1);
    assert.deepEqual(out.effects, [notice('decision-made')]);
  });

  test('approval that lands outside the availability window ends Expired without a grant', () => {
    const officeHours = role({ ...APPROVAL, window: daily('08:00', '18:00', 'UTC') });
    const now = Date.UTC(2026, 0, 5, 19, 0);
    const out = apply(pending, { kind: 'Approved' }, ctx({ now, role: officeHours }));
    assert.equal(out.request.status, 'Expired');
    assert.equal(out.request.endReason, 'window-missed');
    assert.equal(out.request.startedAt, null);
    assert.deepEqual(out.effects, [notice('decision-made')]);
  });

  test('approval inside the window is capped at the window end', () => {
    const officeHours = role({ ...APPROVAL, window: daily('08:00', '18:00', 'UTC') });
    const now = Date.UTC(2026, 0, 5, 17, 30);
    const out = apply(pending, { kind: 'Approved' }, ctx({ now, role: officeHours }));
    assert.equal(out.request.status, 'Processing');
    assert.equal(out.request.expiresAt, Date.UTC(2026, 0, 5, 18, 0));
  });

  test('rejection ends it as Rejected', () => {
    const out = apply(pending, { kind: 'Rejected' }, ctx({ now: T0 + HOUR_MS, role: APPROVAL }));
    assert.equal(out.request.status, 'Rejected');
    assert.equal(out.request.endReason, 'rejected');
    assert.equal(out.request.endedAt, T0 + HOUR_MS);
    assert.equal(out.request.pendingUntil, null);
    assert.deepEqual(out.effects, [notice('decision-made')]);
  });

  test('TimedOut is refused before the approval deadline and expires the request from it on', () => {
    assert.throws(
      () => apply(pending, { kind: 'TimedOut' }, ctx({ now: pending.pendingUntil! - 1, role: APPROVAL })),
      domainError('InvalidTransition', 'approval deadline', 'not due'),
    );
    const out = apply(pending, { kind: 'TimedOut' }, ctx({ now: pending.pendingUntil! + MINUTE_MS, role: APPROVAL }));
    assert.equal(out.request.status, 'Expired');
    assert.equal(out.request.endReason, 'timed-out');
    assert.equal(out.request.endedAt, pending.pendingUntil! + MINUTE_MS);
    // Nothing to revoke; the approval nobody decided expires with it.
    assert.deepEqual(out.effects, [{ kind: 'settle-approval', requestId: 'req-1', approvalId: 'apr-1', status: 'Expired' }, notice('request-expired')]);
  });

  test('the requester may withdraw it: Closed, nothing to revoke, the approval cancelled', () => {
    const out = apply(pending, { kind: 'Close', reason: 'closed' }, ctx({ now: T0 + HOUR_MS, role: APPROVAL }));
    assert.equal(out.request.status, 'Closed');
    assert.equal(out.request.endReason, 'closed');
    assert.deepEqual(out.effects, [{ kind: 'settle-approval', requestId: 'req-1', approvalId: 'apr-1', status: 'Cancelled' }]);
  });
});
