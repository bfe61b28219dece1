import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDeactivation } from '../../../src/domain/request/deactivation.js';
import { nextTimedEvent } from '../../../src/domain/request/next-timed-event.js';
import { HOLDING, isTerminal } from '../../../src/domain/request/request.js';
import { MFA_AND_APPROVAL, PLAIN, T0, domainError } from '../fixtures.js';

describe('a deactivation (RequestedTTL 0) is a request of its own', () => {
  test('alice deactivates: born Closed at once, TTL 0, no start, no expiry, nothing left to do', () => {
    const d = createDeactivation({ id: 'd1', creatorId: 'alice', role: MFA_AND_APPROVAL, justification: 'done patching', creationMethod: 'PAM Web API' }, T0);
    assert.equal(d.status, 'Closed');
    assert.ok(isTerminal(d.status) && !HOLDING.includes(d.status), 'never holds anything');
    assert.equal(d.requestedTtlSeconds, 0);
    assert.deepEqual([d.createdAt, d.requestedAt, d.endedAt], [T0, T0, T0]);
    assert.deepEqual([d.startedAt, d.expiresAt, d.pendingUntil], [null, null, null]);
    assert.equal(nextTimedEvent(d), null, 'the scheduler never wakes for it');
    assert.equal(d.approvalId, null, 'no approver ever sees it, even for a role that needs approval');
    assert.equal(d.justification, 'done patching');
    assert.equal(d.endReason, 'deactivated');
    assert.ok(Object.isFrozen(d));
  });

  test('a blank justification is none, as for any request', () => {
    assert.equal(createDeactivation({ id: 'd2', creatorId: 'bob', role: PLAIN, justification: '  ', creationMethod: 'x' }, T0).justification, null);
  });

  test('carol, who is no candidate, cannot deactivate the role', () => {
    assert.throws(() => createDeactivation({ id: 'd3', creatorId: 'carol', role: PLAIN, justification: null, creationMethod: 'x' }, T0), domainError('NotCandidate'));
  });
});
