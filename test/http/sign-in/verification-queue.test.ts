/**
 * CPU exhaustion before authentication (issue 11, finding 5): every unknown login costs a full
 * password hash, so hashes wait in a bounded queue, and one address cannot take all of it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScryptHasher } from '../../../src/adapters/crypto/scrypt-hasher.js';
import { API, basic, makeApp } from '../../support/harness.js';
import { assertODataError } from '../api/helpers.js';

/** Production's scrypt cost: each check takes long enough for a flood to pile up behind it. */
const REAL_HASHER = new ScryptHasher();

const randomLogin = (i: number) => `nobody-${i}-${Math.random().toString(36).slice(2)}`;

test('a flood of random logins fills the bounded queue and gets 503 with Retry-After; a signed-in caller is not held up', async () => {
  const t = await makeApp({ hasher: REAL_HASHER, config: { signIn: { verificationConcurrency: 1, verificationQueue: 4 } } });
  try {
    // jen's credentials are verified once, then served from the authenticator's cache.
    assert.equal((await t.app.inject({ method: 'GET', url: `${API}/sessioninfo`, headers: basic('jen') })).statusCode, 200);
    // Completion order, not time: a loaded machine makes every call slow, but only a caller queued
    // behind the flood's password checks would finish after them.
    let checked = 0;
    const flood = Array.from({ length: 64 }, (_, i) =>
      t.app
        .inject({ method: 'GET', url: `${API}/pamroles`, headers: basic(randomLogin(i), 'x'), remoteAddress: `10.7.${i >> 8}.${i & 255}` })
        .then((r) => {
          if (r.statusCode === 401) checked++;
          return r;
        }),
    );
    const jen = await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic('jen'), remoteAddress: '192.0.2.10' });
    const checkedBeforeJen = checked;
    const res = await Promise.all(flood);
    assert.equal(jen.statusCode, 200, jen.body);
    const busy = res.filter((r) => r.statusCode === 503);
    assert.ok(busy.length >= 50, `503s: ${busy.length}; statuses ${res.map((r) => r.statusCode).join(' ')}`);
    for (const r of busy) {
      assert.equal(assertODataError(r, 503).code, 'SignInBusy');
      assert.ok(Number(r.headers['retry-after']) >= 1, 'Retry-After');
    }
    assert.ok(res.every((r) => r.statusCode === 503 || r.statusCode === 401), res.map((r) => r.statusCode).join(' '));
    const verified = res.filter((r) => r.statusCode === 401).length;
    assert.ok(verified >= 2, `only ${verified} checks ran: the test could not tell a queued caller apart`);
    // A caller let through the queue first would still wait for the check already running; a cached
    // one waits for none (a production scrypt check takes far longer than a cached call).
    assert.equal(checkedBeforeJen, 0, `the cached caller finished after ${checkedBeforeJen} of the ${verified} password checks: it waited for them`);
  } finally {
    await t.destroy();
  }
});

test('addresses whose checks keep failing wait behind clean ones: a new sign-in from a clean address gets through a flood', async () => {
  const t = await makeApp({ hasher: REAL_HASHER, config: { signIn: { verificationConcurrency: 1, verificationQueue: 4 } } });
  try {
    const flooders = Array.from({ length: 8 }, (_, i) => `10.4.0.${i + 1}`);
    for (const a of flooders) {
      assert.equal((await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic(randomLogin(0), 'x'), remoteAddress: a })).statusCode, 401);
    }
    let stop = false;
    const flood = flooders.flatMap((a) =>
      [0, 1].map(async (k) => {
        const seen: number[] = [];
        while (!stop) {
          const r = await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic(randomLogin(k), 'x'), remoteAddress: a });
          seen.push(r.statusCode);
          // Turned away at once: a short pause, as a client would make, so the loop yields to timers.
          if (r.statusCode !== 401) await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return seen;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200)); // the flood fills both running place and line
    // ann has not signed in before: her check is not cached and must take a turn.
    const ann = await t.app.inject({ method: 'POST', url: '/api/session/login', payload: { login: 'ann', password: 'ann' }, remoteAddress: '192.0.2.20' });
    stop = true;
    const statuses = (await Promise.all(flood)).flat();
    assert.equal(ann.statusCode, 200, ann.body);
    assert.ok(statuses.includes(503), `the flood was turned away: ${statuses.join(' ')}`);
  } finally {
    await t.destroy();
  }
});

test('one address gets a few verifications at a time, and a bounded number of failures', async () => {
  const t = await makeApp({ config: { signIn: { addressConcurrency: 2, addressFailures: 20 } } });
  try {
    const parallel = await Promise.all(
      Array.from({ length: 16 }, (_, i) => t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic(randomLogin(i), 'x'), remoteAddress: '10.8.0.1' })),
    );
    const throttled = parallel.filter((r) => r.statusCode === 429);
    // How many overlap depends on the machine's load; the exact bound is in test/app/verification-gate.test.ts.
    assert.ok(throttled.length >= 1, `parallel from one address: ${parallel.map((r) => r.statusCode).join(' ')}`);
    assert.ok(parallel.every((r) => r.statusCode === 401 || r.statusCode === 429));
    for (const r of throttled) assertODataError(r, 429);
    assert.equal((await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic('ann'), remoteAddress: '10.8.0.3' })).statusCode, 200);
    // One after another: after 20 failures from the address, it waits, whatever login it tries.
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      statuses.push((await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic(randomLogin(i), 'x'), remoteAddress: '10.8.0.2' })).statusCode);
    }
    assert.deepEqual(statuses.slice(20), Array(10).fill(429), statuses.join(' '));
    // Credentials verified before (the authenticator's cache) still work from that address, and others are not affected.
    assert.equal((await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic('ann'), remoteAddress: '10.8.0.2' })).statusCode, 200);
    assert.equal((await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic('jen'), remoteAddress: '10.8.0.4' })).statusCode, 200);
  } finally {
    await t.destroy();
  }
});
