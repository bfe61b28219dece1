/**
 * Password guessing against the sign-in throttle (issue 11, findings 3 and 6): parallel guesses must
 * not slip past it, and no amount of guessing may lock the right person out.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API, appPerTest, basic, type TestApp } from '../../support/harness.js';
import { assertODataError, type Res } from '../api/helpers.js';

const viaBasic = (t: TestApp, login: string, password: string, remoteAddress = '127.0.0.1') =>
  t.app.inject({ method: 'GET', url: `${API}/sessioninfo`, headers: basic(login, password), remoteAddress });
const viaForm = (t: TestApp, login: string, password: string, remoteAddress = '127.0.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/session/login', payload: { login, password }, remoteAddress });

function retryAfter(res: Res): number {
  assertODataError(res, 429);
  const s = Number(res.headers['retry-after']);
  assert.ok(Number.isInteger(s) && s >= 1, `retry-after ${String(res.headers['retry-after'])}`);
  return s;
}

/** Guesses as fast as the throttle allows for `ms` of test time; returns how many were checked. */
async function hammer(t: TestApp, login: string, address: string, ms: number): Promise<number> {
  const end = t.clock.now() + ms;
  let checked = 0;
  let i = 0;
  while (t.clock.now() < end) {
    const res = await viaBasic(t, login, `guess-${i++}`, address);
    if (res.statusCode === 429) t.clock.advance(retryAfter(res) * 1000);
    else {
      assert.equal(res.statusCode, 401, res.body);
      checked++;
    }
  }
  return checked;
}

describe('parallel guesses (finding 3)', () => {
  const app = appPerTest();

  test('50 parallel Basic guesses for one login: at most 5 reach the password check, the rest get 429', async () => {
    const t = app();
    const passwords = Array.from({ length: 50 }, (_, i) => (i === 49 ? 'jen' : `guess${i}`));
    const res = await Promise.all(passwords.map((p) => viaBasic(t, 'jen', p)));
    const checked = res.filter((r) => r.statusCode !== 429);
    assert.ok(checked.length <= 5, `${checked.length} guesses were checked: ${res.map((r) => r.statusCode).join(' ')}`);
    for (const r of res.filter((x) => x.statusCode === 429)) retryAfter(r);
  });

  test('parallel calls with the right password are one attempt, also after failures: none is refused', async () => {
    const t = app();
    for (const r of await Promise.all(Array.from({ length: 20 }, () => viaBasic(t, 'ann', 'ann', '192.0.2.50')))) assert.equal(r.statusCode, 200, r.body);
    for (let i = 0; i < 4; i++) assertODataError(await viaBasic(t, 'jen', `typo${i}`, '192.0.2.51'), 401);
    for (const r of await Promise.all(Array.from({ length: 20 }, () => viaBasic(t, 'jen', 'jen', '192.0.2.51')))) assert.equal(r.statusCode, 200, r.body);
  });

  test('a burst of 100 wrong guesses through the sign-in form gets 429s', async () => {
    const t = app();
    const res = await Promise.all(Array.from({ length: 100 }, (_, i) => viaForm(t, 'PRIV\\jen', `wrong${i}`)));
    const throttled = res.filter((r) => r.statusCode === 429).length;
    assert.ok(throttled >= 95, `only ${throttled} of 100 were throttled`);
  });
});

describe('no lockout of the victim (finding 6)', () => {
  const app = appPerTest();

  test('five wrong passwords from a shared address slow the victim down for a second, never lock her out', async () => {
    const t = app();
    const proxy = '10.0.0.1';
    for (let i = 0; i < 5; i++) assertODataError(await viaForm(t, 'ann', `wrong${i}`, proxy), 401);
    const wait = retryAfter(await viaForm(t, 'ann', 'ann', proxy));
    assert.ok(wait <= 2, `the first wait is short, not five minutes: ${wait} s`);
    t.clock.advance(wait * 1000);
    assert.equal((await viaForm(t, 'PRIV\\ann', 'ann', proxy)).statusCode, 200);
    assert.equal((await viaBasic(t, 'ann@PRIV', 'ann', proxy)).statusCode, 200);
  });

  test('one address guessing for an hour gets a bounded number of guesses; the victim signs in from elsewhere throughout', async () => {
    const t = app();
    let checked = 0;
    for (let minute = 0; minute < 60; minute += 10) {
      checked += await hammer(t, 'ann', '203.0.113.66', 10 * 60_000);
      // A new address each time: the victim is not helped by having signed in from it before.
      assert.equal((await viaForm(t, 'ann', 'ann', `198.51.100.${minute + 1}`)).statusCode, 200, `victim at minute ${minute + 10}`);
      assert.equal((await viaBasic(t, 'PRIV\\ann', 'ann', `198.51.100.${minute + 2}`)).statusCode, 200);
    }
    assert.ok(checked <= 80, `${checked} guesses checked in an hour from one address`);
    assert.ok(checked >= 20, `the throttle slows, it does not lock: ${checked}`);
  });

  test('many addresses guessing one account hit its ceiling; the victim still signs in from an address she used before', async () => {
    const t = app();
    assert.equal((await viaBasic(t, 'ann', 'ann', '192.0.2.7')).statusCode, 200, 'ann signs in from her usual address');
    let checked = 0;
    for (let a = 0; a < 150; a++) {
      for (let i = 0; i < 2; i++) if ((await viaBasic(t, 'ann', `guess-${a}-${i}`, `10.9.${a >> 8}.${a & 255}`)).statusCode === 401) checked++;
    }
    assert.ok(checked <= 110, `${checked} guesses checked for one account from 150 addresses`);
    assert.equal((await viaBasic(t, 'ann', 'ann', '192.0.2.7')).statusCode, 200, 'the usual address is not held back');
    assert.equal((await viaForm(t, 'ann', 'ann', '192.0.2.7')).statusCode, 200);
    // From a new address she waits a bounded time, not a lockout.
    const wait = retryAfter(await viaForm(t, 'ann', 'ann', '192.0.2.99'));
    assert.ok(wait <= 60, `wait from a new address: ${wait} s`);
    t.clock.advance(wait * 1000);
    assert.equal((await viaForm(t, 'ann', 'ann', '192.0.2.99')).statusCode, 200);
  });

  test('addresses in one IPv6 /64 count as one address', async () => {
    const t = app();
    const statuses: number[] = [];
    for (let i = 1; i <= 8; i++) statuses.push((await viaBasic(t, 'jen', `guess${i}`, `2001:db8:1:2::${i.toString(16)}`)).statusCode);
    assert.deepEqual(statuses.slice(5), [429, 429, 429], statuses.join(' '));
    assert.equal((await viaBasic(t, 'jen', 'jen', '2001:db8:1:3::1')).statusCode, 200, 'another /64 is another address');
  });
});
