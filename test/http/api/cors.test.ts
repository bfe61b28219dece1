import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { API, basic, makeApp, roleId, type TestApp } from '../../support/harness.js';
import { assertElement, assertODataError, assertEmptyOk, listRequests, snapshot, type Res } from './helpers.js';

const PORTAL = 'http://portal.test:8090';
const EVIL = 'http://evil.test';

function assertCors(res: Res, label: string): void {
  assert.equal(res.headers['access-control-allow-origin'], PORTAL, `${label}: allow-origin echoes the portal`);
  assert.equal(res.headers['access-control-allow-credentials'], 'true', `${label}: credentials allowed`);
  assert.match(String(res.headers.vary), /Origin/i, `${label}: Vary: Origin`);
}

function assertNoCors(res: Res, label: string): void {
  const cors = Object.keys(res.headers).filter((h) => h.toLowerCase().startsWith('access-control-'));
  assert.deepEqual(cors, [], `${label}: no CORS headers at all`);
}

describe('CORS for the sample portal', () => {
  let t: TestApp;
  let rid: string;
  before(async () => {
    t = await makeApp({ config: { corsOrigins: [PORTAL] } });
    rid = await roleId(t.app, 'Allow AD Access');
  });
  after(async () => {
    await t.destroy();
  });

  test('the allowed origin gets its origin echoed with credentials on 200', async () => {
    for (const path of ['pamroles', 'pamrequests', 'pamrequeststoapprove', 'sessioninfo', 'sessioninfo/']) {
      const res = await t.app.inject({ method: 'GET', url: `${API}/${path}`, headers: { origin: PORTAL, ...basic('jen') } });
      assert.equal(res.statusCode, 200, res.body);
      assertCors(res, path);
      assert.notEqual(res.headers['access-control-allow-origin'], '*', 'never a wildcard with credentials');
    }
  });

  test('… and on 401, together with the Basic challenge', async () => {
    const res = await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: { origin: PORTAL } });
    assertODataError(res, 401);
    assertCors(res, '401');
    assert.match(String(res.headers['www-authenticate']), /^Basic realm="Elevate"/);
    const wrong = await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: { origin: PORTAL, ...basic('jen', 'nope') } });
    assertODataError(wrong, 401);
    assertCors(wrong, '401 wrong password');
  });

  test('… and on 404 and other error responses', async () => {
    const res404 = await t.app.inject({ method: 'GET', url: `${API}/nope`, headers: { origin: PORTAL, ...basic('jen') } });
    assertODataError(res404, 404);
    assertCors(res404, '404');
    const close404 = await t.app.inject({
      method: 'POST',
      url: `${API}/pamrequests(guid'c0112f13-b16b-40ad-b547-07f23a7fba52')/Close`,
      headers: { origin: PORTAL, ...basic('jen') },
    });
    assertODataError(close404, 404);
    assertCors(close404, 'Close 404');
    const bad = await t.app.inject({ method: 'GET', url: `${API}/pamroles?v=9`, headers: { origin: PORTAL, ...basic('jen') } });
    assertODataError(bad, 400);
    assertCors(bad, '400');
    const conflict = await t.app.inject({
      method: 'POST',
      url: `${API}/pamrequests`,
      headers: { origin: PORTAL, ...basic('ann'), 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      payload: `Justification=&RoleId=${rid}&RequestedTTL=0&RequestedTime=`,
    });
    assertODataError(conflict, 409);
    assertCors(conflict, '409');
  });

  test('a preflight OPTIONS without credentials succeeds with the allowed methods', async () => {
    for (const [path, method] of [
      ['pamrequests', 'POST'],
      ['pamroles', 'GET'],
      [`pamrequests(guid'c0112f13-b16b-40ad-b547-07f23a7fba52')/Close`, 'POST'],
      [`pamrequeststoapprove(guid'c0112f13-b16b-40ad-b547-07f23a7fba52')/Approve`, 'POST'],
    ] as const) {
      const res = await t.app.inject({
        method: 'OPTIONS',
        url: `${API}/${path}`,
        headers: { origin: PORTAL, 'access-control-request-method': method, 'access-control-request-headers': 'content-type' },
      });
      assert.ok(res.statusCode >= 200 && res.statusCode < 300, `preflight ${path}: ${res.statusCode} ${res.body}`);
      assertCors(res, `preflight ${path}`);
      const methods = String(res.headers['access-control-allow-methods']);
      assert.match(methods, new RegExp(`\\b${method}\\b`), methods);
      assert.match(String(res.headers['access-control-allow-headers']), /content-type/i);
      assert.equal(res.headers['www-authenticate'], undefined, 'a preflight is never challenged');
    }
  });

  test('the portal’s whole flow with Origin: create (form), list, close', async () => {
    const create = await t.app.inject({
      method: 'POST',
      url: `${API}/pamrequests`,
      headers: { origin: PORTAL, ...basic('jen'), 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      payload: `Justification=cors&RoleId=${rid}&RequestedTTL=3600&RequestedTime=`,
    });
    const r = assertElement(create, 201);
    assertCors(create, 'create');
    const closeRes = await t.app.inject({ method: 'POST', url: `${API}/pamrequests(guid'${r.RequestId}')/Close`, headers: { origin: PORTAL, ...basic('jen') } });
    assertEmptyOk(closeRes);
    assertCors(closeRes, 'close');
  });

  test('another origin gets no CORS headers at all', async () => {
    const ok = await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: { origin: EVIL, ...basic('jen') } });
    assertNoCors(ok, 'GET 200');
    const unauth = await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: { origin: EVIL } });
    assert.equal(unauth.statusCode, 401);
    assertNoCors(unauth, 'GET 401');
    const pre = await t.app.inject({
      method: 'OPTIONS',
      url: `${API}/pamrequests`,
      headers: { origin: EVIL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assertNoCors(pre, 'preflight');
    assert.ok(pre.statusCode < 500);
    // A near miss of the allowed origin is another origin.
    for (const origin of ['http://portal.test:8091', 'https://portal.test:8090', 'http://portal.test', 'http://portal.test:8090.evil.test', 'null']) {
      const res = await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: { origin, ...basic('jen') } });
      assertNoCors(res, origin);
    }
    // No Origin at all (curl, scripts): no CORS headers either.
    assertNoCors(await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic('jen') }), 'no origin');
  });

  test('a POST from a disallowed Origin is refused 403 and creates nothing', async () => {
    const before = await snapshot(t.app);
    const jenBefore = await listRequests(t.app, 'jen');
    for (const origin of [EVIL, 'null', 'http://portal.test:8091']) {
      const res = await t.app.inject({
        method: 'POST',
        url: `${API}/pamrequests`,
        headers: { origin, ...basic('jen'), 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
        payload: `Justification=csrf&RoleId=${rid}&RequestedTTL=3600&RequestedTime=`,
      });
      assertODataError(res, 403, origin);
      assertNoCors(res, `POST from ${origin}`);
    }
    // Close and admin changes from a foreign origin are refused too.
    const created = assertElement(
      await t.app.inject({ method: 'POST', url: `${API}/pamrequests`, headers: basic('ann'), payload: { RoleId: rid, RequestedTTL: '600' } }),
    );
    const mid = await snapshot(t.app);
    assertODataError(await t.app.inject({ method: 'POST', url: `${API}/pamrequests(guid'${created.RequestId}')/Close`, headers: { origin: EVIL, ...basic('ann') } }), 403);
    assertODataError(await t.app.inject({ method: 'POST', url: '/api/admin/users', headers: { origin: EVIL, ...basic('admin') }, payload: { login: 'mallory', password: 'x' } }), 403);
    assertODataError(await t.app.inject({ method: 'DELETE', url: '/api/admin/roles/ApprovalRole', headers: { origin: EVIL, ...basic('admin') } }), 403);
    assert.deepEqual(await snapshot(t.app), mid);
    assert.deepEqual(await listRequests(t.app, 'jen'), jenBefore);
    assert.notDeepEqual(mid, before); // ann's own request is the only change
    // Clean up ann's elevation so other tests see a quiet store.
    assertEmptyOk(await t.app.inject({ method: 'POST', url: `${API}/pamrequests(guid'${created.RequestId}')/Close`, headers: basic('ann') }));
  });

  test('a POST from the server’s own origin is allowed', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `${API}/pamrequests`,
      headers: { origin: 'http://localhost:80', host: 'localhost:80', ...basic('jen') },
      payload: { RoleId: rid, RequestedTTL: '60' },
    });
    assertElement(res, 201);
  });
});

describe('CORS with no origins configured', () => {
  let t: TestApp;
  before(async () => {
    t = await makeApp();
  });
  after(async () => {
    await t.destroy();
  });

  test('no origin gets CORS headers and cross-origin posts are refused', async () => {
    const res = await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: { origin: PORTAL, ...basic('jen') } });
    assert.equal(res.statusCode, 200);
    assertNoCors(res, 'unconfigured');
    const rid = await roleId(t.app, 'Allow AD Access');
    const before = await snapshot(t.app);
    assertODataError(await t.app.inject({ method: 'POST', url: `${API}/pamrequests`, headers: { origin: PORTAL, ...basic('jen') }, payload: { RoleId: rid, RequestedTTL: '60' } }), 403);
    assert.deepEqual(await snapshot(t.app), before);
  });
});
