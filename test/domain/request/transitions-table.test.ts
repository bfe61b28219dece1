import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../../../src/domain/errors.js';
import { TRANSITIONS, accepts, apply } from '../../../src/domain/request/transitions.js';
import { HOUR_MS, MINUTE_MS, PLAIN, T0, ctx, request } from '../fixtures.js';
import { ALLOWED, EVENTS, EVENT_KINDS, IN_STATUS, LIFECYCLE_STATUSES, when } from './lifecycle-cases.js';

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
