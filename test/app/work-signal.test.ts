import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { callerOf } from '../../src/app/authenticate.js';
import { closeRequestUseCase } from '../../src/app/close-request.js';
import { createRequestUseCase } from '../../src/app/create-request.js';
import type { Caller } from '../../src/app/deps.js';
import { DueWorkLoop } from '../../src/app/due-work-loop.js';
import { type TestCore, makeCore } from '../support/harness.js';

let t: TestCore;
let jen: Caller;
let roles: Record<string, string>;
beforeEach(async () => {
  t = await makeCore();
  ({ jen, roles } = await t.core.store.read(async (tx) => ({
    jen: callerOf((await tx.accounts.byLogin('jen'))!),
    roles: Object.fromEntries((await tx.roles.list()).map((r) => [r.name, r.id])),
  })));
});
afterEach(async () => {
  await t.destroy();
});

const ask = (role: string, ttlSeconds = 600) =>
  createRequestUseCase(t.core.deps, jen, { roleId: roles[role]!, ttlSeconds, justification: null, requestedAt: null, creationMethod: 'test' });

test('a use case that wrote due work wakes the scheduler after its commit, and only then', async () => {
  let raised = 0;
  const reads: Promise<number | null>[] = [];
  t.core.deps.workWritten.listen(() => {
    raised++;
    // Raised after the commit: what the transaction wrote is already there for the scheduler to read.
    reads.push(t.core.store.read((tx) => tx.requests.nextDueAt()));
  });
  const { request } = await ask('Allow AD Access');
  assert.equal(request.status, 'Active');
  assert.equal(raised, 1, 'an elevation with an expiry is due work');
  assert.deepEqual(await Promise.all(reads), [request.expiresAt]);

  // A refusal rolls back: nothing was written, nothing is raised.
  await assert.rejects(ask('Allow AD Access', 10 ** 9));
  assert.equal(raised, 1);

  // Closing with the embedded directory ends it in the same transaction: no due work, no outbox job,
  // but its holder is told it ended, and the notification worker listens to the same signal.
  await closeRequestUseCase(t.core.deps, jen, request.id);
  assert.equal(raised, 2);
  assert.deepEqual((await t.core.store.read((tx) => tx.notifications.ofRequest(request.id))).map((n) => n.kind), ['elevation-active', 'elevation-ended']);
  // The listener's reads finish before the store is closed (else they fail after the test ended).
  await Promise.all(reads);
});

test('the due-work loop listens while it runs: a commit wakes it, so due work is done without any route poking', async () => {
  const processed: number[] = [];
  // A tick of an hour: only the signal can make it look sooner.
  const loop = new DueWorkLoop(t.core.deps, 3_600_000, (r) => processed.push(r.processed), (e) => assert.fail(String(e)));
  await loop.start();
  try {
    const first = await ask('Allow AD Access');
    t.clock.advance(601_000); // the first elevation is now due to expire
    await ask('Business Hours'); // another commit with due work: the loop wakes and ends the first
    for (let i = 0; i < 500 && processed.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(processed.length > 0 && processed.reduce((a, b) => a + b) >= 1, 'the loop handled the expiry');
    const after = await t.core.store.read((tx) => tx.requests.byId(first.request.id));
    assert.equal(after!.status, 'Expired');
  } finally {
    await loop.stop();
  }
  // Stopped, it no longer listens.
  const before = processed.length;
  await ask('Allow AD Access');
  assert.equal(processed.length, before);
});
