import type { Approval, Vote } from '../../domain/request/approval.js';
import type { Instant } from '../../domain/time.js';
import type { ApprovalField, ListQuery } from '../filter.js';

/** A pending approval as an approver sees it. */
export interface ApprovalView {
  readonly approvalId: string;
  readonly requestId: string;
  readonly roleName: string;
  readonly requestorId: string;
  readonly requestorLogin: string;
  readonly justification: string | null;
  readonly requestedTtlSeconds: number;
  readonly requestedAt: Instant;
  readonly createdAt: Instant;
}

/** One vote an approver cast, with what it was about (their decision history). */
export interface DecisionView {
  readonly requestId: string;
  readonly roleName: string;
  readonly requestorLogin: string;
  /** The stage voted on, from 1. */
  readonly stage: number;
  readonly decision: string;
  readonly at: Instant;
  readonly comment: string | null;
  /** The step-up factor the approver passed for it, or null. */
  readonly factor: string | null;
  /** Where the approval stands now (Pending, Approved, Rejected, ...). */
  readonly approvalStatus: string;
}

/** Approvals of requests for roles that need one. */
export interface ApprovalRepo {
  /** The approval with this id and its votes, in the order they were cast; or undefined. */
  byId(id: string): Promise<Approval | undefined>;
  /** Stores a new approval (open, no votes yet). */
  insert(a: Approval): Promise<void>;
  /** Stores the approval's status and deciding vote as its fold (or settlement) concluded; not its votes. */
  update(a: Approval): Promise<void>;
  /** Appends vote number `seq` (from 0) of an approval; a vote already in that place is a Conflict. */
  addVote(approvalId: string, seq: number, v: Vote): Promise<void>;
  /**
   * Pending approvals whose open stage `approverId` may still vote on, by name or as a member of
   * one of `groupIds` (their approver groups, read from the directories by the caller); never
   * their own requests, nor approvals they already voted on.
   */
  pendingFor(approverId: string, groupIds: readonly string[], q: ListQuery<ApprovalField>): Promise<ApprovalView[]>;
  /** The votes `approverId` cast, newest first, skipping `skip` and returning at most `limit`. */
  decisionsBy(approverId: string, page: { readonly skip: number; readonly limit: number }): Promise<DecisionView[]>;
}
