import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIRST_BATCH, MAX_BATCH, MIN_BATCH, TARGET_MS, nextBatchSize } from '../../../src/app/due/batch-size.js';

test('batches grow from a small first one while they finish under the target, at most fourfold a step', () => {
  assert.equal(nextBatchSize(FIRST_BATCH, TARGET_MS / 10), FIRST_BATCH * 4);
  assert.equal(nextBatchSize(1000, TARGET_MS / 2), 2000);
  // A fake clock that does not move: as fast as can be, still by steps.
  assert.equal(nextBatchSize(1000, 0), 4000);
  assert.equal(nextBatchSize(8000, 1), MAX_BATCH);
});

test('a batch slower than the target makes the next smaller, never below 1,000 (a slow first batch still grows to it)', () => {
  assert.equal(nextBatchSize(4000, TARGET_MS * 2), 2000);
  assert.equal(nextBatchSize(1000, TARGET_MS * 100), MIN_BATCH);
  assert.equal(nextBatchSize(FIRST_BATCH, TARGET_MS * 100), MIN_BATCH);
});
