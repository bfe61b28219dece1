import { DomainError } from '../errors.js';
import type { Role } from '../role/role.js';
import { isApprover } from '../role/role.js';
import type { Instant } from '../time.js';
import type { PamRequest } from './request.js';

export type ApprovalStatus = 'Pending' | 'Approved' | 'Rejected' | 'Cancelled' | 'Expired';
export type Decision = 'approve' | 'reject';
/** How an approval ends when its request ended without a decision. */
export type ApprovalSettlement = Extract<ApprovalStatus, 'Cancelled' | 'Expired'>;

/** The object an approver acts on. It has its own id, distinct from the request's, as in MIM. */
export interface Approval {
  readonly id: string;
  readonly requestId: string;
  readonly status: ApprovalStatus;
  readonly decidedBy: string | null;
  readonly decidedAt: Instant | null;
  readonly comment: string | null;
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
 * Records one decision. Any single approver decides (MIM's rule); a decision on an approval that is
 * no longer pending is a conflict, so two approvers racing end with one outcome.
 */
export function decide(a: Approval, decision: Decision, deciderId: string, now: Instant, comment: string | null): Approval {
  if (a.status !== 'Pending') {
    throw new DomainError('Conflict', `This approval is already ${a.status}.`, { status: a.status });
  }
  return Object.freeze({
    ...a,
    status: decision === 'approve' ? 'Approved' : 'Rejected',
    decidedBy: deciderId,
    decidedAt: now,
    comment,
  });
}

/** Settles a pending approval whose request ended without a decision. */
export function settle(a: Approval, status: ApprovalSettlement, now: Instant): Approval {
  return a.status === 'Pending' ? Object.freeze({ ...a, status, decidedAt: now }) : a;
}
