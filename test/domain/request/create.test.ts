import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type CreatePolicy, type NewRequest, createRequest, draftRequest } from '../../../src/domain/request/create.js';
import { apply } from '../../../src/domain/request/transitions.js';
import type { Role } from '../../../src/domain/role/role.js';
import {
  APPROVAL,
  APPROVAL_TIMEOUT_S,
  HOUR_MS,
  MFA,
  MFA_AND_APPROVAL,
  MFA_TIMEOUT_S,
  MINUTE_MS,
  PLAIN,
  T0,
  ctx,
  daily,
  domainError,
  role,
} from '../fixtures.js';

function asks(r: Role, overrides: Partial<NewRequest> = {}): NewRequest {
  return {
    id: 'req-1',
    approvalId: 'apr-1',
    creatorId: 'alice',
    role: r,
    ttlSeconds: 1800,
    justification: 'ticket 42',
    requestedAt: null,
    creationMethod: 'test',
    ...overrides,
  };
}

function policy(overrides: Partial<CreatePolicy> = {}): CreatePolicy {
  return {
    now: T0,
    approvalTimeoutSeconds: APPROVAL_TIMEOUT_S,
    mfaTimeoutSeconds: MFA_TIMEOUT_S,
    serverTimeZone: 'UTC',
    activeUntil: null,
    ...overrides,
  };
}

describe('who may request', () => {
  test('someone who is not a candidate is refused with NotCandidate, without the role’s name', () => {
    assert.throws(() => createRequest(asks(PLAIN, { creatorId: 'mallory' }), policy()), domainError('NotCandidate', 'this role'));
    assert.throws(() => createRequest(asks(PLAIN, { creatorId: 'mallory' }), policy()), (e: Error) => !e.message.includes('SQL admins'));
  });

  test('an approver who is not a candidate is refused too', () => {
    assert.throws(() => createRequest(asks(PLAIN, { creatorId: 'carol' }), policy()), domainError('NotCandidate'));
  });
});

describe('RequestedTTL', () => {
  // 0 means deactivate, which the application handles before creating anything: it is never a TTL.
  for (const ttl of [0, -1, -3600, 1.5, 0.5, 3601, Number.NaN, Number.POSITIVE_INFINITY]) {
    test(`${ttl} is refused with TtlOutOfRange naming the role's TTL of 3600`, () => {
      assert.throws(() => createRequest(asks(PLAIN, { ttlSeconds: ttl }), policy()), domainError('TtlOutOfRange', '3600', 'SQL admins'));
    });
  }

  for (const ttl of [1, 60, 3600]) {
    test(`${ttl} is accepted and sets the expiry`, () => {
      const out = createRequest(asks(PLAIN, { ttlSeconds: ttl }), policy());
      assert.equal(out.request.requestedTtlSeconds, ttl);
      assert.equal(out.request.expiresAt, T0 + ttl * 1000);
    });
  }
});

describe('requested start', () => {
  test('a requested time in the past is read as now', () => {
    const out = createRequest(asks(PLAIN, { requestedAt: T0 - HOUR_MS }), policy());
    assert.equal(out.request.requestedAt, T0);
    assert.equal(out.request.status, 'Processing');
    assert.equal(out.request.startedAt, T0);
    assert.equal(out.request.expiresAt, T0 + 1800 * 1000);
  });

  test('a requested time equal to now starts now', () => {
    const out = createRequest(asks(PLAIN, { requestedAt: T0 }), policy());
    assert.equal(out.request.status, 'Processing');
    assert.equal(out.request.requestedAt, T0);
  });

  test('a future requested time waits as Scheduled with no effects', () => {
    const out = createRequest(asks(PLAIN, { requestedAt: T0 + 2 * HOUR_MS }), policy());
    assert.equal(out.request.status, 'Scheduled');
    assert.equal(out.request.requestedAt, T0 + 2 * HOUR_MS);
    assert.equal(out.request.startedAt, null);
    assert.equal(out.request.expiresAt, null);
    assert.equal(out.request.pendingUntil, null);
    assert.equal(out.request.version, 1);
    assert.deepEqual(out.effects, []);
  });

  test('a start outside the availability window is refused, naming the window', () => {
    const officeHours = role({ window: daily('08:00', '18:00', 'Europe/Paris') });
    const at2100Paris = Date.UTC(2026, 0, 5, 20, 0);
    assert.throws(
      () => createRequest(asks(officeHours), policy({ now: at2100Paris })),
      domainError('OutsideAvailabilityWindow', '08:00-18:00', 'Europe/Paris'),
    );
    assert.throws(
      () => createRequest(asks(officeHours, { requestedAt: at2100Paris }), policy()),
      domainError('OutsideAvailabilityWindow', '08:00-18:00'),
    );
  });

  test('a start inside the window has its expiry capped at the window end', () => {
    const officeHours = role({ window: daily('08:00', '18:00', 'UTC') });
    const now = Date.UTC(2026, 0, 5, 17, 45);
    const out = createRequest(asks(officeHours, { ttlSeconds: 3600 }), policy({ now }));
    assert.equal(out.request.expiresAt, Date.UTC(2026, 0, 5, 18, 0));
  });
});

describe('the first status', () => {
  test('an MFA role holds the request in PendingMFA until now + the MFA timeout', () => {
    const out = createRequest(asks(MFA), policy());
    assert.equal(out.request.status, 'PendingMFA');
    assert.equal(out.request.pendingUntil, T0 + MFA_TIMEOUT_S * 1000);
    assert.equal(out.request.approvalId, null);
    assert.equal(out.request.startedAt, null);
    assert.equal(out.request.version, 1);
    assert.deepEqual(out.effects, []);
  });

  test('an MFA role that also needs approval starts in PendingMFA and already carries its approval id', () => {
    const out = createRequest(asks(MFA_AND_APPROVAL), policy());
    assert.equal(out.request.status, 'PendingMFA');
    assert.equal(out.request.pendingUntil, T0 + 5 * MINUTE_MS);
    assert.equal(out.request.approvalId, 'apr-1');
  });

  test('an approval role waits in PendingApproval with its approval id until now + the approval timeout', () => {
    const out = createRequest(asks(APPROVAL), policy());
    assert.equal(out.request.status, 'PendingApproval');
    assert.equal(out.request.approvalId, 'apr-1');
    assert.equal(out.request.pendingUntil, T0 + APPROVAL_TIMEOUT_S * 1000);
    assert.equal(out.request.version, 1);
    // The approval object approvers act on is opened by the same step, with its own id, and its approvers are told.
    assert.deepEqual(out.effects, [{ kind: 'open-approval', requestId: 'req-1', approvalId: 'apr-1' }, { kind: 'notify', event: 'approval-needed', requestId: 'req-1' }]);
  });

  test('a plain role goes straight to Processing with exactly one grant', () => {
    const out = createRequest(asks(PLAIN), policy());
    assert.equal(out.request.status, 'Processing');
    assert.equal(out.request.startedAt, T0);
    assert.equal(out.request.expiresAt, T0 + 1800 * 1000);
    assert.equal(out.request.approvalId, null);
    assert.equal(out.request.pendingUntil, null);
    assert.equal(out.request.version, 1);
    assert.deepEqual(out.effects, [{ kind: 'grant', requestId: 'req-1', accountId: 'alice', roleId: PLAIN.id }]);
  });

  test('the request records who, what and when', () => {
    const out = createRequest(asks(PLAIN, { justification: '  ' }), policy());
    assert.equal(out.request.id, 'req-1');
    assert.equal(out.request.creatorId, 'alice');
    assert.equal(out.request.roleId, PLAIN.id);
    assert.equal(out.request.displayName, 'SQL admins elevation');
    assert.equal(out.request.createdAt, T0);
    assert.equal(out.request.justification, null, 'a blank justification is stored as none');
    assert.equal(out.request.endReason, null);
  });

  test('a request while the role is still active keeps the later end (extension, no gap)', () => {
    const activeUntil = T0 + 2 * HOUR_MS;
    const out = createRequest(asks(PLAIN, { ttlSeconds: 1800 }), policy({ activeUntil }));
    assert.equal(out.request.status, 'Processing');
    assert.equal(out.request.startedAt, T0);
    assert.equal(out.request.expiresAt, activeUntil);
  });
});

describe("creation is the table's 'Created' event", () => {
  test('createRequest is the draft taking Created: the same request and effects as apply gives', () => {
    for (const r of [PLAIN, MFA, APPROVAL, MFA_AND_APPROVAL]) {
      const n = asks(r);
      const draft = draftRequest(n, T0, 'UTC');
      assert.equal(draft.status, 'New');
      assert.equal(draft.version, 0);
      assert.deepEqual(createRequest(n, policy()), apply(draft, { kind: 'Created' }, ctx({ role: r, mfaTimeoutSeconds: MFA_TIMEOUT_S })));
    }
  });

  test('an MFA role that also needs approval opens its approval at creation, while the code is awaited', () => {
    const out = createRequest(asks(MFA_AND_APPROVAL), policy());
    assert.equal(out.request.status, 'PendingMFA');
    assert.deepEqual(out.effects, [{ kind: 'open-approval', requestId: 'req-1', approvalId: 'apr-1' }]);
  });

  test('the approval opened then is settled by whatever ends the request undecided', () => {
    const { request: pendingMfa } = createRequest(asks(MFA_AND_APPROVAL), policy());
    const settled = (status: 'Cancelled' | 'Expired') => [{ kind: 'settle-approval', requestId: 'req-1', approvalId: 'apr-1', status }];
    const c = (now: number) => ctx({ now, role: MFA_AND_APPROVAL });
    assert.deepEqual(apply(pendingMfa, { kind: 'MfaFailed' }, c(T0 + MINUTE_MS)).effects, settled('Cancelled'));
    assert.deepEqual(apply(pendingMfa, { kind: 'Close', reason: 'closed' }, c(T0 + MINUTE_MS)).effects, settled('Cancelled'));
    assert.deepEqual(apply(pendingMfa, { kind: 'TimedOut' }, c(pendingMfa.pendingUntil!)).effects, settled('Expired'));
    // Passing MFA moves on to the approval already open: nothing is opened twice.
    const approving = apply(pendingMfa, { kind: 'MfaPassed' }, c(T0 + MINUTE_MS));
    assert.equal(approving.request.status, 'PendingApproval');
    assert.deepEqual(approving.effects, [{ kind: 'notify', event: 'approval-needed', requestId: 'req-1' }]);
    // A decision settles it through the vote, not through the request's transition.
    assert.deepEqual(apply(approving.request, { kind: 'Rejected' }, c(T0 + 2 * MINUTE_MS)).effects, [{ kind: 'notify', event: 'decision-made', requestId: 'req-1' }]);
  });

  test('a role without approval opens none and settles none', () => {
    const { request: pendingMfa } = createRequest(asks(MFA), policy());
    assert.equal(pendingMfa.approvalId, null);
    assert.deepEqual(apply(pendingMfa, { kind: 'Close', reason: 'closed' }, ctx({ now: T0 + MINUTE_MS, role: MFA })).effects, []);
  });

  test('only a draft takes Created, and a draft takes nothing else', () => {
    const { request: stored } = createRequest(asks(PLAIN), policy());
    assert.throws(() => apply(stored, { kind: 'Created' }, ctx()), domainError('InvalidTransition', 'Created'));
    const draft = draftRequest(asks(PLAIN), T0, 'UTC');
    assert.throws(() => apply(draft, { kind: 'Close', reason: 'closed' }, ctx()), domainError('InvalidTransition', 'New'));
  });
});
