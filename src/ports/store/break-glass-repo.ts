import type { BreakGlassReview } from '../../domain/request/break-glass.js';
import type { PamRequest } from '../../domain/request/request.js';

/** What the break-glass metrics report, read from the store so every node agrees. */
export interface BreakGlassCounts {
  /** Break-glass requests that ever gave access. */
  readonly activations: number;
  /** Uses (see isBreakGlassUse) still waiting for their review. */
  readonly unreviewed: number;
}

/** Break-glass uses and their reviews (issue 14). */
export interface BreakGlassRepo {
  /**
   * Uses without a review (requests made under break-glass that gave access or may still), newest
   * first, at most `limit`: of one person, of some roles, or all of them.
   */
  unreviewed(by: { readonly creatorId?: string; readonly roleIds?: readonly string[]; readonly limit: number }): Promise<PamRequest[]>;
  /** Every use, reviewed or not, newest first, at most `limit`, each with its review if it has one. */
  uses(by: { readonly limit: number }): Promise<{ readonly request: PamRequest; readonly review: BreakGlassReview | undefined }[]>;
  /** The review of `requestId`, if it has one. */
  reviewOf(requestId: string): Promise<BreakGlassReview | undefined>;
  /** Records a review; a second review of the same request is refused by the store ('Conflict'). */
  addReview(r: BreakGlassReview): Promise<void>;
  counts(): Promise<BreakGlassCounts>;
}
