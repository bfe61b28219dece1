import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VerificationGate } from '../../src/app/verification-gate.js';
import { DomainError } from '../../src/domain/errors.js';

const LIMITS = { concurrency: 2, queue: 3, perAddress: 2, failuresPerAddress: 4, failureWindowMs: 60_000 };
const from = (address: string) => ({ address, loopback: false });

/** Checks that finish only when the test says so, so "at once" means at once, whatever the machine's load. */
function heldChecks() {
  const release: ((ok: boolean) => void)[] = [];
  let started = 0;
  const check = () =>
    new Promise<boolean>((resolve) => {
      started++;
      release.push(resolve);
    });
  return { check, release, started: () => started };
}

test('one address holds at most perAddress places: the rest are refused at once with TooManyAttempts', async () => {
  const gate = new VerificationGate(LIMITS, () => 0);
  const held = heldChecks();
  // Settled as they go, so an early refusal is never an unhandled rejection.
  const runs = Array.from({ length: 16 }, () => gate.run(from('10.8.0.1'), held.check).then(String, (e: DomainError) => e.code));
  await new Promise((r) => setImmediate(r));
  assert.equal(held.started(), 2);
  held.release.forEach((done) => done(false));
  const results = await Promise.all(runs);
  assert.deepEqual(results.filter((c) => c === 'TooManyAttempts').length, 14, results.join(' '));
  assert.deepEqual(results.filter((c) => c === 'false').length, 2);
});

test('after failuresPerAddress failures an address waits out the window, whatever login it tries', async () => {
  let now = 0;
  const gate = new VerificationGate(LIMITS, () => now);
  for (let i = 0; i < 4; i++) assert.equal(await gate.run(from('10.8.0.2'), async () => false), false);
  await assert.rejects(gate.run(from('10.8.0.2'), async () => true), (e: DomainError) => e.code === 'TooManyAttempts' && e.details.retryAfterSeconds === 60);
  assert.equal(await gate.run(from('10.8.0.3'), async () => true), true, 'other addresses are not affected');
  now = 60_000;
  assert.equal(await gate.run(from('10.8.0.2'), async () => true), true, 'the window has passed');
});
