import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FREE_FAILURES, LOCKOUT_AFTER, afterFailure, attemptVerdict, backoffMs, lockoutView, noAttempts } from '../../../src/domain/mfa/attempt-limit.js';
import { rateLimitWaitMs } from '../../../src/domain/request/rate-limit.js';

const T0 = Date.UTC(2026, 0, 5, 10);

test('a guesser who always waits as told is locked out at the tenth failure, a few minutes in', () => {
  let a = noAttempts('jen');
  let now = T0;
  const waits: number[] = [];
  while (a.lockedAt === null) {
    const v = attemptVerdict(a, now);
    if (v.kind === 'wait') {
      waits.push(v.retryAfterMs / 1000);
      now += v.retryAfterMs;
      continue;
    }
    assert.equal(v.kind, 'allowed');
    a = afterFailure(a, now);
  }
  assert.equal(a.failures, LOCKOUT_AFTER);
  assert.deepEqual(waits, [5, 10, 20, 40, 80]);
  assert.equal(attemptVerdict(a, now + 365 * 86_400_000).kind, 'locked', 'a lockout does not lapse by itself');
  assert.deepEqual(lockoutView(a, now), { locked: true, failures: 10, lockedAt: now, waitUntil: null });
});

test('the first failures cost no wait; afterwards the wait only grows, up to 15 minutes', () => {
  for (let n = 0; n < FREE_FAILURES; n++) assert.equal(backoffMs(n), 0);
  fc.assert(fc.property(fc.integer({ min: FREE_FAILURES, max: 60 }), (n) => backoffMs(n + 1) >= backoffMs(n) && backoffMs(n) > 0 && backoffMs(n) <= 15 * 60_000));
});

test('a request limit of max per window: the oldest counted creation says when the next may come', () => {
  assert.equal(rateLimitWaitMs([], 3, 60_000, T0), 0);
  assert.equal(rateLimitWaitMs([T0 - 1000, T0 - 2000], 3, 60_000, T0), 0, 'two of three');
  assert.equal(rateLimitWaitMs([T0 - 1000, T0 - 2000, T0 - 10_000], 3, 60_000, T0), 50_000);
  assert.equal(rateLimitWaitMs([T0 - 1000, T0 - 2000, T0 - 60_000], 3, 60_000, T0), 0, 'the oldest left the window');
});
