import type { Instant } from '../time.js';

/**
 * The wait before one more request may be created, given the creation times of the caller's latest
 * requests (newest first): at most `max` in any `windowMs`. Zero when one may be created now.
 */
export function rateLimitWaitMs(recentNewestFirst: readonly Instant[], max: number, windowMs: number, now: Instant): number {
  const oldestCounted = recentNewestFirst[max - 1];
  if (oldestCounted === undefined) return 0;
  return Math.max(0, oldestCounted + windowMs - now);
}
