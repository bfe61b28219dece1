import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apply } from '../../../src/domain/request/transitions.js';
import { HOUR_MS, MINUTE_MS, T0, ctx, request } from '../fixtures.js';
import { IN_STATUS, revoke } from './lifecycle-cases.js';

describe("an administrator's reason", () => {
  const note = 'stolen laptop';
  for (const reason of ['revoked', 'account-disabled', 'account-locked', 'role-changed'] as const) {
    test(`Active → Close (${reason}) revokes like any close and keeps the note until Closed`, () => {
      const active = request({ status: 'Active', startedAt: T0, expiresAt: T0 + HOUR_MS, version: 3 });
      const now = T0 + 10 * MINUTE_MS;
      const closing = apply(active, { kind: 'Close', reason, note }, ctx({ now }));
      assert.deepEqual([closing.request.status, closing.request.endReason, closing.request.endNote, closing.request.expiresAt], ['Closing', reason, note, now]);
      assert.deepEqual(closing.effects, [revoke(active)]);
      const closed = apply(closing.request, { kind: 'RevokeConfirmed' }, ctx({ now: now + 1 }));
      assert.deepEqual([closed.request.status, closed.request.endReason, closed.request.endNote], ['Closed', reason, note]);
    });
  }

  for (const status of ['PendingMFA', 'PendingApproval', 'Scheduled'] as const) {
    test(`${status} → Close (revoked) ends Closed at once with the note and grants nothing`, () => {
      const r = IN_STATUS[status];
      const out = apply(r, { kind: 'Close', reason: 'revoked', note }, ctx({ now: T0 + MINUTE_MS }));
      assert.deepEqual([out.request.status, out.request.endReason, out.request.endNote, out.request.endedAt], ['Closed', 'revoked', note, T0 + MINUTE_MS]);
      // Grants nothing and revokes nothing; an approval still open is cancelled.
      assert.deepEqual(
        out.effects,
        r.approvalId === null ? [] : [{ kind: 'settle-approval', requestId: r.id, approvalId: r.approvalId, status: 'Cancelled' }],
      );
    });
  }

  test("a close without an administrator's reason carries no note", () => {
    const active = request({ status: 'Active', startedAt: T0, expiresAt: T0 + HOUR_MS });
    assert.equal(apply(active, { kind: 'Close', reason: 'closed' }, ctx({ now: T0 + MINUTE_MS })).request.endNote, null);
  });
});
