/**
 * Every endpoint, tried as nobody, jen, ann and admin. Each row gets a fresh store with the same
 * fixture; callers expected to be refused go first, and every refusal must leave the data as it was.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Secret, TOTP } from 'otpauth';
import { DEMO_TOTP_SECRET } from '../../../src/app/demo.js';
import { API, basic, makeApp, roleId, type TestApp } from '../../support/harness.js';
import {
  assertElement,
  assertODataError,
  createForm,
  listApprovals,
  snapshot,
  type WireRequest,
} from './helpers.js';
import { ADMIN_ROWS } from './authorization-rows-admin.js';
import { MIM_ROWS } from './authorization-rows-mim.js';
import { SESSION_ROWS } from './authorization-rows-session.js';
import { type Call, type Fixture, MATRIX_APP, type Row, WHO, type Who } from './authorization-matrix.js';

const ROWS: Row[] = [...SESSION_ROWS, ...MIM_ROWS, ...ADMIN_ROWS];

async function setup(t: TestApp): Promise<Fixture> {
  const ad = await roleId(t.app, 'Allow AD Access');
  const approvalRole = await roleId(t.app, 'ApprovalRole');
  const jenActive = assertElement(await createForm(t.app, 'jen', { RoleId: ad, RequestedTTL: 3600 }));
  const jenPending = assertElement(await createForm(t.app, 'jen', { RoleId: approvalRole, RequestedTTL: 3600 }));
  const annActive = assertElement(await createForm(t.app, 'ann', { RoleId: ad, RequestedTTL: 3600 }));
  const jenMfa = assertElement(await createForm(t.app, 'jen', { RoleId: await roleId(t.app, 'MFA Role'), RequestedTTL: 600 }));
  assert.equal(jenMfa.RequestStatus, 'PendingMFA');
  const jenCode = new TOTP({ secret: Secret.fromBase32(DEMO_TOTP_SECRET), period: 30, digits: 6 }).generate({ timestamp: t.clock.now() });
  const approvals = await listApprovals(t.app, 'ann');
  assert.equal(approvals.length, 1);
  const adminCall = async (method: Call['method'], url: string, payload: Record<string, unknown>) => {
    const res = await t.app.inject({ method, url, headers: basic('admin'), payload });
    assert.equal(res.statusCode, 201, `${url}: ${res.body}`);
  };
  await adminCall('POST', '/api/admin/users', { login: 'bob', password: 'bob' });
  await adminCall('POST', '/api/admin/groups', { name: 'Temp Group' });
  await adminCall('POST', '/api/admin/roles', { name: 'Temp Role', ttlSeconds: 600, groups: ['Business Hours Ops'] });
  const tokens = {} as Fixture['tokens'];
  for (const who of ['jen', 'ann', 'admin'] as const) {
    const own = who === 'admin' ? SCOPES : SCOPES.filter((s) => s !== 'admin');
    const sets: [string, string[]][] = [['spare', ['read']], ...own.map((s): [string, string[]] => [s, [s]]), ...SCOPES.map((s): [string, string[]] => [`not:${s}`, own.filter((o) => o !== s)])];
    tokens[who] = {};
    for (const [name, scopes] of sets) {
      const res = await t.app.inject({ method: 'POST', url: '/api/me/tokens', headers: basic(who), payload: { name: name.replace(':', '-'), scopes } });
      assert.equal(res.statusCode, 201, `${who} ${name}: ${res.body}`);
      tokens[who][name] = (res.json() as { token: string }).token;
    }
  }
  return {
    now: t.clock.now(),
    tokens,
    ad,
    approvalRole,
    jenActive,
    jenPending,
    annActive,
    jenMfa,
    jenCode,
    approvalId: approvals[0]!.ApprovalObjectID.Value,
    creatorIds: { jen: jenActive.CreatorID, ann: annActive.CreatorID },
  };
}

/** The paths in Fastify's printRoutes tree, e.g. `/api/admin/groups/:name/members`. */
function registeredRoutes(tree: string): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│├└─\s]*)(\S.*?) \(([^)]*)\)\s*$/u.exec(line);
    if (!m) continue;
    const depth = Math.max(0, [...m[1]!].length / 4 - 1);
    const path = (depth > 0 ? stack[depth - 1]! : '') + m[2]!;
    stack[depth] = path;
    stack.length = depth + 1;
    if (path !== '*') out.push(path);
  }
  return out;
}

const DUMMY_ID = 'c0112f13-b16b-40ad-b547-07f23a7fba52';
const DUMMY_REQ = { RequestId: DUMMY_ID, CreatorID: DUMMY_ID } as WireRequest;
const DUMMY: Fixture = {
  now: 0,
  ad: DUMMY_ID,
  approvalRole: DUMMY_ID,
  jenActive: DUMMY_REQ,
  jenPending: DUMMY_REQ,
  annActive: DUMMY_REQ,
  jenMfa: DUMMY_REQ,
  approvalId: DUMMY_ID,
  jenCode: '000000',
  creatorIds: { jen: DUMMY_ID, ann: DUMMY_ID },
  tokens: { jen: {}, ann: {}, admin: {} },
};

const SCOPES = ['read', 'request', 'approve', 'admin'];

/**
 * The scope a token needs for a call, worked out here from the URL alone (not from the server's
 * table), so the two must agree: null where tokens are refused whatever they hold, `own` for the
 * one call any token may make about itself.
 */
function tokenNeed(c: Call): string | null {
  const path = c.url.split('?')[0]!;
  if (/^\/api\/admin\//i.test(path) || path === '/metrics') return 'admin';
  if (path.startsWith(`${API}/`)) {
    const rest = path.slice(API.length + 1);
    if (c.method === 'GET') return 'read';
    if (c.method !== 'POST') return null;
    if (/^pamrequests$/i.test(rest) || /^pamrequests\(/i.test(rest)) return 'request';
    if (/^pamrequeststoapprove\(/i.test(rest)) return 'approve';
    return null;
  }
  if (c.method === 'GET' && (path === '/api/me/endings' || path === '/api/me/tokens' || path === '/api/me/notifications' || path === '/api/me/break-glass' || path === '/api/me/decisions')) return 'read';
  if (c.method === 'GET' && (/^\/api\/me\/roles\/[^/]+\/approval-path$/.test(path) || /^\/api\/me\/requests\/[^/]+\/approval$/.test(path))) return 'read';
  if (c.method === 'POST' && /^\/api\/me\/break-glass\/[^/]+\/review$/.test(path)) return 'approve';
  if (c.method === 'DELETE' && path === '/api/me/tokens/current') return 'own';
  return null;
}

const okStatus = (e: number | readonly number[]) => (typeof e === 'number' ? [e] : e);
const refused = (e: number | readonly number[]) => okStatus(e).every((s) => s >= 400);

type Mode = 'basic' | 'token';

/** The headers `who` sends: Basic credentials, or a token holding exactly what the call needs (`not:` for everything but). */
function credentials(mode: Mode, who: Who, row: Row, f: Fixture, wrongScope = false): Record<string, string> {
  if (who === 'nobody') return {};
  if (mode === 'basic') return basic(who);
  const need = tokenNeed(row.call(f)) ?? 'read';
  const tokens = f.tokens[who];
  const name = need === 'own' ? 'read' : wrongScope ? `not:${need}` : (tokens[need] ? need : 'not:admin');
  return { authorization: `Bearer ${tokens[name]}` };
}

function expected(mode: Mode, who: Who, row: Row, f: Fixture): number | readonly number[] {
  if (mode === 'basic' || who === 'nobody') return row.expect[who];
  const call = row.call(f);
  // Routes open to everyone ignore the header; a foreign Host is refused before anything reads it.
  if (row.expect.nobody !== 401 || call.url === '/api/session/login' || call.url === '/api/slack/interactions') return row.expect[who];
  if (tokenNeed(call) === null) return 403;
  return (row.tokenExpect ?? row.expect)[who];
}

async function runRow(row: Row, mode: Mode): Promise<void> {
  const t = await makeApp(MATRIX_APP);
  try {
    const f = await setup(t);
    const exp = (who: Who) => expected(mode, who, row, f);
    // Refusals first, on the untouched fixture; then the callers who may succeed.
    const order = [...WHO].sort((a, b) => Number(refused(exp(b))) - Number(refused(exp(a))));
    // A token holding every scope but the one the call needs is refused, and changes nothing.
    const need = tokenNeed(row.call(f));
    if (mode === 'token' && row.expect.nobody === 401 && row.call(f).url !== '/api/session/login' && need !== null && need !== 'own') {
      const before = await snapshot(t.app);
      for (const who of ['jen', 'ann', 'admin'] as const) {
        if (need === 'admin' && who !== 'admin') continue;
        const call = row.call(f);
        const res = await t.app.inject({ method: call.method, url: call.url, headers: { ...credentials(mode, who, row, f, true), ...call.headers }, ...(call.payload ? { payload: call.payload } : {}) });
        assertODataError(res, 403, `${row.name} as ${who} with a token lacking ${need}`);
        assert.match(res.body, new RegExp(`lacks the ${need} scope`));
      }
      assert.deepEqual(await snapshot(t.app), before, `${row.name}: tokens lacking ${need} changed nothing`);
    }
    for (const who of order) {
      const call = row.call(f);
      const expectedStatus = okStatus(exp(who));
      const before = refused(exp(who)) && !row.refusalRecorded?.includes(who) ? await snapshot(t.app) : undefined;
      const res = await t.app.inject({
        method: call.method,
        url: call.url,
        headers: { ...credentials(mode, who, row, f), ...call.headers },
        ...(call.payload ? { payload: call.payload } : {}),
      });
      const label = `${row.name} as ${who}${mode === 'token' ? ' with a token' : ''}`;
      assert.ok(expectedStatus.includes(res.statusCode), `${label}: expected ${expectedStatus.join('/')}, got ${res.statusCode} ${res.body.slice(0, 300)}`);
      if (res.statusCode >= 400) {
        assertODataError(res, undefined, label);
        // The sign-in form answers a wrong password without a Basic challenge, so browsers show no dialog.
        // Slack's callback refuses a signature, not credentials: there is nothing to sign in with.
        if (res.statusCode === 401 && call.url !== '/api/session/login' && call.url !== '/api/slack/interactions') assert.match(String(res.headers['www-authenticate']), /^Basic realm="Elevate"/, label);
      }
      if (before !== undefined) assert.deepEqual(await snapshot(t.app), before, `${label} changed nothing`);
      else if (res.statusCode < 400) row.check?.(who, res, f);
    }
  } finally {
    await t.destroy();
  }
}

describe('authorization: every endpoint as nobody, jen, ann and admin', () => {
  for (const row of ROWS) test(row.name, () => runRow(row, 'basic'));

  test('the table has a row for every route the app registers', async () => {
    const t = await makeApp(MATRIX_APP);
    try {
      const routes = registeredRoutes(t.app.printRoutes({ commonPrefix: false }));
      assert.ok(routes.length >= 20, routes.join('\n'));
      const urls = ROWS.map((r) => r.call(DUMMY).url.split('?')[0]!);
      for (const route of routes) {
        const re = new RegExp(`^${route.replace(/[$.()]/g, '\\$&').replace(/:[A-Za-z]+/g, '[^/]+')}$`, 'i');
        assert.ok(urls.some((u) => re.test(u)), `no row calls ${route}`);
      }
    } finally {
      await t.destroy();
    }
  });
});

describe('authorization with API tokens: every endpoint, with exactly the scope it declares and with every other', () => {
  for (const row of ROWS) test(row.name, () => runRow(row, 'token'));
});

describe('authorization through a cookie session', () => {
  test('jen’s session cannot reach the admin API, even with her CSRF token', async () => {
    const t = await makeApp();
    try {
      const login = await t.app.inject({ method: 'POST', url: '/api/session/login', payload: { login: 'jen', password: 'jen' } });
      const cookie = `elevate_session=${login.cookies.find((c) => c.name === 'elevate_session')!.value}`;
      const csrf = (login.json() as { csrfToken: string }).csrfToken;
      const before = await snapshot(t.app);
      for (const [method, url, payload] of [
        ['GET', '/api/admin/users', undefined],
        ['GET', '/api/admin/audit', undefined],
        ['POST', '/api/admin/users', { login: 'mallory', password: 'x', isAdmin: true }],
        ['PATCH', '/api/admin/users/jen', { isAdmin: true }],
        ['DELETE', '/api/admin/roles/ApprovalRole', undefined],
      ] as const) {
        const res = await t.app.inject({ method, url, headers: { cookie, 'x-csrf-token': csrf }, ...(payload ? { payload } : {}) });
        assertODataError(res, 403, `${method} ${url}`);
      }
      assert.deepEqual(await snapshot(t.app), before);
    } finally {
      await t.destroy();
    }
  });

  test('a privilege change takes effect on the next call: jen made admin can read the audit, then loses it', async () => {
    const t = await makeApp();
    try {
      assertODataError(await t.app.inject({ method: 'GET', url: '/api/admin/audit', headers: basic('jen') }), 403);
      assert.equal((await t.app.inject({ method: 'PATCH', url: '/api/admin/users/jen', headers: basic('admin'), payload: { isAdmin: true } })).statusCode, 200);
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/admin/audit', headers: basic('jen') })).statusCode, 200);
      assert.equal((await t.app.inject({ method: 'PATCH', url: '/api/admin/users/jen', headers: basic('admin'), payload: { isAdmin: false } })).statusCode, 200);
      assertODataError(await t.app.inject({ method: 'GET', url: '/api/admin/audit', headers: basic('jen') }), 403);
      // A disabled account is refused at once, even with cached credentials (ann's call fills the cache first).
      assert.equal((await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic('ann') })).statusCode, 200);
      assert.equal((await t.app.inject({ method: 'PATCH', url: '/api/admin/users/ann', headers: basic('admin'), payload: { disabled: true } })).statusCode, 200);
      assertODataError(await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic('ann') }), 401);
      // A changed password too.
      assert.equal((await t.app.inject({ method: 'PATCH', url: '/api/admin/users/jen', headers: basic('admin'), payload: { password: 'new' } })).statusCode, 200);
      assertODataError(await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic('jen') }), 401);
      assert.equal((await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic('jen', 'new') })).statusCode, 200);
    } finally {
      await t.destroy();
    }
  });
});
