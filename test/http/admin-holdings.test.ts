import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { API, basic, makeApp, roleId, type TestApp } from '../support/harness.js';

let t: TestApp;
before(async () => {
  t = await makeApp();
});
after(() => t.destroy());

interface Holding { roleName: string; login: string; displayName: string; requestId: string; status: string; startedAt: number | null; expiresAt: number | null }

async function holdings(login = 'admin'): Promise<{ status: number; body: { value: Holding[] } }> {
  const res = await t.app.inject({ method: 'GET', url: '/api/admin/holdings', headers: basic(login) });
  return { status: res.statusCode, body: res.json() };
}

async function activate(login: string, role: string, ttl: number): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: `${API}/pamrequests`,
    headers: basic(login),
    payload: { RoleId: await roleId(t.app, role, login), RequestedTTL: String(ttl) },
  });
  assert.equal(res.statusCode, 201, res.body);
  return (res.json() as { RequestId: string }).RequestId;
}

test('nobody holds anything before the first activation', async () => {
  const r = await holdings();
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.value, []);
});

test('active elevations are listed by role then login, with their expiry; pending ones are not', async () => {
  const jenAd = await activate('jen', 'Allow AD Access', 3600);
  const annAd = await activate('ann', 'Allow AD Access', 600);
  await activate('jen', 'ApprovalRole', 600); // PendingApproval: holds nothing yet
  const r = await holdings();
  assert.equal(r.status, 200);
  assert.deepEqual(
    r.body.value.map((h) => [h.roleName, h.login, h.requestId, h.status, h.expiresAt! - h.startedAt!]),
    [
      ['Allow AD Access', 'ann', annAd, 'Active', 600_000],
      ['Allow AD Access', 'jen', jenAd, 'Active', 3_600_000],
    ],
  );
  assert.equal(r.body.value[0]!.displayName, 'Ann');
});

test('an elevation that ended is no longer held', async () => {
  t.clock.advance(601_000);
  await t.tick();
  assert.deepEqual((await holdings()).body.value.map((h) => h.login), ['jen']);
});

test('non-administrators are refused in the error shape', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/admin/holdings', headers: basic('jen') });
  assert.equal(res.statusCode, 403);
  assert.equal(typeof (res.json() as { 'odata.error': { code: string } })['odata.error'].code, 'string');
  const post = await t.app.inject({ method: 'POST', url: '/api/admin/holdings', headers: basic('admin') });
  assert.equal(post.statusCode, 405);
});
