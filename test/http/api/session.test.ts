import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API, appPerTest, basic, roleId, type TestApp } from '../../support/harness.js';
import { MINUTE, assertCollection, assertElement, assertODataError, listRequests, snapshot, type Res, type WireRole } from './helpers.js';

interface Session {
  cookie: string;
  csrf: string;
  res: Res;
}

async function login(t: TestApp, user: string, password = user, form = false): Promise<Session> {
  const res = form
    ? await t.app.inject({
        method: 'POST',
        url: '/api/session/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
        payload: `login=${encodeURIComponent(user)}&password=${encodeURIComponent(password)}`,
      })
    : await t.app.inject({ method: 'POST', url: '/api/session/login', payload: { login: user, password } });
  assert.equal(res.statusCode, 200, res.body);
  const c = res.cookies.find((x) => x.name === 'elevate_session');
  assert.ok(c, `a session cookie is set: ${String(res.headers['set-cookie'])}`);
  const body = res.json() as { csrfToken: string };
  return { cookie: `elevate_session=${c.value}`, csrf: body.csrfToken, res };
}

describe('cookie sessions', () => {
  const app = appPerTest();

  test('JSON login sets an HttpOnly, SameSite=Strict cookie and returns a CSRF token', async () => {
    const s = await login(app(), 'jen');
    const c = s.res.cookies.find((x) => x.name === 'elevate_session')!;
    assert.equal(c.httpOnly, true);
    assert.equal(String(c.sameSite).toLowerCase(), 'strict');
    assert.equal(c.path, '/');
    assert.ok(c.value.length >= 32, 'an unguessable token');
    const setCookie = String(s.res.headers['set-cookie']);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    assert.doesNotMatch(setCookie, /Secure/, 'plain http in tests: no Secure flag');
    const body = s.res.json() as Record<string, unknown>;
    assert.equal(body.login, 'jen');
    assert.equal(body.isAdmin, false);
    assert.equal(typeof body.csrfToken, 'string');
    assert.ok((body.csrfToken as string).length >= 16);
    assert.notEqual(body.csrfToken, c.value, 'the CSRF token is not the cookie');
  });

  test('form-encoded login works the same', async () => {
    const s = await login(app(), 'jen', 'jen', true);
    assert.ok(s.csrf);
    const roles = await app().app.inject({ method: 'GET', url: `${API}/pamroles`, headers: { cookie: s.cookie } });
    assert.equal(assertCollection<WireRole>(roles, 'pamroles').length, 4);
  });

  test('login as PRIV\\jen', async () => {
    const s = await login(app(), 'PRIV\\jen', 'jen');
    const info = await app().app.inject({ method: 'GET', url: `${API}/sessioninfo`, headers: { cookie: s.cookie } });
    assert.deepEqual((info.json() as { value: unknown }).value, [{ Username: 'PRIV\\jen' }]);
  });

  test('two logins get different cookies and tokens', async () => {
    const a = await login(app(), 'jen');
    const b = await login(app(), 'jen');
    assert.notEqual(a.cookie, b.cookie);
    assert.notEqual(a.csrf, b.csrf);
  });

  test('GET with only the cookie works, and GET /api/session tells who', async () => {
    const s = await login(app(), 'ann');
    const roles = await app().app.inject({ method: 'GET', url: `${API}/pamroles`, headers: { cookie: s.cookie } });
    assert.deepEqual(assertCollection<WireRole>(roles, 'pamroles').map((r) => r.DisplayName), ['Allow AD Access']);
    const me = await app().app.inject({ method: 'GET', url: '/api/session', headers: { cookie: s.cookie } });
    assert.equal(me.statusCode, 200);
    assert.deepEqual(me.json(), { login: 'ann', isAdmin: false, csrfToken: s.csrf });
  });

  test('POST pamrequests with the cookie but without x-csrf-token → 403 and nothing created; with it → 201', async () => {
    const t = app();
    const s = await login(t, 'jen');
    const rid = await roleId(t.app, 'Allow AD Access');
    const before = await snapshot(t.app);
    for (const headers of [{ cookie: s.cookie }, { cookie: s.cookie, 'x-csrf-token': 'wrong' }, { cookie: s.cookie, 'x-csrf-token': '' }, { cookie: s.cookie, 'x-csrf-token': s.csrf.slice(1) }]) {
      const res = await t.app.inject({ method: 'POST', url: `${API}/pamrequests`, headers, payload: { RoleId: rid, RequestedTTL: '600' } });
      assertODataError(res, 403, JSON.stringify(headers));
    }
    assert.deepEqual(await snapshot(t.app), before);
    assert.deepEqual(await listRequests(t.app, 'jen'), []);
    const ok = await t.app.inject({ method: 'POST', url: `${API}/pamrequests`, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload: { RoleId: rid, RequestedTTL: '600' } });
    const r = assertElement(ok, 201);
    assert.equal(r.CreatorID, (await listRequests(t.app, 'jen'))[0]!.CreatorID);
    // Close needs the token too.
    const noToken = await t.app.inject({ method: 'POST', url: `${API}/pamrequests(guid'${r.RequestId}')/Close`, headers: { cookie: s.cookie } });
    assertODataError(noToken, 403);
    assert.equal((await listRequests(t.app, 'jen'))[0]!.RequestStatus, 'Active');
    const closed = await t.app.inject({ method: 'POST', url: `${API}/pamrequests(guid'${r.RequestId}')/Close`, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
    assert.equal(closed.statusCode, 200);
  });

  test('another session’s CSRF token does not fit', async () => {
    const t = app();
    const jen = await login(t, 'jen');
    const ann = await login(t, 'ann');
    const rid = await roleId(t.app, 'Allow AD Access');
    const res = await t.app.inject({ method: 'POST', url: `${API}/pamrequests`, headers: { cookie: jen.cookie, 'x-csrf-token': ann.csrf }, payload: { RoleId: rid, RequestedTTL: '600' } });
    assertODataError(res, 403);
    assert.deepEqual(await listRequests(t.app, 'jen'), []);
  });

  test('logout ends the session: the next call is 401', async () => {
    const t = app();
    const s = await login(t, 'jen');
    // Logout is a state change: it needs the token as well.
    assertODataError(await t.app.inject({ method: 'POST', url: '/api/session/logout', headers: { cookie: s.cookie } }), 403);
    assert.equal((await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: { cookie: s.cookie } })).statusCode, 200);
    const out = await t.app.inject({ method: 'POST', url: '/api/session/logout', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
    assert.ok(out.statusCode === 200 || out.statusCode === 204, `${out.statusCode}`);
    const cleared = out.cookies.find((c) => c.name === 'elevate_session');
    assert.ok(cleared, 'the cookie is cleared');
    assert.ok(cleared.value === '' || (cleared.expires !== undefined && cleared.expires.getTime() < Date.now()) || cleared.maxAge === 0);
    const after = await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: { cookie: s.cookie } });
    assertODataError(after, 401);
    assert.match(String(after.headers['www-authenticate']), /^Basic realm="Elevate"/);
  });

  test('a wrong password → 401 and no cookie', async () => {
    const res = await app().app.inject({ method: 'POST', url: '/api/session/login', payload: { login: 'jen', password: 'nope' } });
    assertODataError(res, 401);
    assert.equal(res.cookies.length, 0);
    const unknown = await app().app.inject({ method: 'POST', url: '/api/session/login', payload: { login: 'ghost', password: 'ghost' } });
    assertODataError(unknown, 401);
  });

  test('missing login or password → 400', async () => {
    for (const payload of [{}, { login: 'jen' }, { password: 'jen' }, { login: '', password: 'jen' }]) {
      assertODataError(await app().app.inject({ method: 'POST', url: '/api/session/login', payload }), 400, JSON.stringify(payload));
    }
  });

  test('a forged or unknown cookie → 401', async () => {
    for (const cookie of ['elevate_session=forged', 'elevate_session=', `elevate_session=${'A'.repeat(43)}`]) {
      const res = await app().app.inject({ method: 'GET', url: `${API}/pamroles`, headers: { cookie } });
      assertODataError(res, 401, cookie);
    }
  });

  test('6 wrong passwords → 429 with retry-after; later the right one works again', async () => {
    const t = app();
    for (let i = 1; i <= 5; i++) {
      assertODataError(await t.app.inject({ method: 'POST', url: '/api/session/login', payload: { login: 'jen', password: `wrong${i}` } }), 401, `attempt ${i}`);
    }
    const sixth = await t.app.inject({ method: 'POST', url: '/api/session/login', payload: { login: 'jen', password: 'wrong6' } });
    assertODataError(sixth, 429);
    const retry = Number(sixth.headers['retry-after']);
    assert.ok(Number.isInteger(retry) && retry > 0 && retry <= 300, `retry-after ${String(sixth.headers['retry-after'])}`);
    // While throttled even the right password waits, and the spelling of the login does not matter.
    assertODataError(await t.app.inject({ method: 'POST', url: '/api/session/login', payload: { login: 'jen', password: 'jen' } }), 429);
    assertODataError(await t.app.inject({ method: 'POST', url: '/api/session/login', payload: { login: 'PRIV\\JEN', password: 'jen' } }), 429);
    // Another account is not affected.
    await login(t, 'ann');
    t.clock.advance(retry * 1000 + 1000);
    await login(t, 'jen');
  });

  test('idle timeout: 31 minutes without a call → 401; activity keeps it alive', async () => {
    const t = app();
    const active = await login(t, 'jen');
    const idle = await login(t, 'ann');
    for (let i = 0; i < 3; i++) {
      t.clock.advance(20 * MINUTE);
      const res = await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: { cookie: active.cookie } });
      assert.equal(res.statusCode, 200, `after ${(i + 1) * 20} minutes of activity`);
    }
    assertODataError(await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: { cookie: idle.cookie } }), 401);
    t.clock.advance(31 * MINUTE);
    assertODataError(await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: { cookie: active.cookie } }), 401);
  });

  test('exactly 31 minutes idle after login → 401', async () => {
    const t = app();
    const s = await login(t, 'jen');
    t.clock.advance(29 * MINUTE);
    assert.equal((await t.app.inject({ method: 'GET', url: `${API}/sessioninfo`, headers: { cookie: s.cookie } })).statusCode, 200);
    t.clock.advance(31 * MINUTE);
    assertODataError(await t.app.inject({ method: 'GET', url: `${API}/sessioninfo`, headers: { cookie: s.cookie } }), 401);
  });

  test('a session of a user disabled since sign-in ends at once', async () => {
    const t = app();
    const s = await login(t, 'jen');
    const res = await t.app.inject({ method: 'PATCH', url: '/api/admin/users/jen', headers: basic('admin'), payload: { disabled: true } });
    assert.equal(res.statusCode, 200, res.body);
    assertODataError(await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: { cookie: s.cookie } }), 401);
  });

  test('a login post from a foreign origin is refused', async () => {
    const res = await app().app.inject({ method: 'POST', url: '/api/session/login', headers: { origin: 'http://evil.test' }, payload: { login: 'jen', password: 'jen' } });
    assertODataError(res, 403);
    assert.equal(res.cookies.length, 0);
  });
});

describe('password guessing over HTTP Basic', () => {
  const app = appPerTest();

  // Every API call takes Basic credentials, so guessing through any endpoint counts like the form.
  test('wrong Basic passwords are throttled like the sign-in form', async () => {
    const t = app();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await t.app.inject({ method: 'GET', url: `${API}/sessioninfo`, headers: basic('jen', `guess${i}`) });
      statuses.push(res.statusCode);
    }
    assert.ok(statuses.slice(5).every((s) => s === 429), `statuses after 5 failures: ${statuses.join(' ')}`);
  });
});
