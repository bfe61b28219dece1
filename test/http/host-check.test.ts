/**
 * DNS rebinding (issue 11, finding 7b): a page on evil.example whose name now points at Elevate
 * sends `Host: evil.example`; only the names Elevate is configured to answer to are served.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { API, basic, makeApp } from '../support/harness.js';
import { assertODataError } from './api/helpers.js';
import { allowedHostsFor } from '../../src/http/plugins/host-check.js';
import { testConfig } from '../support/harness.js';

const get = (t: Awaited<ReturnType<typeof makeApp>>, host: string, url = `${API}/pamroles`) =>
  t.app.inject({ method: 'GET', url, headers: { ...basic('jen'), host } });

test('bound to loopback: loopback names are served, a foreign Host gets 421 in the OData shape', async () => {
  const t = await makeApp();
  try {
    for (const host of ['localhost:80', 'localhost', '127.0.0.1:8086', '[::1]:8086', 'LOCALHOST:8086']) {
      assert.equal((await get(t, host)).statusCode, 200, host);
    }
    for (const host of ['evil.example', 'evil.example:8086', 'localhost.evil.example', '127.0.0.1.evil.example']) {
      const res = await get(t, host);
      assert.equal(assertODataError(res, 421, host).code, 'MisdirectedRequest');
      assert.match(res.body, /allowedHosts/);
    }
    // Before authentication, and for the sign-in form too: a rebinding page learns nothing.
    assertODataError(await t.app.inject({ method: 'POST', url: '/api/session/login', headers: { host: 'evil.example' }, payload: { login: 'jen', password: 'jen' } }), 421);
    assertODataError(await t.app.inject({ method: 'GET', url: '/', headers: { host: 'evil.example' } }), 421);
  } finally {
    await t.destroy();
  }
});

test('configured names, the passkey rpId and the hosts of configured origins are served', async () => {
  const t = await makeApp({
    config: { allowedHosts: ['elevate.corp.example'], webauthn: { rpId: 'pam.corp.example' }, corsOrigins: ['https://portal.corp.example'] },
  });
  try {
    for (const host of ['elevate.corp.example', 'Elevate.Corp.Example:443', 'pam.corp.example', 'portal.corp.example:8443', 'localhost']) {
      assert.equal((await get(t, host)).statusCode, 200, host);
    }
    assertODataError(await get(t, 'corp.example'), 421);
  } finally {
    await t.destroy();
  }
});

test('bound to every interface with no list: the machine’s addresses are served, names are not', () => {
  const hosts = allowedHostsFor(testConfig('/nonexistent', { host: '0.0.0.0' }));
  assert.ok(hosts !== '*');
  assert.ok(hosts.has('localhost') && hosts.has('127.0.0.1'));
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) assert.ok(hosts.has(a.family === 'IPv6' ? `[${a.address.split('%')[0]}]` : a.address), a.address);
  assert.ok(!hosts.has('evil.example'));
  assert.equal(allowedHostsFor(testConfig('/nonexistent', { host: '0.0.0.0', allowedHosts: ['*'] })), '*');
  const named = allowedHostsFor(testConfig('/nonexistent', { host: 'elevate.corp.example' }));
  assert.ok(named !== '*' && named.has('elevate.corp.example'));
});
