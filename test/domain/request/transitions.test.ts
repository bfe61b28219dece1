import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../../../src/domain/errors.js';
import type { NotificationKind } from '../../../src/domain/notify/notification.js';
import type { Effect } from '../../../src/domain/request/effect.js';
import { type PamRequest, REQUEST_STATUSES, type RequestStatus } from '../../../src/domain/request/request.js';
import {
  type DraftRequest,
  type LifecycleStatus,
  type RequestEvent,
  type RequestEventKind,
  type Subject,
  TRANSITIONS,
  accepts,
  apply,
} from '../../../src/domain/request/transitions.js';
import {
  APPROVAL,
  APPROVAL_TIMEOUT_S,
  DAY_MS,
  HOUR_MS,
  MFA,
  MINUTE_MS,
  PLAIN,
  T0,
  ctx,
  daily,
  domainError,
  request,
  role,
} from '../fixtures.js';

/**
 * The lifecycle written out by hand, independently of TRANSITIONS, so that a change to the table
 * (an event added to or dropped from a status) fails here until this copy is changed on purpose.
 */
/** A notification the transition asks for (issue 15). */
const notice = (event: NotificationKind, notBefore?: number): Effect =>
  notBefore === undefined ? { kind: 'notify', event, requestId: 'req-1' } : { kind: 'notify', event, requestId: 'req-1', notBefore };

const ALLOWED: Readonly<Record<LifecycleStatus, readonly RequestEventKind[]>> = {
  New: ['Created'],
  PendingMFA: ['MfaPassed', 'MfaFailed', 'Close', 'TimedOut'],
  PendingApproval: ['Approved', 'Rejected', 'Close', 'TimedOut'],
  Scheduled: ['StartDue', 'Close'],
  Processing: ['GrantConfirmed', 'Close'],
  Active: ['Close', 'ExpiryDue'],
  Closing: ['RevokeConfirmed'],
  Closed: [],
  Expired: [],
  Rejected: [],
};

/** One event of every kind; `satisfies` makes adding a kind to RequestEvent a compile error here. */
const EVENTS = {
  Created: { kind: 'Created' },
  MfaPassed: { kind: 'MfaPassed' },
  MfaFailed: { kind: 'MfaFailed' },
  Approved: { kind: 'Approved' },
  Rejected: { kind: 'Rejected' },
  StartDue: { kind: 'StartDue' },
  GrantConfirmed: { kind: 'GrantConfirmed' },
  Close: { kind: 'Close', reason: 'closed' },
  ExpiryDue: { kind: 'ExpiryDue' },
  RevokeConfirmed: { kind: 'RevokeConfirmed' },
  TimedOut: { kind: 'TimedOut' },
} as const satisfies { readonly [K in RequestEventKind]: Extract<RequestEvent, { kind: K }> };
const EVENT_KINDS = Object.keys(EVENTS) as RequestEventKind[];

/** A plausible request in each status, with every deadline at or before T0 + 1 day. */
const IN_STATUS: Readonly<Record<LifecycleStatus, Subject>> = {
  New: { ...request({ version: 0 }), status: 'New' } satisfies DraftRequest,
  PendingMFA: request({ status: 'PendingMFA', pendingUntil: T0 + 5 * MINUTE_MS }),
  PendingApproval: request({ status: 'PendingApproval', pendingUntil: T0 + DAY_MS, approvalId: 'apr-1' }),
  Scheduled: request({ status: 'Scheduled', requestedAt: T0 + HOUR_MS }),
  Processing: request({ status: 'Processing', startedAt: T0, expiresAt: T0 + HOUR_MS }),
  Active: request({ status: 'Active', startedAt: T0, expiresAt: T0 + HOUR_MS }),
  Closing: request({ status: 'Closing', startedAt: T0, expiresAt: T0 + HOUR_MS, endReason: 'closed' }),
  Closed: request({ status: 'Closed', startedAt: T0, expiresAt: T0 + HOUR_MS, endReason: 'closed', endedAt: T0 + HOUR_MS }),
  Expired: request({ status: 'Expired', startedAt: T0, expiresAt: T0 + HOUR_MS, endReason: 'expired', endedAt: T0 + HOUR_MS }),
  Rejected: request({ status: 'Rejected', endReason: 'rejected', endedAt: T0 }),
};

/** Every state of the table: MIM's, and 'New' for a request being made. */
const LIFECYCLE_STATUSES: readonly LifecycleStatus[] = ['New', ...REQUEST_STATUSES];

/** Late enough that every timed event above is due, so only the table decides. */
const LATE = ctx({ now: T0 + 2 * DAY_MS });
/** Decisions (an MFA pass, an approval) count only before their deadline. */
const DECISIONS: readonly RequestEventKind[] = ['MfaPassed', 'Approved'];
const ON_TIME = ctx({ now: T0 });
const when = (kind: RequestEventKind) => (DECISIONS.includes(kind) ? ON_TIME : LATE);

function grant(r: PamRequest): Effect {
  return { kind: 'grant', requestId: r.id, accountId: r.creatorId, roleId: r.roleId };
}
function revoke(r: PamRequest): Effect {
  return { kind: 'revoke', requestId: r.id, accountId: r.creatorId, roleId: r.roleId };
}

describe('the transition table', () => {
  test('the hand-written table covers every status and every event kind', () => {
    assert.deepEqual(Object.keys(ALLOWED).sort(), [...LIFECYCLE_STATUSES].sort());
    assert.deepEqual(Object.keys(TRANSITIONS).sort(), [...LIFECYCLE_STATUSES].sort());
    assert.equal(EVENT_KINDS.length, 11);
  });

  for (const status of LIFECYCLE_STATUSES) {
    test(`${status} lists exactly the expected events`, () => {
      assert.deepEqual(Object.keys(TRANSITIONS[status]).sort(), [...ALLOWED[status]].sort());
    });
  }

  test('terminal statuses accept nothing', () => {
    for (const status of ['Closed', 'Expired', 'Rejected'] as const) {
      for (const kind of EVENT_KINDS) assert.equal(accepts(status, kind), false, `${status} accepts ${kind}`);
    }
  });
});

describe('every status × every event', () => {
  for (const status of LIFECYCLE_STATUSES) {
    for (const kind of EVENT_KINDS) {
      const allowed = ALLOWED[status].includes(kind);
      test(`${status} ${allowed ? 'accepts' : 'refuses'} ${kind}`, () => {
        const r = IN_STATUS[status];
        assert.equal(accepts(status, kind), allowed);
        if (allowed) {
          const out = apply(r, EVENTS[kind], when(kind));
          assert.equal(out.request.version, r.version + 1);
          assert.ok(Object.isFrozen(out.request));
        } else {
          assert.throws(
            () => apply(r, EVENTS[kind], when(kind)),
            (e: unknown) => {
              assert.ok(e instanceof DomainError);
              assert.equal(e.code, 'InvalidTransition');
              assert.ok(e.message.includes(status), e.message);
              assert.ok(e.message.includes(kind), e.message);
              assert.deepEqual(e.details, { status, event: kind });
              return true;
            },
          );
        }
      });
    }
  }
});

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

describe('purity', () => {
  test('apply returns a new frozen request and leaves its input untouched', () => {
    const r = request({ status: 'Active', startedAt: T0, expiresAt: T0 + HOUR_MS });
    const before = structuredClone(r);
    const out = apply(r, { kind: 'Close', reason: 'closed' }, ctx({ now: T0 + MINUTE_MS, role: PLAIN }));
    assert.notEqual(out.request, r);
    assert.ok(Object.isFrozen(out.request));
    assert.deepEqual(r, before);
  });
});

describe('decisions after their deadline', () => {
  for (const [status, kind] of [['PendingMFA', 'MfaPassed'], ['PendingApproval', 'Approved']] as const) {
    test(`${status} refuses ${kind} once pendingUntil has passed, and the request is unchanged`, () => {
      const r = IN_STATUS[status];
      assert.throws(
        () => apply(r, EVENTS[kind], ctx({ now: r.pendingUntil! })),
        (e: unknown) => e instanceof DomainError && e.code === 'InvalidTransition' && /deadline has passed/.test(e.message),
      );
      assert.equal(apply(r, EVENTS[kind], ctx({ now: r.pendingUntil! - 1 })).request.version, r.version + 1);
    });
  }
});

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
