import { DomainError } from '../errors.js';
import type { GroupMembers } from '../role/approval-stage.js';
import { type Role, isApprover } from '../role/role.js';
import type { Instant, Seconds } from '../time.js';
import { type PamRequest, isTerminal } from './request.js';

/** The server's cap on a break-glass activation when the configuration names none: one hour. */
export const DEFAULT_BREAK_GLASS_MAX_TTL_SECONDS: Seconds = 3600;

/** The longest comment a review keeps. */
export const MAX_REVIEW_COMMENT = 2000;

/** An approver's look back at one break-glass use: who, when, and what they found. */
export interface BreakGlassReview {
  readonly requestId: string;
  readonly reviewerId: string;
  readonly reviewedAt: Instant;
  readonly comment: string;
  /** The step-up the reviewer passed, when the role asks approvers for one (approverMfaRequired). */
  readonly factor: 'totp' | 'passkey' | null;
}

/**
 * Whether `r` counts as a use of break-glass that needs a review: it gave access, or may still do
 * so. A request that ended without ever granting (MFA failed or timed out) used nothing.
 */
export function isBreakGlassUse(r: PamRequest): boolean {
  return r.breakGlass && (r.startedAt !== null || !isTerminal(r.status));
}

/**
 * Refuses a new break-glass request while the person's last use of the role waits for its review:
 * the compensating control that makes "no approval" bearable.
 */
export function requireLastUseReviewed(role: Role, unreviewed: PamRequest | undefined): void {
  if (!role.breakGlass || unreviewed === undefined) return;
  throw new DomainError(
    'BreakGlassReviewPending',
    `Your last break-glass use of role '${role.name}' (request ${unreviewed.id}) has not been reviewed yet; ` +
      "one of the role's approvers must review it before you can use the role again.",
    { requestId: unreviewed.id },
  );
}

/**
 * Checks that `reviewerId` may review `r` (a break-glass use of `role`) and returns the review.
 * Only the role's approvers review, never the person who broke the glass; a use is reviewed once.
 */
export function review(
  role: Role,
  r: PamRequest,
  reviewerId: string,
  comment: string,
  now: Instant,
  members: GroupMembers,
  existing: BreakGlassReview | undefined,
  factor: BreakGlassReview['factor'] = null,
): BreakGlassReview {
  // Anyone but the role's approvers learns nothing of the request, not even that it exists.
  const approver = isApprover(role, reviewerId, members);
  if (!r.breakGlass || !isBreakGlassUse(r) || (!approver && r.creatorId !== reviewerId)) {
    throw new DomainError('RequestNotFound', `There is no break-glass use ${r.id} for you to review.`);
  }
  if (r.creatorId === reviewerId) throw new DomainError('SelfApproval', 'You cannot review your own break-glass use; another approver of the role must.');
  if (existing) throw new DomainError('Conflict', `Break-glass use ${r.id} was already reviewed.`);
  const text = comment.trim();
  if (text === '') throw new DomainError('BadRequest', 'A review needs a comment: what was done with the access, and whether it was warranted.');
  if (text.length > MAX_REVIEW_COMMENT) throw new DomainError('BadRequest', `A review comment has at most ${MAX_REVIEW_COMMENT} characters.`);
  return Object.freeze({ requestId: r.id, reviewerId, reviewedAt: now, comment: text, factor });
}
