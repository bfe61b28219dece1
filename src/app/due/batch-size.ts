/**
 * How many due items the scheduler takes in one transaction (issue 13 §2). The first batch is small,
 * so the first revokes of a mass expiry commit within a fraction of a second; each later one is sized
 * from how long the last took, aiming at TARGET_MS: large enough that a commit (one fsync, and on
 * SQLite the WAL pages the batch dirtied) is shared by thousands of ends, small enough that the
 * accounts a batch locks (PostgreSQL, several nodes) stay locked well under a second.
 */
export const FIRST_BATCH = 250;
/**
 * Never smaller after the first: a loaded machine makes every batch slow, and shrinking them then
 * only adds commits (docs/benchmarks.md, third session: batches of 600-850 under load).
 */
export const MIN_BATCH = 1000;
export const MAX_BATCH = 10_000;
/** What one batch's transaction should take, claim to commit. */
export const TARGET_MS = 400;
/** Growth per step at most: one quick batch says little about a ten-times larger one. */
const MAX_GROWTH = 4;

/** The size of the next batch after one of `size` items took `elapsedMs` (claim to commit). */
export function nextBatchSize(size: number, elapsedMs: number): number {
  const scaled = elapsedMs <= 0 ? size * MAX_GROWTH : Math.round((size * TARGET_MS) / elapsedMs);
  return Math.max(MIN_BATCH, Math.min(MAX_BATCH, size * MAX_GROWTH, scaled));
}
