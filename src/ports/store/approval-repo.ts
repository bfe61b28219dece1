import type { Approval } from '../../domain/request/approval.js';
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

/** Approvals of requests for roles that need one. */
export interface ApprovalRepo {
  /** The approval with this id, or undefined. */
  byId(id: string): Promise<Approval | undefined>;
  /** Adds a new (pending) approval. */
  insert(a: Approval): Promise<void>;
  /** Overwrites the stored approval of the same id (its decision). */
  update(a: Approval): Promise<void>;
  /** Pending approvals `approverId` may decide (never their own requests), in the database. */
  pendingFor(approverId: string, q: ListQuery<ApprovalField>): Promise<ApprovalView[]>;
}
