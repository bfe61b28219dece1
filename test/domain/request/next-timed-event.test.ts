import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError } from '../../../src/domain/errors.js';
import { nextTimedEvent } from '../../../src/domain/request/next-timed-event.js';
import { type PamRequest, REQUEST_STATUSES, type RequestStatus } from '../../../src/domain/request/request.js';
import { type RequestEventKind, apply } from '../../../src/domain/request/transitions.js';
import { APPROVAL, DAY_MS, HOUR_MS, MINUTE_MS, T0, ctx, request } from '../fixtures.js';

/** A request in each status, every instant it carries distinct, so the test sees which one is used. */
const IN_STATUS: Readonly<Record<RequestStatus, PamRequest>> = {
  PendingMFA: request({ status: 'PendingMFA', pendingUntil: T0 + 5 * MINUTE_MS, requestedAt: T0 + HOUR_MS }),
  PendingApproval: request({ status: 'PendingApproval', pendingUntil: T0 + DAY_MS, requestedAt: T0 + HOUR_MS, approvalId: 'apr-1', roleId: APPROVAL.id }),
  Scheduled: request({ status: 'Scheduled', requestedAt: T0 + 2 * HOUR_MS }),
  Processing: request({ status: 'Processing', startedAt: T0, expiresAt: T0 + 3 * HOUR_MS }),
  Active: request({ status: 'Active', startedAt: T0, expiresAt: T0 + 4 * HOUR_MS }),
  Closing: request({ status: 'Closing', startedAt: T0, expiresAt: T0 + 5 * HOUR_MS, endReason: 'closed' }),
  Closed: request({ status: 'Closed', startedAt: T0, expiresAt: T0 + 6 * HOUR_MS, endReason: 'closed', endedAt: T0 + HOUR_MS }),
  Expired: request({ status: 'Expired', startedAt: T0, expiresAt: T0 + 7 * HOUR_MS, endReason: 'expired', endedAt: T0 + 7 * HOUR_MS }),
  Rejected: request({ status: 'Rejected', endReason: 'rejected', endedAt: T0, pendingUntil: null }),
};

/**
 * Written out by hand, for every status: the instant the store indexes as the request's due time
 * (request-repo writes `nextTimedEvent(r)?.at` into `due_at`; `claimDue` claims rows whose `due_at`
 * has come) and the event the scheduler then sends. Null: the scheduler never claims it.
 */
const EXPECTED: Readonly<Record<RequestStatus, { readonly at: (r: PamRequest) => number | null; readonly kind: RequestEventKind } | null>> = {
  PendingMFA: { at: (r) => r.pendingUntil, kind: 'TimedOut' },
  PendingApproval: { at: (r) => r.pendingUntil, kind: 'TimedOut' },
  Scheduled: { at: (r) => r.requestedAt, kind: 'StartDue' },
  Processing: null, // waits for the directory, through the outbox
  Active: { at: (r) => r.expiresAt, kind: 'ExpiryDue' },
  Closing: null, // waits for the directory, through the outbox
  Closed: null,
  Expired: null,
  Rejected: null,
};

describe('nextTimedEvent: what time alone does, and when (the store’s due time)', () => {
  test('the hand-written expectations cover every status', () => {
    assert.deepEqual(Object.keys(EXPECTED).sort(), [...REQUEST_STATUSES].sort());
  });

  for (const status of REQUEST_STATUSES) {
    const r = IN_STATUS[status];
    const expected = EXPECTED[status];
    test(`${status}: ${expected ? `${expected.kind} at its ${expected.kind === 'TimedOut' ? 'deadline' : expected.kind === 'StartDue' ? 'requested start' : 'expiry'}` : 'never claimed by the scheduler'}`, () => {
      const timed = nextTimedEvent(r);
      if (expected === null) {
        assert.equal(timed, null);
        return;
      }
      assert.deepEqual(timed, { at: expected.at(r), event: { kind: expected.kind } });
    });

    if (expected !== null) {
      // The due time is exactly when the table starts to accept the event: claimed earlier, it
      // would be refused; claimed at it, it goes through.
      test(`${status}: the table refuses ${expected.kind} 1 ms before the due time and accepts it at it`, () => {
        const { at, event } = nextTimedEvent(r)!;
        const c = (now: number) => ctx({ now, role: status === 'PendingApproval' ? APPROVAL : ctx().role });
        assert.throws(() => apply(r, event, c(at - 1)), (e: unknown) => e instanceof DomainError && e.code === 'InvalidTransition');
        assert.doesNotThrow(() => apply(r, event, c(at)));
      });
    }
  }

  test('a pending request without a deadline has no timed event (nothing to claim)', () => {
    assert.equal(nextTimedEvent(request({ status: 'PendingMFA', pendingUntil: null })), null);
  });
});
