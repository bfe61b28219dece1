import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lanesOf } from '../../src/app/outbox/run-outbox.js';
import type { OutboxJob } from '../../src/ports/store.js';

let nextId = 1;
const job = (requestId: string, kind: OutboxJob['kind'], groupId: string, accountId: string): OutboxJob => ({
  id: nextId++, requestId, kind, groupId, accountId, createdAt: 0, attempts: 0, nextAttemptAt: 0, lastError: null, doneAt: null, claimedUntil: null,
});
const ids = (lanes: OutboxJob[][]) => lanes.map((l) => l.map((j) => j.id));

test('jobs of unrelated requests and memberships each get a lane of their own', () => {
  nextId = 1;
  const jobs = [job('r1', 'revoke', 'g', 'ann'), job('r2', 'revoke', 'g', 'bob'), job('r3', 'grant', 'h', 'ann')];
  assert.deepEqual(ids(lanesOf(jobs)), [[1], [2], [3]]);
});

test("a request's jobs share a lane in claim order, so only its last one confirms it", () => {
  nextId = 1;
  const jobs = [job('r1', 'revoke', 'g1', 'ann'), job('r2', 'revoke', 'g1', 'bob'), job('r1', 'revoke', 'g2', 'ann')];
  assert.deepEqual(ids(lanesOf(jobs)), [[1, 3], [2]]);
});

test('a grant and a revoke of one membership share a lane in claim order, and so does what links to either', () => {
  nextId = 1;
  // r1 revokes ann from g while r2 grants it back; r2 also grants h, which r3 (bob) shares nothing with.
  const jobs = [job('r1', 'revoke', 'g', 'ann'), job('r3', 'grant', 'h', 'bob'), job('r2', 'grant', 'h', 'ann'), job('r2', 'grant', 'g', 'ann')];
  assert.deepEqual(ids(lanesOf(jobs)), [[1, 3, 4], [2]]);
  assert.deepEqual(lanesOf([]), []);
});
