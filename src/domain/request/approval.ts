import { DomainError } from '../errors.js';
import type { Role } from '../role/role.js';
import { isApprover } from '../role/role.js';
import type { Instant } from '../time.js';
import type { PamRequest } from './request.js';

export type ApprovalStatus = 'Pending' | 'Approved' | 'Rejected' | 'Cancelled' | 'Expired';
export type Decision = 'approve' | 'reject';
/** How an approval ends when its request ended without a decision. */
export type ApprovalSettlement = Extract<ApprovalStatus, 'Cancelled' | 'Expired'>;

/** One approver's decision on one approval, as it was cast. */
export interface Vote {
  readonly approverId: string;
  readonly at: Instant;
  readonly decision: Decision;
  readonly comment: string | null;
  /** The step-up the approver passed for it ('totp', 'passkey'), when the role asked for one. */
  readonly factor: string | null;
}

/**
 * The object an approver acts on. It has its own id, distinct from the request's, as in MIM. Its
 * state is a fold of its votes under a policy (`status`, `decidedBy`, `decidedAt` and `comment`
 * are what the fold says, kept beside the votes for readers and queries), unless its request ended
 * undecided and settled it.
 */
export interface Approval {
  readonly id: string;
  readonly requestId: string;
  readonly status: ApprovalStatus;
  readonly votes: readonly Vote[];
  readonly decidedBy: string | null;
  readonly decidedAt: Instant | null;
  readonly comment: string | null;
}

/** What a fold of votes concludes: still open, or decided by one vote (the one that tipped it). */
export type Outcome = { readonly status: 'Pending' } | { readonly status: 'Approved' | 'Rejected'; readonly decisive: Vote };

/**
 * How votes decide. Quorums and stages (several approvals, one per stage) are other policies over
 * the same votes: nothing else changes when one is added.
 */
export type ApprovalPolicy = (votes: readonly Vote[]) => Outcome;

/**
 * MIM's rule: one approval from any approver decides, and any rejection rejects (a rejection
 * short-circuits, as Teleport's denial thresholds do). Votes are counted in the order cast.
 */
export const anyOneApprover: ApprovalPolicy = (votes) => {
  const reject = votes.find((v) => v.decision === 'reject');
  if (reject) return { status: 'Rejected', decisive: reject };
  const approve = votes.find((v) => v.decision === 'approve');
  return approve ? { status: 'Approved', decisive: approve } : { status: 'Pending' };
};

/**
 * The approval's state from its votes. The requester's own votes never count, whatever the policy:
 * an elevation always needs a second person (checkCanDecide refuses them before they are cast).
 */
export function fold(requesterId: string, votes: readonly Vote[], policy: ApprovalPolicy = anyOneApprover): Outcome {
  return policy(votes.filter((v) => v.approverId !== requesterId));
}

/** A new approval, open with no votes. */
export function openApproval(id: string, requestId: string): Approval {
  return Object.freeze({ id, requestId, status: 'Pending', votes: Object.freeze([]), decidedBy: null, decidedAt: null, comment: null });
}

/**
 * Who may decide. Self-approval is refused even when the requester is also listed as an approver:
 * an elevation always needs a second person.
 */
export function checkCanDecide(role: Role, request: PamRequest, deciderId: string): void {
  if (request.creatorId === deciderId) {
    throw new DomainError('SelfApproval', 'You cannot approve or reject your own request; another approver of the role must decide.');
  }
  if (!isApprover(role, deciderId)) {
    throw new DomainError('NotApprover', `You are not an approver of role '${role.name}'.`);
  }
}

/**
 * Casts one vote and folds again. A vote on an approval that is no longer pending is a conflict,
 * so two approvers racing end with one outcome.
 */
export function vote(a: Approval, requesterId: string, v: Vote, policy: ApprovalPolicy = anyOneApprover): Approval {
  if (a.status !== 'Pending') {
    throw new DomainError('Conflict', `This approval is already ${a.status}.`, { status: a.status });
  }
  const votes = Object.freeze([...a.votes, Object.freeze({ ...v })]);
  const outcome = fold(requesterId, votes, policy);
  if (outcome.status === 'Pending') return Object.freeze({ ...a, votes });
  return Object.freeze({
    ...a,
    votes,
    status: outcome.status,
    decidedBy: outcome.decisive.approverId,
    decidedAt: outcome.decisive.at,
    comment: outcome.decisive.comment,
  });
}

/** Settles a pending approval whose request ended without a decision. */
export function settle(a: Approval, status: ApprovalSettlement, now: Instant): Approval {
  return a.status === 'Pending' ? Object.freeze({ ...a, status, decidedAt: now }) : a;
}
