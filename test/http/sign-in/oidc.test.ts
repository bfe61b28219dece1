/**
 * Single sign-on against a real OpenID provider (oidc-provider on loopback), at the HTTP level:
 * the provider's side is followed with plain requests, Elevate's callback is driven with inject()
 * so each test can hand it exactly the URL and cookie an attacker could.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API, FakeClock, basic } from '../../support/harness.js';
import { ID_TOKEN_TTL_SECONDS, TestIdp } from '../../support/oidc-provider.js';
import { type SsoApp, makeSsoApp, oidcSettings } from '../../support/sso-app.js';
import { assertODataError, type Res } from '../api/helpers.js';

const PEOPLE = {
  jen: { name: 'Jen', email: 'jen@corp.example', groups: ['staff'] },
  ann: { name: 'Ann', groups: ['staff'] },
  admin: { name: 'Admin', groups: ['staff'] },
  boss: { name: 'Boss Person', email: 'boss@corp.example', groups: ['staff', 'elevate-admins'] },
  newbie: { name: 'New Person', email: 'newbie@corp.example', groups: ['staff'] },
  weird: { name: 'Weird', preferred_username: 'not a login!' },
};

let idp: TestIdp;
before(async () => {
  idp = await TestIdp.start(PEOPLE);
  idp.register(['http://localhost/api/session/oidc/callback']);
});
after(() => idp.close());

let t: SsoApp | undefined;
afterEach(async () => {
  idp.tamper = null;
  await t?.destroy();
  t = undefined;
});
async function app(oidc: Record<string, unknown> = {}, more: Record<string, unknown> = {}): Promise<SsoApp> {
  // The provider stamps its tokens with the real time; Elevate's clock starts there too.
  t = await makeSsoApp({ oidc: oidcSettings(idp, oidc), ...more }, { clock: new FakeClock(Date.now()) });
  return t;
}

const cookieOf = (res: Res, name: string) => res.cookies.find((c) => c.name === name && c.value !== '');

/** Elevate's /start: the provider URL the browser is sent to and the flow cookie it gets. */
async function start(a: SsoApp): Promise<{ authUrl: string; flowCookie: string }> {
  const res = await a.app.inject({ method: 'GET', url: '/api/session/oidc/start' });
  assert.equal(res.statusCode, 303, res.body);
  const c = cookieOf(res, 'elevate_oidc_flow');
  assert.ok(c, 'a flow cookie');
  assert.equal(c.httpOnly, true);
  assert.equal(String(c.sameSite).toLowerCase(), 'lax', 'it must come back on the provider\'s top-level redirect');
  return { authUrl: String(res.headers.location), flowCookie: `elevate_oidc_flow=${c.value}` };
}

/** The provider's redirect back, as Elevate receives it. */
async function callback(a: SsoApp, callbackUrl: string, flowCookie: string | null): Promise<Res> {
  const u = new URL(callbackUrl);
  return a.app.inject({ method: 'GET', url: `${u.pathname}${u.search}`, headers: flowCookie ? { cookie: flowCookie } : {} });
}

async function signIn(a: SsoApp, login: string): Promise<Res> {
  const { authUrl, flowCookie } = await start(a);
  return callback(a, await idp.signIn(authUrl, login), flowCookie);
}

/** A refused callback: back to the sign-in page with `code`, and no session. */
function assertRefused(res: Res, code: string): void {
  assert.equal(res.statusCode, 303, res.body);
  assert.equal(res.headers.location, `/?sso_error=${code}`);
  assert.equal(cookieOf(res, 'elevate_session'), undefined, 'no session');
}

async function session(a: SsoApp, res: Res): Promise<{ login: string; isAdmin: boolean; csrfToken: string; cookie: string }> {
  assert.equal(res.statusCode, 303, res.body);
  assert.equal(res.headers.location, '/');
  const c = cookieOf(res, 'elevate_session');
  assert.ok(c, 'a session cookie');
  assert.equal(String(c.sameSite).toLowerCase(), 'strict');
  const cookie = `elevate_session=${c.value}`;
  const me = await a.app.inject({ method: 'GET', url: '/api/session', headers: { cookie } });
  assert.equal(me.statusCode, 200, me.body);
  return { ...(me.json() as { login: string; isAdmin: boolean; csrfToken: string }), cookie };
}

const accountsCount = async (a: SsoApp) => (await a.core.store.read((tx) => tx.accounts.list())).length;

describe('OIDC single sign-on', () => {
  test('the sign-in methods say what the page offers', async () => {
    const a = await app();
    const res = await a.app.inject({ method: 'GET', url: '/api/session/methods' });
    assert.deepEqual(res.json(), { passwordSignIn: true, oidc: { displayName: 'Corp ID', start: '/api/session/oidc/start' } });
  });

  test('/start sends the browser to the provider with state, nonce and a PKCE S256 challenge', async () => {
    const a = await app();
    const { authUrl } = await start(a);
    const u = new URL(authUrl);
    assert.equal(u.origin, idp.issuer);
    for (const p of ['state', 'nonce', 'code_challenge']) assert.ok((u.searchParams.get(p) ?? '').length >= 32, p);
    assert.equal(u.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(u.searchParams.get('redirect_uri'), 'http://localhost/api/session/oidc/callback');
    assert.equal(u.searchParams.get('client_id'), 'elevate');
    // The verifier stays with Elevate (sealed in the cookie), never in the URL.
    assert.equal(u.searchParams.get('code_verifier'), null);
  });

  test('a person signs in: session opened, the API answers them, and the audit trail says how', async () => {
    const a = await app();
    const s = await session(a, await signIn(a, 'jen'));
    assert.equal(s.login, 'jen');
    assert.equal(s.isAdmin, false);
    const roles = await a.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: { cookie: s.cookie } });
    assert.equal(roles.statusCode, 200);
    const logins = await a.core.store.read((tx) => tx.audit.list({ action: 'session.login', limit: 10 }));
    assert.deepEqual(logins.map((e) => e.after), [{ via: 'oidc' }]);
  });

  test('logout ends Elevate\'s session', async () => {
    const a = await app();
    const s = await session(a, await signIn(a, 'jen'));
    const out = await a.app.inject({ method: 'POST', url: '/api/session/logout', headers: { cookie: s.cookie, 'x-csrf-token': s.csrfToken } });
    assert.equal(out.statusCode, 204);
    const me = await a.app.inject({ method: 'GET', url: '/api/session', headers: { cookie: s.cookie } });
    assertODataError(me, 401);
  });

  test('a wrong state is refused', async () => {
    const a = await app();
    const { authUrl, flowCookie } = await start(a);
    const back = new URL(await idp.signIn(authUrl, 'jen'));
    back.searchParams.set('state', 'x'.repeat(43));
    assertRefused(await callback(a, back.href, flowCookie), 'state');
  });

  test('a callback without this browser\'s flow cookie is refused (login CSRF: someone else\'s code)', async () => {
    const a = await app();
    const { authUrl } = await start(a);
    const back = await idp.signIn(authUrl, 'jen');
    assertRefused(await callback(a, back, null), 'state');
    // Another sign-in's cookie does not fit either.
    const other = await start(a);
    assertRefused(await callback(a, back, other.flowCookie), 'state');
  });

  test('an altered flow cookie is refused', async () => {
    const a = await app();
    const { authUrl, flowCookie } = await start(a);
    const back = await idp.signIn(authUrl, 'jen');
    const [name, value] = flowCookie.split('=') as [string, string];
    const flipped = `${name}=${value.slice(0, -2)}${value.endsWith('A') ? 'B' : 'A'}${value.slice(-1)}`;
    assertRefused(await callback(a, back, flipped), 'state');
  });

  test('a replayed callback is refused, on this node and on another one (the provider spends the code)', async () => {
    const a = await app();
    const { authUrl, flowCookie } = await start(a);
    const back = await idp.signIn(authUrl, 'jen');
    await session(a, await callback(a, back, flowCookie));
    // The same URL and cookie again (a copied request): the state is spent here.
    assertRefused(await callback(a, back, flowCookie), 'state');
    // Another node over the same store has not seen the state, but the provider refuses the code.
    const { buildApp } = await import('../../../src/http/app.js');
    const { openSignIn } = await import('../../../src/composition/sign-in-wiring.js');
    const { pino } = await import('pino');
    const node2 = await buildApp({ core: a.core, config: a.config, logger: pino({ level: 'silent' }), signIn: await openSignIn(a.config, a.core) });
    try {
      assertRefused(await callback({ ...a, app: node2 }, back, flowCookie), 'provider-error');
    } finally {
      await node2.close();
    }
  });

  test('an ID token for another audience is refused', async () => {
    const a = await app();
    idp.tamper = { claims: (c) => ({ ...c, aud: 'some-other-app' }), resign: true };
    assertRefused(await signIn(a, 'jen'), 'token');
  });

  test('an ID token from another issuer, with another nonce, or with a broken signature is refused', async () => {
    const a = await app();
    for (const tamper of [
      { claims: (c: Record<string, unknown>) => ({ ...c, iss: 'https://evil.example' }), resign: true },
      { claims: (c: Record<string, unknown>) => ({ ...c, nonce: 'n'.repeat(43) }), resign: true },
      { claims: (c: Record<string, unknown>) => ({ ...c, preferred_username: 'admin' }), resign: false },
    ]) {
      idp.tamper = tamper;
      assertRefused(await signIn(a, 'jen'), 'token');
    }
    assert.equal((await a.core.store.read((tx) => tx.audit.list({ action: 'session.login', limit: 10 }))).length, 0);
  });

  test('an expired ID token is refused', async () => {
    const a = await app();
    const { authUrl, flowCookie } = await start(a);
    const back = await idp.signIn(authUrl, 'jen');
    // The provider's token lives ID_TOKEN_TTL_SECONDS; Elevate's clock is past that and the tolerance.
    a.clock.advance((ID_TOKEN_TTL_SECONDS + 120) * 1000);
    assertRefused(await callback(a, back, flowCookie), 'token');
  });

  test('a flow left at the provider for over ten minutes is refused', async () => {
    const a = await app();
    const { authUrl, flowCookie } = await start(a);
    const back = await idp.signIn(authUrl, 'jen');
    a.clock.advance(11 * 60_000);
    assertRefused(await callback(a, back, flowCookie), 'state');
  });

  test('a person without an account is not allowed when accounts are not created, and the refusal is audited', async () => {
    const a = await app();
    const before = await accountsCount(a);
    assertRefused(await signIn(a, 'newbie'), 'not-allowed');
    assert.equal(await accountsCount(a), before);
    const failed = await a.core.store.read((tx) => tx.audit.list({ action: 'signin.failed', limit: 10 }));
    assert.deepEqual(failed.map((e) => (e.after as { reason: string }).reason), ['no such account']);
  });

  test('a disabled account, and a login claim that is no login, are not allowed', async () => {
    const a = await app({ createAccounts: true });
    const admin = basic('admin');
    const off = await a.app.inject({ method: 'PATCH', url: '/api/admin/users/ann', headers: admin, payload: { disabled: true } });
    assert.equal(off.statusCode, 200, off.body);
    assertRefused(await signIn(a, 'ann'), 'not-allowed');
    assertRefused(await signIn(a, 'weird'), 'not-allowed');
  });

  test('createAccounts makes the account on first sign-in, from the claims', async () => {
    const a = await app({ createAccounts: true });
    const s = await session(a, await signIn(a, 'newbie'));
    assert.equal(s.login, 'newbie');
    const acc = await a.core.store.read((tx) => tx.accounts.byLogin('newbie'));
    assert.equal(acc?.displayName, 'New Person');
    assert.equal(acc?.email, 'newbie@corp.example');
    assert.equal(acc?.passwordHash, null, 'no password: it signs in through the provider only');
    assert.equal(acc?.isAdmin, false);
    // The second sign-in finds it.
    assert.equal((await session(a, await signIn(a, 'newbie'))).login, 'newbie');
  });

  test('administrators come from the groups claim: granted to members, taken from others', async () => {
    const a = await app({ createAccounts: true, adminGroups: ['elevate-admins'] });
    const boss = await session(a, await signIn(a, 'boss'));
    assert.equal(boss.isAdmin, true);
    const users = await a.app.inject({ method: 'GET', url: '/api/admin/users', headers: { cookie: boss.cookie } });
    assert.equal(users.statusCode, 200, users.body);
    // The demo admin is not in the group at the provider: signing in through it ends that.
    const admin = await session(a, await signIn(a, 'admin'));
    assert.equal(admin.isAdmin, false);
    const refused = await a.app.inject({ method: 'GET', url: '/api/admin/users', headers: { cookie: admin.cookie } });
    assertODataError(refused, 403);
    const changes = await a.core.store.read((tx) => tx.audit.list({ action: 'account.updated', limit: 10 }));
    assert.equal(changes.length, 1);
  });

  test('without adminGroups, sign-in leaves isAdmin as it is', async () => {
    const a = await app();
    assert.equal((await session(a, await signIn(a, 'admin'))).isAdmin, true);
  });
});

describe('password sign-in switched off', () => {
  test('Basic and the password form are refused, clearly; single sign-on still works', async () => {
    const a = await app({}, { passwordSignIn: false });
    const methods = await a.app.inject({ method: 'GET', url: '/api/session/methods' });
    assert.equal((methods.json() as { passwordSignIn: boolean }).passwordSignIn, false);
    const api = await a.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic('jen') });
    const err = assertODataError(api, 401);
    assert.match(err.message, /Password sign-in is switched off/);
    assert.equal(api.headers['www-authenticate'], undefined, 'no Basic challenge to answer');
    const form = await a.app.inject({ method: 'POST', url: '/api/session/login', payload: { login: 'jen', password: 'jen' } });
    assert.match(assertODataError(form, 403).message, /Password sign-in is switched off/);
    assert.equal((await session(a, await signIn(a, 'jen'))).login, 'jen');
  });

  test('the configuration refuses passwords off with nothing else to sign in with', async () => {
    const { loadConfig } = await import('../../../src/config/load.js');
    assert.throws(() => loadConfig({ env: {}, overrides: { passwordSignIn: false } }), /passwordSignIn/);
  });
});
