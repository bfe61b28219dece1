/**
 * Kerberos on the API (HTTP Negotiate), as MIM's IIS accepted it, against a real MIT KDC: clients
 * get tickets with kinit and call Elevate with `curl --negotiate`, as a MIM-era script would with
 * `-UseDefaultCredentials`.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import kerberos from 'kerberos';
import { ConfigError } from '../../../src/config/load.js';
import { openSignIn } from '../../../src/composition/sign-in-wiring.js';
import { API, basic } from '../../support/harness.js';
import { type Kdc, startKdc } from '../../support/kdc.js';
import { startServerProcess } from '../../support/server-process.js';
import { type SsoApp, makeSsoApp } from '../../support/sso-app.js';

let kdc: Kdc;
const cc: Record<string, string> = {};
let t: SsoApp;
let base: string;

const settings = (realm = 'ELEVATE.TEST') => ({ kerberos: { keytab: kdc.keytab, service: 'HTTP@localhost', realm } });

/** Elevate listening on loopback; clients use `localhost`, the host of the service principal. */
async function listen(a: SsoApp): Promise<string> {
  await a.app.listen({ host: '127.0.0.1', port: 0 });
  return `http://localhost:${(a.app.server.address() as AddressInfo).port}`;
}

before(async () => {
  kdc = await startKdc();
  for (const u of ['jen', 'ann', 'alice']) cc[u] = await kdc.kinit(u);
  t = await makeSsoApp(settings());
  base = await listen(t);
});
after(async () => {
  await t?.destroy();
  await kdc?.stop();
});

interface CurlAnswer {
  status: number;
  body: string;
  headers: string;
}

// execFile, not execFileSync: the server answering curl runs in this process.
async function curl(ccache: string, url: string, extra: string[] = []): Promise<CurlAnswer> {
  const { stdout } = await promisify(execFile)('curl', ['-s', '-D', '-', '--negotiate', '-u', ':', ...extra, '-w', '\n%{http_code}', url], {
    env: { ...process.env, KRB5CCNAME: ccache },
    timeout: 20_000,
  });
  const lines = stdout.split('\n');
  const status = Number(lines.pop());
  const text = lines.join('\n');
  const split = text.lastIndexOf('\r\n\r\n');
  return { status, headers: text.slice(0, split), body: text.slice(split + 4) };
}

/** A SPNEGO token for HTTP@localhost from `user`'s ticket, made in this process. */
async function token(user: string): Promise<string> {
  process.env.KRB5CCNAME = cc[user];
  const client = await kerberos.initializeClient('HTTP@localhost', { mechOID: kerberos.GSS_MECH_OID_SPNEGO });
  return client.step('');
}

function assertODataError(status: number, body: string, expected: number): void {
  assert.equal(status, expected, body);
  const err = (JSON.parse(body) as { 'odata.error': { code: string; message: { value: string } } })['odata.error'];
  assert.equal(typeof err.code, 'string');
  assert.equal(typeof err.message.value, 'string');
}

const failures = (a: SsoApp) => a.core.store.read((tx) => tx.audit.list({ action: 'signin.failed', limit: 100 }));

describe('Kerberos (Negotiate) on the MIM API', () => {
  test('a 401 offers Negotiate beside Basic', async () => {
    const res = await fetch(`${base}${API}/pamroles`);
    assertODataError(res.status, await res.text(), 401);
    const offered = res.headers.get('www-authenticate') ?? '';
    assert.match(offered, /^Negotiate, Basic realm="Elevate"/);
  });

  test('curl --negotiate with jen\'s ticket: GET pamroles and sessioninfo as jen, with the mutual-auth reply', async () => {
    const roles = await curl(cc.jen!, `${base}${API}/pamroles`);
    assert.equal(roles.status, 200, roles.body);
    const names = (JSON.parse(roles.body) as { value: { DisplayName: string }[] }).value.map((r) => r.DisplayName);
    assert.ok(names.includes('Allow AD Access'), names.join());
    assert.match(roles.headers, /^www-authenticate: Negotiate [A-Za-z0-9+/=]+\r?$/im, 'the server proves itself back');
    const info = await curl(cc.jen!, `${base}${API}/sessioninfo`);
    assert.deepEqual((JSON.parse(info.body) as { value: unknown }).value, [{ Username: 'PRIV\\jen' }]);
  });

  test('curl --negotiate POSTs a request the way the sample portal does', async () => {
    const roles = await curl(cc.jen!, `${base}${API}/pamroles`);
    const role = (JSON.parse(roles.body) as { value: { RoleId: string; DisplayName: string }[] }).value.find((r) => r.DisplayName === 'Allow AD Access')!;
    const created = await curl(cc.jen!, `${base}${API}/pamrequests`, ['--data', `RoleId=${role.RoleId}&RequestedTTL=600&Justification=kerberos`]);
    assert.equal(created.status, 201, created.body);
    const jen = await t.core.store.read((tx) => tx.accounts.byLogin('jen'));
    const body = JSON.parse(created.body) as { CreatorID: string; Justification: string };
    assert.equal(body.Justification, 'kerberos');
    assert.ok(jen && body.CreatorID.includes(jen.id), `created by jen: ${created.body}`);
  });

  test('a bad token is 401 in the OData error shape, offering Negotiate again', async () => {
    const ntlm = Buffer.from('NTLMSSP\0\x01\0\0\0\x07\x82\x08\xa2', 'latin1').toString('base64');
    for (const authorization of [`Negotiate ${Buffer.from('garbage').toString('base64')}`, `Negotiate ${ntlm}`, 'Negotiate', 'Negotiate !!!']) {
      const res = await fetch(`${base}${API}/pamroles`, { headers: { authorization } });
      assertODataError(res.status, await res.text(), 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Negotiate/);
    }
  });

  test('a replayed token is refused', async () => {
    const tok = await token('ann');
    const first = await fetch(`${base}${API}/sessioninfo`, { headers: { authorization: `Negotiate ${tok}` } });
    assert.equal(first.status, 200, await first.text());
    const again = await fetch(`${base}${API}/sessioninfo`, { headers: { authorization: `Negotiate ${tok}` } });
    assertODataError(again.status, await again.text(), 401);
  });

  test('a principal with no account here is refused, and audited', async () => {
    const res = await curl(cc.alice!, `${base}${API}/pamroles`);
    assertODataError(res.status, res.body, 401);
    assert.ok((await failures(t)).some((e) => (e.after as { login: string; reason: string }).reason === 'no such account' && (e.after as { login: string }).login === 'alice'));
  });

  test('a disabled account is refused', async () => {
    const off = await t.app.inject({ method: 'PATCH', url: '/api/admin/users/ann', headers: basic('admin'), payload: { disabled: true } });
    assert.equal(off.statusCode, 200, off.body);
    try {
      const res = await curl(cc.ann!, `${base}${API}/pamroles`);
      assertODataError(res.status, res.body, 401);
    } finally {
      await t.app.inject({ method: 'PATCH', url: '/api/admin/users/ann', headers: basic('admin'), payload: { disabled: false } });
    }
  });

  test('a principal of another realm is refused', async () => {
    // Elevate trusts CORP.EXAMPLE only; the KDC's tickets name ELEVATE.TEST.
    const other = await makeSsoApp(settings('CORP.EXAMPLE'));
    try {
      const url = await listen(other);
      const res = await curl(cc.jen!, `${url}${API}/pamroles`);
      assertODataError(res.status, res.body, 401);
      const reasons = (await failures(other)).map((e) => e.after as { login: string; reason: string });
      assert.deepEqual(reasons.map((r) => [r.login, r.reason]), [['jen@ELEVATE.TEST', 'foreign realm']]);
    } finally {
      await other.destroy();
    }
  });

  test('with passwords off, Basic is refused and Negotiate is the only offer', async () => {
    const only = await makeSsoApp({ ...settings(), passwordSignIn: false });
    try {
      const url = await listen(only);
      const res = await fetch(`${url}${API}/pamroles`, { headers: basic('jen') });
      assertODataError(res.status, await res.text(), 401);
      assert.equal(res.headers.get('www-authenticate'), 'Negotiate');
      assert.equal((await curl(cc.jen!, `${url}${API}/pamroles`)).status, 200);
    } finally {
      await only.destroy();
    }
  });
});

describe('Kerberos configuration at start', () => {
  test('a keytab that is not there, or without the service\'s key, stops the server', async () => {
    const core = { deps: t.core.deps } as never;
    const { loadConfig } = await import('../../../src/config/load.js');
    const cfg = (k: Record<string, string>) => loadConfig({ env: {}, overrides: { dataDir: kdc.dir, kerberos: { ...settings().kerberos, ...k } } });
    await assert.rejects(openSignIn(cfg({ keytab: `${kdc.dir}/nope.keytab` }), core), (e: Error) => e instanceof ConfigError && /nope\.keytab/.test(e.message));
    await assert.rejects(openSignIn(cfg({ service: 'HTTP@elsewhere.example' }), core), (e: Error) => e instanceof ConfigError && /HTTP@elsewhere\.example/.test(e.message));
  });

  test('elevate serve with a keytab it cannot use stops at start, loudly, and says why', async () => {
    const config = join(kdc.dir, 'elevate-bad-keytab.json');
    writeFileSync(config, JSON.stringify({ kerberos: { ...settings().kerberos, keytab: join(kdc.dir, 'missing.keytab') } }));
    await assert.rejects(startServerProcess(['--data', join(kdc.dir, 'data'), '--config', config]), (e: Error) => /exited with [1-9]/.test(e.message) && /kerberos: cannot accept tickets for HTTP@localhost with the keytab .*missing\.keytab/.test(e.message));
  });
});
