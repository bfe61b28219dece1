/**
 * Behind a reverse proxy (issue 16, part 4): the client's address and scheme come from
 * X-Forwarded-For and X-Forwarded-Proto only when the peer is a proxy listed in `trustProxy`.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API, basic, makeApp, type TestApp } from '../../support/harness.js';

const PROXY = '10.0.0.5';

async function withApp(trustProxy: string[] | undefined, fn: (t: TestApp) => Promise<void>): Promise<void> {
  const t = await makeApp({ config: trustProxy === undefined ? {} : { trustProxy } });
  try {
    await fn(t);
  } finally {
    await t.destroy();
  }
}

const signIn = (t: TestApp, password: string, from: { peer: string; forwardedFor?: string; proto?: string }) =>
  t.app.inject({
    method: 'POST',
    url: '/api/session/login',
    payload: { login: 'ann', password },
    remoteAddress: from.peer,
    headers: { ...(from.forwardedFor && { 'x-forwarded-for': from.forwardedFor }), ...(from.proto && { 'x-forwarded-proto': from.proto }) },
  });

/** The address the last failed sign-in was recorded under. */
async function lastFailureAddress(t: TestApp): Promise<string> {
  const res = await t.app.inject({ method: 'GET', url: '/api/admin/audit?limit=1000', headers: basic('admin') });
  const failures = (res.json() as { value: { action: string; after: { address: string } }[] }).value.filter((e) => e.action === 'signin.failed');
  return failures.at(-1)!.after.address;
}

describe('trustProxy', () => {
  test('a forged X-Forwarded-For or -Proto from a peer that is not a trusted proxy is ignored', async () => {
    await withApp([PROXY], async (t) => {
      assert.equal((await signIn(t, 'wrong', { peer: '192.0.2.50', forwardedFor: '203.0.113.9' })).statusCode, 401);
      assert.equal(await lastFailureAddress(t), '192.0.2.50');
      const ok = await signIn(t, 'ann', { peer: '192.0.2.50', proto: 'https' });
      assert.equal(ok.statusCode, 200);
      assert.doesNotMatch(String(ok.headers['set-cookie']), /Secure/, 'the scheme a client claims for itself does not count');
    });
  });

  test('from a trusted proxy, the forwarded client address and scheme are used: the cookie is Secure behind TLS', async () => {
    await withApp([PROXY], async (t) => {
      assert.equal((await signIn(t, 'wrong', { peer: PROXY, forwardedFor: '203.0.113.9' })).statusCode, 401);
      assert.equal(await lastFailureAddress(t), '203.0.113.9');
      // A client that prepends its own X-Forwarded-For gets the proxy's view of it, not its claim.
      assert.equal((await signIn(t, 'wrong', { peer: PROXY, forwardedFor: '198.51.100.1, 203.0.113.10' })).statusCode, 401);
      assert.equal(await lastFailureAddress(t), '203.0.113.10');
      const ok = await signIn(t, 'ann', { peer: PROXY, forwardedFor: '203.0.113.9', proto: 'https' });
      assert.equal(ok.statusCode, 200);
      assert.match(String(ok.headers['set-cookie']), /; Secure/);
    });
  });

  test('CIDRs are accepted', async () => {
    await withApp(['10.0.0.0/8'], async (t) => {
      assert.equal((await signIn(t, 'wrong', { peer: PROXY, forwardedFor: '203.0.113.9' })).statusCode, 401);
      assert.equal(await lastFailureAddress(t), '203.0.113.9');
    });
  });

  test('bad passwords from one client behind the proxy do not lock out another client behind the same proxy', async () => {
    await withApp([PROXY], async (t) => {
      let refused = false;
      for (let i = 0; i < 8; i++) refused ||= (await signIn(t, `guess-${i}`, { peer: PROXY, forwardedFor: '198.51.100.66' })).statusCode === 429;
      assert.ok(refused, 'the guessing client is slowed down');
      const victim = await signIn(t, 'ann', { peer: PROXY, forwardedFor: '203.0.113.9' });
      assert.equal(victim.statusCode, 200, victim.body);
    });
  });

  test('without trustProxy, forwarded headers are never read', async () => {
    await withApp(undefined, async (t) => {
      assert.equal((await signIn(t, 'wrong', { peer: PROXY, forwardedFor: '203.0.113.9' })).statusCode, 401);
      assert.equal(await lastFailureAddress(t), PROXY);
    });
  });
});
