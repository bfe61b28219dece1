import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  type Approval,
  type ApprovalPolicy,
  type ApprovalStatus,
  type Decision,
  type Vote,
  anyOneApprover,
  checkCanDecide,
  fold,
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

function cast(approverId: string, decision: Decision, at = T0, comment: string | null = null, factor: string | null = null): Vote {
  return { approverId, at, decision, comment, factor };
}

/** A decision on alice's approval (alice is the requester). */
function decide(a: Approval, decision: Decision, deciderId: string, at: number, comment: string | null): Approval {
  return vote(a, 'alice', cast(deciderId, decision, at, comment));
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
      votes: [cast('carol', 'approve', T0 + HOUR_MS, 'looks fine')],
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
    const first = decide(approval(), 'approve', 'carol', T0, null);
    assert.throws(() => decide(first, 'reject', 'alice', T0 + 1, null), domainError('Conflict', 'Approved'));
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

describe('the approval is a fold of its votes', () => {
  test('a new approval is open with no votes', () => {
    const a = openApproval('apr-9', 'req-9');
    assert.deepEqual(a, { id: 'apr-9', requestId: 'req-9', status: 'Pending', votes: [], decidedBy: null, decidedAt: null, comment: null });
    assert.deepEqual(fold('alice', a.votes), { status: 'Pending' });
  });

  test('MIM’s rule: one approval from any approver decides; who, when and why come from that vote', () => {
    const v = cast('carol', 'approve', T0 + HOUR_MS, 'ok', 'passkey');
    assert.deepEqual(fold('alice', [v]), { status: 'Approved', decisive: v });
  });

  test('any rejection rejects, even after an approval, and it is the rejection that decides', () => {
    const yes = cast('carol', 'approve', T0);
    const no = cast('dave', 'reject', T0 + 1, 'not today');
    assert.deepEqual(fold('alice', [yes, no]), { status: 'Rejected', decisive: no });
    assert.deepEqual(fold('alice', [no, yes]), { status: 'Rejected', decisive: no });
  });

  test('the requester’s own votes never count, whatever the policy says', () => {
    const own = cast('alice', 'approve', T0);
    assert.deepEqual(fold('alice', [own]), { status: 'Pending' });
    const countsEverything: ApprovalPolicy = (votes) => (votes.length > 0 ? { status: 'Approved', decisive: votes[0]! } : { status: 'Pending' });
    assert.deepEqual(fold('alice', [own], countsEverything), { status: 'Pending' });
  });

  test('a different policy (two approvals) changes the outcome and nothing else: the approval stays open after one vote', () => {
    const twoApprovals: ApprovalPolicy = (votes) => {
      const no = votes.find((v) => v.decision === 'reject');
      if (no) return { status: 'Rejected', decisive: no };
      const yes = votes.filter((v) => v.decision === 'approve');
      return yes.length >= 2 ? { status: 'Approved', decisive: yes[1]! } : { status: 'Pending' };
    };
    const one = vote(approval(), 'alice', cast('carol', 'approve', T0), twoApprovals);
    assert.equal(one.status, 'Pending');
    assert.equal(one.votes.length, 1);
    assert.equal(one.decidedBy, null);
    const two = vote(one, 'alice', cast('dave', 'approve', T0 + 5, 'second'), twoApprovals);
    assert.deepEqual([two.status, two.decidedBy, two.decidedAt, two.comment, two.votes.length], ['Approved', 'dave', T0 + 5, 'second', 2]);
    assert.equal(anyOneApprover(one.votes).status, 'Approved', 'the same votes under MIM’s rule');
  });

  test('votes are kept frozen, in the order cast, with the step-up factor used', () => {
    const out = vote(approval(), 'alice', cast('carol', 'approve', T0, null, 'totp'));
    assert.ok(Object.isFrozen(out.votes) && Object.isFrozen(out.votes[0]));
    assert.equal(out.votes[0]!.factor, 'totp');
  });
});
