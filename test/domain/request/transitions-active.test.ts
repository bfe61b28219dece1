import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apply } from '../../../src/domain/request/transitions.js';
import { APPROVAL, DAY_MS, HOUR_MS, MINUTE_MS, PLAIN, T0, ctx, daily, domainError, request, role } from '../fixtures.js';
import { notice, grant, revoke } from './lifecycle-cases.js';

describe('Scheduled', () => {
  const start = T0 + 2 * HOUR_MS;
  const scheduled = request({ status: 'Scheduled', requestedAt: start, requestedTtlSeconds: 3600 });

  test('StartDue is refused before the requested start', () => {
    assert.throws(() => apply(scheduled, { kind: 'StartDue' }, ctx({ now: start - 1 })), domainError('InvalidTransition', 'start'));
  });

  test('StartDue on time grants from the requested start', () => {
    const out = apply(scheduled, { kind: 'StartDue' }, ctx({ now: start }));
    assert.equal(out.request.status, 'Processing');
    assert.equal(out.request.startedAt, start);
    assert.equal(out.request.expiresAt, start + HOUR_MS);
    assert.deepEqual(out.effects, [grant(scheduled)]);
  });

  test('a late start counts from the requested start: it never lengthens access', () => {
    const out = apply(scheduled, { kind: 'StartDue' }, ctx({ now: start + 20 * MINUTE_MS }));
    assert.equal(out.request.status, 'Processing');
    assert.equal(out.request.startedAt, start);
    assert.equal(out.request.expiresAt, start + HOUR_MS);
    assert.deepEqual(out.effects, [grant(scheduled)]);
  });

  test('a start whose whole TTL has passed ends Expired (window-missed) with no effects', () => {
    for (const now of [start + HOUR_MS, start + HOUR_MS + 1, start + DAY_MS]) {
      const out = apply(scheduled, { kind: 'StartDue' }, ctx({ now }));
      assert.equal(out.request.status, 'Expired');
      assert.equal(out.request.endReason, 'window-missed');
      assert.equal(out.request.endedAt, now);
      assert.equal(out.request.startedAt, null);
      assert.equal(out.request.expiresAt, null);
      assert.deepEqual(out.effects, []);
    }
  });

  test('a late start inside a window is still capped at the window end of the requested day', () => {
    const officeHours = role({ window: daily('08:00', '18:00', 'UTC'), ttlSeconds: 4 * 3600 });
    const r = request({ status: 'Scheduled', requestedAt: Date.UTC(2026, 0, 5, 17, 0), requestedTtlSeconds: 3 * 3600 });
    const out = apply(r, { kind: 'StartDue' }, ctx({ now: Date.UTC(2026, 0, 5, 17, 30), role: officeHours }));
    assert.equal(out.request.status, 'Processing');
    assert.equal(out.request.startedAt, Date.UTC(2026, 0, 5, 17, 0));
    assert.equal(out.request.expiresAt, Date.UTC(2026, 0, 5, 18, 0));
  });

  test('StartDue processed after the window closed ends Expired without a grant', () => {
    const officeHours = role({ window: daily('08:00', '18:00', 'UTC'), ttlSeconds: 4 * 3600 });
    const r = request({ status: 'Scheduled', requestedAt: Date.UTC(2026, 0, 5, 17, 0), requestedTtlSeconds: 3 * 3600 });
    const out = apply(r, { kind: 'StartDue' }, ctx({ now: Date.UTC(2026, 0, 5, 18, 0), role: officeHours }));
    assert.equal(out.request.status, 'Expired');
    assert.equal(out.request.endReason, 'window-missed');
    assert.deepEqual(out.effects, []);
  });

  test('Close before the start: Closed, nothing to revoke', () => {
    const out = apply(scheduled, { kind: 'Close', reason: 'superseded' }, ctx({ now: T0 + MINUTE_MS }));
    assert.equal(out.request.status, 'Closed');
    assert.equal(out.request.endReason, 'superseded');
    assert.equal(out.request.endedAt, T0 + MINUTE_MS);
    assert.deepEqual(out.effects, []);
  });
});

describe('Processing and Active', () => {
  const processing = request({ status: 'Processing', startedAt: T0, expiresAt: T0 + HOUR_MS });
  const active = request({ status: 'Active', startedAt: T0, expiresAt: T0 + HOUR_MS, version: 3 });

  test('GrantConfirmed makes it Active without changing its times', () => {
    const out = apply(processing, { kind: 'GrantConfirmed' }, ctx({ now: T0 + 1000 }));
    assert.equal(out.request.status, 'Active');
    assert.equal(out.request.startedAt, T0);
    assert.equal(out.request.expiresAt, T0 + HOUR_MS);
    assert.equal(out.request.version, processing.version + 1);
    // Once it holds the groups, the elevation it extends (if any) can end without a gap.
    assert.deepEqual(out.effects, [{ kind: 'supersede', requestId: 'req-1', accountId: 'alice', roleId: PLAIN.id }, notice('elevation-active'), notice('ending-soon', T0 + HOUR_MS - 10 * MINUTE_MS)]);
  });

  test('Close while Processing revokes, because the grant may already have landed', () => {
    const now = T0 + 1000;
    const out = apply(processing, { kind: 'Close', reason: 'closed' }, ctx({ now }));
    assert.equal(out.request.status, 'Closing');
    assert.equal(out.request.endReason, 'closed');
    assert.equal(out.request.expiresAt, now);
    assert.deepEqual(out.effects, [revoke(processing)]);
  });

  for (const reason of ['closed', 'deactivated', 'superseded'] as const) {
    test(`Active → Close (${reason}) gives Closing with a revoke and expiresAt = now`, () => {
      const now = T0 + 10 * MINUTE_MS;
      const out = apply(active, { kind: 'Close', reason }, ctx({ now }));
      assert.equal(out.request.status, 'Closing');
      assert.equal(out.request.endReason, reason);
      assert.equal(out.request.expiresAt, now);
      assert.equal(out.request.startedAt, T0);
      assert.equal(out.request.endedAt, null);
      assert.equal(out.request.version, 4);
      assert.deepEqual(out.effects, [revoke(active)]);
    });
  }

  test('ExpiryDue is refused before expiresAt', () => {
    assert.throws(() => apply(active, { kind: 'ExpiryDue' }, ctx({ now: T0 + HOUR_MS - 1 })), domainError('InvalidTransition', 'expiry'));
  });

  test('ExpiryDue from expiresAt on revokes and keeps the real expiry even when processed late', () => {
    const out = apply(active, { kind: 'ExpiryDue' }, ctx({ now: T0 + HOUR_MS + 5 * MINUTE_MS }));
    assert.equal(out.request.status, 'Closing');
    assert.equal(out.request.endReason, 'expired');
    assert.equal(out.request.expiresAt, T0 + HOUR_MS);
    assert.deepEqual(out.effects, [revoke(active)]);
  });
});

describe('Closing', () => {
  test('RevokeConfirmed after an expiry settles as Expired', () => {
    const closing = request({ status: 'Closing', startedAt: T0, expiresAt: T0 + HOUR_MS, endReason: 'expired' });
    const now = T0 + HOUR_MS + 2000;
    const out = apply(closing, { kind: 'RevokeConfirmed' }, ctx({ now }));
    assert.equal(out.request.status, 'Expired');
    assert.equal(out.request.endReason, 'expired');
    assert.equal(out.request.endedAt, now);
    assert.equal(out.request.expiresAt, T0 + HOUR_MS);
    assert.deepEqual(out.effects, [notice('elevation-ended')]);
  });

  for (const reason of ['closed', 'deactivated', 'superseded'] as const) {
    test(`RevokeConfirmed after '${reason}' settles as Closed`, () => {
      const closing = request({ status: 'Closing', startedAt: T0, expiresAt: T0 + MINUTE_MS, endReason: reason });
      const out = apply(closing, { kind: 'RevokeConfirmed' }, ctx({ now: T0 + 2 * MINUTE_MS }));
      assert.equal(out.request.status, 'Closed');
      assert.equal(out.request.endReason, reason);
      assert.equal(out.request.endedAt, T0 + 2 * MINUTE_MS);
      assert.deepEqual(out.effects, reason === 'superseded' ? [] : [notice('elevation-ended')], 'an extension took over: access goes on');
    });
  }
});

describe('extension of an active elevation', () => {
  const pending = request({ status: 'PendingApproval', pendingUntil: T0 + DAY_MS, requestedTtlSeconds: 3600 });

  test('when the current elevation ends later than the new one would, the later end is kept', () => {
    const activeUntil = T0 + 3 * HOUR_MS;
    const out = apply(pending, { kind: 'Approved' }, ctx({ now: T0, role: APPROVAL, activeUntil }));
    assert.equal(out.request.status, 'Processing');
    assert.equal(out.request.startedAt, T0);
    assert.equal(out.request.expiresAt, activeUntil);
  });

  test('when the current elevation ends sooner, the new TTL applies and overlaps it (no gap)', () => {
    const activeUntil = T0 + 10 * MINUTE_MS;
    const out = apply(pending, { kind: 'Approved' }, ctx({ now: T0, role: APPROVAL, activeUntil }));
    assert.equal(out.request.startedAt, T0);
    assert.equal(out.request.expiresAt, T0 + HOUR_MS);
    assert.ok(out.request.startedAt! <= activeUntil, 'the new grant starts before the old one ends');
  });

  test('the current end wins over a window cap too: an extension never shortens access', () => {
    const officeHours = role({ ...APPROVAL, window: daily('08:00', '18:00', 'UTC') });
    const now = Date.UTC(2026, 0, 5, 17, 30);
    const activeUntil = Date.UTC(2026, 0, 5, 18, 15);
    const out = apply(pending, { kind: 'Approved' }, ctx({ now, role: officeHours, activeUntil }));
    assert.equal(out.request.expiresAt, activeUntil);
  });
});
