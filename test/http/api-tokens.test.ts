/**
 * API tokens (issue 16, part 3): shown once, stored hashed, scoped on every route (deny by
 * default), ended by expiry, revocation, a disabled or locked account, and audited by name.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hashApiToken } from '../../src/app/api-tokens.js';
import { API, appPerTest, basic, roleId, type TestApp } from '../support/harness.js';
import { assertElement, assertODataError, snapshot } from './api/helpers.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function newToken(t: TestApp, login: string, body: Record<string, unknown>, as = login): Promise<string> {
  const url = login === as ? '/api/me/tokens' : `/api/admin/users/${login}/tokens`;
  const res = await t.app.inject({ method: 'POST', url, headers: basic(as), payload: body });
  assert.equal(res.statusCode, 201, res.body);
  return (res.json() as { token: string }).token;
}

const call = (t: TestApp, token: string, method: 'GET' | 'POST' | 'DELETE' | 'PATCH', url: string, payload?: Record<string, unknown>) =>
  t.app.inject({ method, url, headers: bearer(token), ...(payload && { payload }) });

describe('API tokens', () => {
  const app = appPerTest();

  test('a token is shown once, looks like elv_…, and only its SHA-256 is stored', async () => {
    const t = app();
    const res = await t.app.inject({ method: 'POST', url: '/api/me/tokens', headers: basic('jen'), payload: { name: 'ci', scopes: 'request,read', expiresInSeconds: 30 * 86_400 } });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json() as { token: string; name: string; scopes: string[]; expiresAt: string };
    assert.match(body.token, /^elv_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(body.scopes, ['read', 'request']);
    assert.equal(body.expiresAt, new Date(t.clock.now() + 30 * 86_400_000).toISOString());
    const stored = await t.core.store.read(async (tx) => tx.apiTokens.forAccount((await tx.accounts.byLogin('jen'))!.id));
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.tokenHash, hashApiToken(body.token));
    assert.doesNotMatch(JSON.stringify(stored), new RegExp(body.token.slice(4)));
    const list = await t.app.inject({ method: 'GET', url: '/api/me/tokens', headers: basic('jen') });
    assert.equal(list.statusCode, 200);
    assert.doesNotMatch(list.body, new RegExp(body.token.slice(4)), 'listing never shows the token');
    assert.doesNotMatch(list.body, /hash/i);
    assert.deepEqual((list.json() as { value: { name: string }[] }).value.map((v) => v.name), ['ci']);
  });

  test('the MIM routes accept Bearer with the same wire shapes as Basic', async () => {
    const t = app();
    const token = await newToken(t, 'jen', { name: 'ci', scopes: ['read', 'request'] });
    for (const path of ['pamroles', 'pamrequests', 'pamrequeststoapprove', 'sessioninfo']) {
      const a = await t.app.inject({ method: 'GET', url: `${API}/${path}`, headers: basic('jen') });
      const b = await call(t, token, 'GET', `${API}/${path}`);
      assert.equal(b.statusCode, 200, b.body);
      assert.deepEqual(b.json(), a.json(), path);
    }
    const created = assertElement(await call(t, token, 'POST', `${API}/pamrequests`, { RoleId: await roleId(t.app, 'Allow AD Access'), RequestedTTL: '600', Justification: 'ci' }));
    assert.equal(created.RequestStatus, 'Active');
  });

  test('a wrong or malformed token is 401 with a Bearer challenge, never a fallback to anything else', async () => {
    const t = app();
    await newToken(t, 'jen', { name: 'ci', scopes: 'read' });
    for (const token of [`elv_${'A'.repeat(43)}`, 'elv_short', 'jen:jen', '']) {
      const res = await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: { authorization: `Bearer ${token}` } });
      assertODataError(res, 401, token);
      const challenges = [res.headers['www-authenticate']].flat().map(String);
      assert.ok(challenges.includes('Bearer realm="Elevate", error="invalid_token"'), String(challenges));
    }
  });

  test('scopes: a read token reads but changes nothing; request creates; approve decides', async () => {
    const t = app();
    const ad = await roleId(t.app, 'Allow AD Access');
    const read = await newToken(t, 'jen', { name: 'read', scopes: 'read' });
    const before = await snapshot(t.app);
    for (const [method, url, payload] of [
      ['POST', `${API}/pamrequests`, { RoleId: ad, RequestedTTL: '600', Justification: 'x' }],
      ['POST', `${API}/pamrequests(guid'c0112f13-b16b-40ad-b547-07f23a7fba52')/Close`, undefined],
      ['POST', `${API}/pamrequeststoapprove(guid'c0112f13-b16b-40ad-b547-07f23a7fba52')/Approve`, undefined],
    ] as const) {
      const res = await call(t, read, method, url, payload);
      assertODataError(res, 403, url);
      assert.match(res.body, /lacks the (request|approve) scope/);
    }
    assert.deepEqual(await snapshot(t.app), before, 'refused calls changed nothing');

    // ann approves jen's request only with a token that has the approve scope.
    const pending = assertElement(await t.app.inject({ method: 'POST', url: `${API}/pamrequests`, headers: basic('jen'), payload: { RoleId: await roleId(t.app, 'ApprovalRole'), RequestedTTL: '600' } }));
    const annRequest = await newToken(t, 'ann', { name: 'req', scopes: 'read,request' });
    const annApprove = await newToken(t, 'ann', { name: 'approve', scopes: 'approve,read' });
    const approvals = (await call(t, annApprove, 'GET', `${API}/pamrequeststoapprove`)).json() as { value: { ApprovalObjectID: { Value: string } }[] };
    const approve = `${API}/pamrequeststoapprove(guid'${approvals.value[0]!.ApprovalObjectID.Value}')/Approve`;
    assertODataError(await call(t, annRequest, 'POST', approve), 403);
    assert.equal((await call(t, annApprove, 'POST', approve)).statusCode, 200);
    const after = (await t.app.inject({ method: 'GET', url: `${API}/pamrequests`, headers: basic('jen') })).json() as { value: { RequestId: string; RequestStatus: string }[] };
    assert.equal(after.value.find((r) => r.RequestId === pending.RequestId)?.RequestStatus, 'Active');
  });

  test('deny by default: routes that declare no scope refuse every token, whatever its scopes', async () => {
    const t = app();
    const all = await newToken(t, 'admin', { name: 'all', scopes: 'read,request,approve,admin' });
    for (const [method, url, payload] of [
      ['GET', '/api/mfa', undefined],
      ['POST', '/api/mfa/totp', undefined],
      ['GET', '/api/session', undefined],
      ['POST', '/api/session/logout-everywhere', undefined],
      // A stolen token cannot mint another, or revoke the owner's other tokens.
      ['POST', '/api/me/tokens', { name: 'more', scopes: 'read' }],
      ['DELETE', '/api/me/tokens/all', undefined],
    ] as const) {
      const res = await call(t, all, method, url, payload);
      assertODataError(res, 403, `${method} ${url}`);
      assert.match(res.body, /API tokens cannot be used here/);
    }
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/me/tokens', headers: basic('admin') })).json().value.length, 1);
  });

  test('admin: only an administrator’s token can hold the admin scope, and only it reaches /api/admin', async () => {
    const t = app();
    const refused = await t.app.inject({ method: 'POST', url: '/api/me/tokens', headers: basic('jen'), payload: { name: 'x', scopes: 'admin' } });
    assertODataError(refused, 400);
    const plain = await newToken(t, 'admin', { name: 'plain', scopes: 'read,request,approve' });
    assertODataError(await call(t, plain, 'GET', '/api/admin/users'), 403);
    assertODataError(await call(t, plain, 'GET', '/metrics'), 403);
    const admin = await newToken(t, 'admin', { name: 'admin', scopes: 'admin' });
    assert.equal((await call(t, admin, 'GET', '/api/admin/users')).statusCode, 200);
    assert.equal((await call(t, admin, 'GET', '/metrics')).statusCode, 200);
    // The admin scope needs an administrator behind it at the time of the call, not only at creation.
    assert.equal((await t.app.inject({ method: 'PATCH', url: '/api/admin/users/admin', headers: basic('admin'), payload: { isAdmin: false } })).statusCode, 200);
    assertODataError(await call(t, admin, 'GET', '/api/admin/users'), 403);
  });

  test('a token ends at its expiry', async () => {
    const t = app();
    const token = await newToken(t, 'jen', { name: 'short', scopes: 'read', expiresInSeconds: 3600 });
    assert.equal((await call(t, token, 'GET', `${API}/pamroles`)).statusCode, 200);
    t.clock.advance(3600_000);
    assertODataError(await call(t, token, 'GET', `${API}/pamroles`), 401);
  });

  test('a token ends when it is revoked, or its account is disabled or locked', async () => {
    const t = app();
    const revoked = await newToken(t, 'jen', { name: 'a', scopes: 'read' });
    const res = await t.app.inject({ method: 'DELETE', url: '/api/me/tokens/a', headers: basic('jen') });
    assert.equal(res.statusCode, 204);
    assertODataError(await call(t, revoked, 'GET', `${API}/pamroles`), 401);

    const jen = await newToken(t, 'jen', { name: 'b', scopes: 'read' });
    assert.equal((await call(t, jen, 'GET', `${API}/pamroles`)).statusCode, 200);
    assert.equal((await t.app.inject({ method: 'PATCH', url: '/api/admin/users/jen', headers: basic('admin'), payload: { disabled: true } })).statusCode, 200);
    assertODataError(await call(t, jen, 'GET', `${API}/pamroles`), 401);

    const ann = await newToken(t, 'ann', { name: 'c', scopes: 'read' });
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/admin/users/ann/lock', headers: basic('admin'), payload: { reason: 'investigation' } })).statusCode, 200);
    assertODataError(await call(t, ann, 'GET', `${API}/pamroles`), 401);
  });

  test('a token revokes itself (elevate logout) and nothing else', async () => {
    const t = app();
    const token = await newToken(t, 'jen', { name: 'cli', scopes: 'read' });
    assertODataError(await t.app.inject({ method: 'DELETE', url: '/api/me/tokens/current', headers: basic('jen') }), 400);
    assert.equal((await call(t, token, 'DELETE', '/api/me/tokens/current')).statusCode, 204);
    assertODataError(await call(t, token, 'GET', `${API}/pamroles`), 401);
  });

  test('changes made with a token are audited under its name; creation and revocation too', async () => {
    const t = app();
    const token = await newToken(t, 'jen', { name: 'deploy-bot', scopes: 'request' });
    assertElement(await call(t, token, 'POST', `${API}/pamrequests`, { RoleId: await roleId(t.app, 'Allow AD Access'), RequestedTTL: '600', Justification: 'ci' }));
    assert.equal((await t.app.inject({ method: 'DELETE', url: '/api/me/tokens/deploy-bot', headers: basic('jen') })).statusCode, 204);
    const audit = (await t.app.inject({ method: 'GET', url: '/api/admin/audit?limit=1000', headers: basic('admin') })).json() as { value: { action: string; after: unknown; before: unknown }[] };
    const tokenEntries = audit.value.filter((e) => e.action.startsWith('token.'));
    assert.deepEqual(tokenEntries.map((e) => e.action).sort(), ['token.created', 'token.revoked', 'token.used']);
    const used = tokenEntries.find((e) => e.action === 'token.used')!.after as { token: string; method: string; route: string };
    assert.deepEqual([used.token, used.method, used.route], ['deploy-bot', 'POST', `${API}/pamrequests`]);
    assert.doesNotMatch(JSON.stringify(audit.value), new RegExp(token.slice(4)), 'the token itself is never audited');
    // The use is recorded before the call runs (so a failure to record it refuses the call instead
    // of failing after the change): it precedes the request's own entry.
    const seqOf = (action: string) => (audit.value as unknown as { action: string; seq: number }[]).find((e) => e.action === action)!.seq;
    assert.ok(seqOf('token.used') < seqOf('request.created'), 'token.used comes first');
  });

  test('owners manage their own tokens; only administrators manage anyone’s', async () => {
    const t = app();
    await newToken(t, 'ann', { name: 'ann-ci', scopes: 'read' });
    assertODataError(await t.app.inject({ method: 'GET', url: '/api/admin/users/ann/tokens', headers: basic('jen') }), 403);
    assertODataError(await t.app.inject({ method: 'DELETE', url: '/api/admin/users/ann/tokens/ann-ci', headers: basic('jen') }), 403);
    assertODataError(await t.app.inject({ method: 'DELETE', url: '/api/me/tokens/ann-ci', headers: basic('jen') }), 404);
    const list = await t.app.inject({ method: 'GET', url: '/api/admin/users/ann/tokens', headers: basic('admin') });
    assert.deepEqual((list.json() as { value: { name: string }[] }).value.map((v) => v.name), ['ann-ci']);
    assert.equal((await t.app.inject({ method: 'DELETE', url: '/api/admin/users/ann/tokens/ann-ci', headers: basic('admin') })).statusCode, 204);
  });

  test('bad input is a 400 and stores nothing', async () => {
    const t = app();
    for (const payload of [
      { name: 'x', scopes: '' },
      { name: 'x', scopes: 'read,root' },
      { name: 'bad name', scopes: 'read' },
      { name: 'current', scopes: 'read' },
      { name: 'x', scopes: 'read', expiresInSeconds: 400 * 86_400 },
      { name: 'x', scopes: 'read', extra: 1 },
    ]) {
      assertODataError(await t.app.inject({ method: 'POST', url: '/api/me/tokens', headers: basic('jen'), payload }), 400, JSON.stringify(payload));
    }
    await newToken(t, 'jen', { name: 'x', scopes: 'read' });
    assertODataError(await t.app.inject({ method: 'POST', url: '/api/me/tokens', headers: basic('jen'), payload: { name: 'x', scopes: 'read' } }), 409);
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/me/tokens', headers: basic('jen') })).json().value.length, 1);
  });
});

describe('service accounts', () => {
  const app = appPerTest();

  test('a service account has no password, cannot sign in with one, and works with the tokens an administrator gives it', async () => {
    const t = app();
    const created = await t.app.inject({ method: 'POST', url: '/api/admin/users', headers: basic('admin'), payload: { login: 'deploy', service: true } });
    assert.equal(created.statusCode, 201, created.body);
    assertODataError(await t.app.inject({ method: 'POST', url: '/api/admin/users', headers: basic('admin'), payload: { login: 'svc2', service: true, password: 'x' } }), 400);
    assertODataError(await t.app.inject({ method: 'PATCH', url: '/api/admin/users/deploy', headers: basic('admin'), payload: { password: 'guess' } }), 400);
    assertODataError(await t.app.inject({ method: 'PATCH', url: '/api/admin/users/jen', headers: basic('admin'), payload: { service: true } }), 400);
    const token = await newToken(t, 'deploy', { name: 'pipeline', scopes: 'read' }, 'admin');
    const info = await call(t, token, 'GET', `${API}/sessioninfo`);
    assert.deepEqual((info.json() as { value: unknown[] }).value, [{ Username: 'PRIV\\deploy' }]);
    assertODataError(await t.app.inject({ method: 'GET', url: `${API}/sessioninfo`, headers: basic('deploy', '') }), 401);
    // Even a password written into the store behind Elevate's back (or a directory that knows the
    // login) does not sign a service account in.
    const hash = await t.core.hasher.hash('planted');
    await t.core.store.transaction(async (tx) => tx.accounts.update({ ...(await tx.accounts.byLogin('deploy'))!, passwordHash: hash }));
    assertODataError(await t.app.inject({ method: 'GET', url: `${API}/sessioninfo`, headers: basic('deploy', 'planted') }), 401);
  });
});
