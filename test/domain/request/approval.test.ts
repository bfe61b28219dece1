import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  type Approval,
  type ApprovalStatus,
  type Ballot,
  type Decision,
  checkCanDecide,
  openApproval,
  settle,
  vote,
} from '../../../src/domain/request/approval.js';
import { APPROVAL, HOUR_MS, T0, domainError, request } from '../fixtures.js';

// In APPROVAL, alice and bob are candidates; carol and alice are approvers.
const alicesRequest = request({ status: 'PendingApproval', roleId: APPROVAL.id, approvalId: 'apr-1', creatorId: 'alice' });
const bobsRequest = request({ status: 'PendingApproval', roleId: APPROVAL.id, approvalId: 'apr-2', creatorId: 'bob' });

function approval(status: ApprovalStatus = 'Pending'): Approval {
  return Object.freeze({ ...openApproval('apr-1', 'req-1'), status });
}

function cast(approverId: string, decision: Decision, at = T0, comment: string | null = null, factor: string | null = null): Ballot {
  return { approverId, at, decision, comment, factor };
}

/** A decision on alice's approval (alice is the requester). */
function decide(a: Approval, decision: Decision, deciderId: string, at: number, comment: string | null): Approval {
  return vote(a, APPROVAL, alicesRequest, cast(deciderId, decision, at, comment));
}

describe('who may decide', () => {
  test('alice cannot approve her own request even though she is an approver of the role', () => {
    assert.throws(() => checkCanDecide(APPROVAL, alicesRequest, 'alice'), domainError('SelfApproval', 'own request'));
  });

  test('bob, a candidate but not an approver, cannot decide on alice’s request', () => {
    assert.throws(() => checkCanDecide(APPROVAL, alicesRequest, 'bob'), domainError('NotApprover', "'Payroll'"));
  });

  test('a stranger cannot decide either', () => {
    assert.throws(() => checkCanDecide(APPROVAL, alicesRequest, 'mallory'), domainError('NotApprover'));
  });

  test('carol may decide on alice’s request, and alice may decide on bob’s', () => {
    assert.doesNotThrow(() => checkCanDecide(APPROVAL, alicesRequest, 'carol'));
    assert.doesNotThrow(() => checkCanDecide(APPROVAL, bobsRequest, 'alice'));
  });

  test('self-approval is refused before approver membership is even looked at', () => {
    const noApprovers = { ...APPROVAL, approverIds: [] };
    assert.throws(() => checkCanDecide(noApprovers, alicesRequest, 'alice'), domainError('SelfApproval'));
  });
});

describe('deciding', () => {
  test('approving a pending approval records who, when and why', () => {
    const a = approval();
    const out = decide(a, 'approve', 'carol', T0 + HOUR_MS, 'looks fine');
    assert.deepEqual(out, {
      ...a,
      status: 'Approved',
      stage: 1,
      votes: [{ ...cast('carol', 'approve', T0 + HOUR_MS, 'looks fine'), stage: 0 }],
      decidedBy: 'carol',
      decidedAt: T0 + HOUR_MS,
      comment: 'looks fine',
    });
    assert.ok(Object.isFrozen(out));
    assert.equal(a.status, 'Pending', 'the input is not changed');
  });

  test('rejecting a pending approval', () => {
    const out = decide(approval(), 'reject', 'carol', T0, null);
    assert.equal(out.status, 'Rejected');
    assert.equal(out.decidedBy, 'carol');
    assert.equal(out.comment, null);
  });

  for (const status of ['Approved', 'Rejected', 'Cancelled', 'Expired'] as const) {
    for (const decision of ['approve', 'reject'] as const) {
      test(`deciding (${decision}) on an approval that is already ${status} is a Conflict`, () => {
        assert.throws(() => decide(approval(status), decision, 'carol', T0, null), domainError('Conflict', status));
      });
    }
  }

  test('when two approvers race, the second decision is a Conflict and the first stands', () => {
    const first = vote(approval(), APPROVAL, bobsRequest, cast('carol', 'approve', T0));
    assert.throws(() => vote(first, APPROVAL, bobsRequest, cast('alice', 'reject', T0 + 1)), domainError('Conflict', 'Approved'));
    assert.equal(first.status, 'Approved');
  });
});

describe('settling', () => {
  for (const to of ['Cancelled', 'Expired'] as const) {
    test(`a pending approval whose request ended is settled as ${to}`, () => {
      const out = settle(approval(), to, T0 + HOUR_MS);
      assert.equal(out.status, to);
      assert.equal(out.decidedAt, T0 + HOUR_MS);
      assert.equal(out.decidedBy, null);
    });
  }

  for (const status of ['Approved', 'Rejected', 'Cancelled', 'Expired'] as const) {
    test(`settling an approval that is already ${status} changes nothing`, () => {
      const decided = approval(status);
      assert.equal(settle(decided, 'Cancelled', T0), decided);
      assert.equal(settle(decided, 'Expired', T0), decided);
    });
  }
});

describe('the shorthand: approvalRequired with approvers is one stage needing one approval', () => {
  test('a new approval is open at its first stage with no votes', () => {
    const a = openApproval('apr-9', 'req-9');
    assert.deepEqual(a, { id: 'apr-9', requestId: 'req-9', status: 'Pending', stage: 0, votes: [], decidedBy: null, decidedAt: null, comment: null });
  });

  test('one approval from any approver decides; who, when, why and the factor come from that vote', () => {
    const out = vote(approval(), APPROVAL, alicesRequest, cast('carol', 'approve', T0 + HOUR_MS, 'ok', 'passkey'));
    assert.deepEqual([out.status, out.decidedBy, out.decidedAt, out.comment, out.votes[0]!.factor], ['Approved', 'carol', T0 + HOUR_MS, 'ok', 'passkey']);
  });

  test('votes are kept frozen, in the order cast, with the step-up factor used', () => {
    const out = vote(approval(), APPROVAL, alicesRequest, cast('carol', 'approve', T0, null, 'totp'));
    assert.ok(Object.isFrozen(out.votes) && Object.isFrozen(out.votes[0]));
    assert.equal(out.votes[0]!.factor, 'totp');
  });
});
