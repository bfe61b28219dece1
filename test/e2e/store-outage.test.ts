import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { type RunningServer, startServer } from '../../src/main.js';
import { API, TEST_MFA_KEY, basic, tempDir } from '../support/harness.js';
import { type OwnPostgres, startOwnPostgres } from '../support/pg.js';

/**
 * A database outage under a running server: 503 in the OData error shape while PostgreSQL is
 * down, nothing half-written, and the same process serves again once it is back.
 */
let pg: OwnPostgres;
let server: RunningServer;
let dataDir: string | undefined;

before(async () => {
  pg = startOwnPostgres();
  server = await startServer(
    loadConfig({
      env: {},
      overrides: { database: pg.url, dataDir: (dataDir = tempDir()), mfaKey: TEST_MFA_KEY, port: 0, demo: true, logLevel: 'silent', statementTimeoutMs: 2000, tickMs: 200 },
    }),
  );
});

after(async () => {
  await server?.close();
  pg?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const call = (method: string, path: string, login = 'jen', body?: Record<string, string>) =>
  fetch(`${server.url}${path}`, {
    method,
    headers: { ...basic(login), ...(body && { 'content-type': 'application/x-www-form-urlencoded' }) },
    ...(body && { body: new URLSearchParams(body).toString() }),
  });

async function roleIdOf(name: string): Promise<string> {
  const roles = (await (await call('GET', `${API}/pamroles`)).json()) as { value: { RoleId: string; DisplayName: string }[] };
  return roles.value.find((r) => r.DisplayName === name)!.RoleId;
}

async function myRequests(): Promise<{ RequestId: string; RequestStatus: string }[]> {
  const res = await call('GET', `${API}/pamrequests`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { value: { RequestId: string; RequestStatus: string }[] }).value;
}

test('while PostgreSQL is down: /readyz and every API call answer 503 in the error shape; after it returns, the same process serves', async () => {
  const ad = await roleIdOf('Allow AD Access');
  const appr = await roleIdOf('ApprovalRole');
  assert.equal((await call('GET', '/readyz')).status, 200);
  const first = await call('POST', `${API}/pamrequests`, 'jen', { RoleId: appr, RequestedTTL: '600', Justification: 'before' });
  assert.equal(first.status, 201);
  const pending = (await first.json()) as { RequestId: string };
  const before = await myRequests();

  pg.down();
  try {
    const ready = await call('GET', '/readyz');
    assert.equal(ready.status, 503);
    for (const [method, path, body] of [
      ['POST', `${API}/pamrequests`, { RoleId: ad, RequestedTTL: '600', Justification: 'during' }],
      ['POST', `${API}/pamrequests(guid'${pending.RequestId}')/Close`, undefined],
      ['GET', `${API}/pamrequests`, undefined],
      ['GET', `${API}/pamroles`, undefined],
    ] as const) {
      const res = await call(method, path, 'jen', body);
      assert.equal(res.status, 503, `${method} ${path}`);
      assert.equal(res.headers.get('retry-after'), '5');
      const err = (await res.json()) as { 'odata.error': { code: string; message: { lang: string; value: string } } };
      assert.equal(err['odata.error'].code, 'StoreUnavailable');
      assert.equal(err['odata.error'].message.lang, 'en-US');
    }
  } finally {
    pg.up();
  }

  // The pool reconnects by itself: no restart, bounded wait.
  const deadline = Date.now() + 20_000;
  while ((await call('GET', '/readyz')).status !== 200) {
    assert.ok(Date.now() < deadline, 'not ready again within 20 s of the database returning');
    await new Promise((r) => setTimeout(r, 200));
  }
  // Nothing the failed calls attempted was written: same requests, same states, chain intact.
  assert.deepEqual(await myRequests(), before);
  assert.deepEqual(await server.core.store.read((tx) => tx.audit.verifyChain()).then((c) => c.brokenAtSeq), null);
  const again = await call('POST', `${API}/pamrequests`, 'jen', { RoleId: ad, RequestedTTL: '600', Justification: 'after' });
  assert.equal(again.status, 201);
  assert.equal((await call('POST', `${API}/pamrequests(guid'${pending.RequestId}')/Close`)).status, 200);
  assert.equal((await myRequests()).length, before.length + 1);
});
