/**
 * Every endpoint, tried as nobody, jen, ann and admin. Each row gets a fresh store with the same
 * fixture; callers expected to be refused go first, and every refusal must leave the data as it was.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { slackSignature } from '../../../src/adapters/notify/slack-interactions.js';
import { Secret, TOTP } from 'otpauth';
import { DEMO_TOTP_SECRET } from '../../../src/app/demo.js';
import { API, basic, makeApp, roleId, tempDir, type TestApp } from '../../support/harness.js';
import {
  assertElement,
  assertODataError,
  createForm,
  listApprovals,
  snapshot,
  type Res,
  type WireApproval,
  type WireRequest,
  type WireRole,
} from './helpers.js';

type Who = 'nobody' | 'jen' | 'ann' | 'admin';
const WHO: readonly Who[] = ['nobody', 'jen', 'ann', 'admin'];

interface Fixture {
  ad: string;
  approvalRole: string;
  jenActive: WireRequest;
  jenPending: WireRequest;
  annActive: WireRequest;
  /** jen's request for the MFA Role, waiting for her code. */
  jenMfa: WireRequest;
  approvalId: string;
  /** A valid TOTP code for jen's demo authenticator at the fixture's time. */
  jenCode: string;
  creatorIds: Record<'jen' | 'ann', string>;
  /** The fixture's time (Slack signs with a timestamp that must be within five minutes of it). */
  now: number;
  /** Per caller, API tokens by what they hold: `read` holds only read, `not:read` every other scope it may have. */
  tokens: Record<Exclude<Who, 'nobody'>, Record<string, string>>;
}

interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  payload?: Record<string, unknown> | string;
  headers?: Record<string, string>;
}

interface Row {
  name: string;
  call: (f: Fixture) => Call;
  expect: Record<Who, number | readonly number[]>;
  /** Further checks on a successful answer. */
  check?: (who: Who, res: Res, f: Fixture) => void;
  /** Callers whose refusal is itself recorded by design (e.g. a wrong MFA code counts as an attempt). */
  refusalRecorded?: readonly Who[];
  /** What callers get with an API token holding the scope the route needs, when not `expect`. */
  tokenExpect?: Record<Who, number | readonly number[]>;
}

const ADMIN_ONLY = (ok: number): Record<Who, number> => ({ nobody: 401, jen: 403, ann: 403, admin: ok });
const ANY_USER = (ok: number): Record<Who, number> => ({ nobody: 401, jen: ok, ann: ok, admin: ok });
const PUBLIC = (ok: number): Record<Who, number> => ({ nobody: ok, jen: ok, ann: ok, admin: ok });
const FORM = (f: Fixture, roleIdValue: string) => ({ RoleId: roleIdValue, RequestedTTL: '600', Justification: `for ${f.ad.slice(0, 4)}` });

const BOGUS_ATTESTATION = { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON: 'AAAA', attestationObject: 'AAAA' }, clientExtensionResults: {} };
const BOGUS_ASSERTION = {
  id: 'AAAA',
  rawId: 'AAAA',
  type: 'public-key',
  response: { clientDataJSON: 'AAAA', authenticatorData: 'AAAA', signature: 'AAAA' },
  clientExtensionResults: {},
};

const value = <T>(res: Res): T[] => (res.json() as { value: T[] }).value;

const ROWS: Row[] = [
  // Public endpoints.
  // The portal's files are public: everything behind them asks the API, which checks the caller.
  { name: 'GET / (the portal, built by scripts/test.sh)', call: () => ({ method: 'GET', url: '/' }), expect: PUBLIC(200) },
  { name: 'GET /assets/:name (unknown asset)', call: () => ({ method: 'GET', url: '/assets/portal-0.js' }), expect: PUBLIC(404) },
  { name: 'GET /favicon.ico', call: () => ({ method: 'GET', url: '/favicon.ico' }), expect: PUBLIC(200) },
  { name: 'GET /healthz', call: () => ({ method: 'GET', url: '/healthz' }), expect: PUBLIC(200) },
  { name: 'GET /readyz', call: () => ({ method: 'GET', url: '/readyz' }), expect: PUBLIC(200) },
  // The OpenAPI document describes shapes, never data: public, behind the host check like everything.
  {
    name: 'GET /api/openapi.json',
    call: () => ({ method: 'GET', url: '/api/openapi.json' }),
    expect: PUBLIC(200),
    check: (_who, res) => assert.equal((res.json() as { openapi: string }).openapi, '3.1.0'),
  },
  { name: 'GET /metrics', call: () => ({ method: 'GET', url: '/metrics' }), expect: ADMIN_ONLY(200) },
  {
    name: 'POST /api/session/login',
    call: () => ({ method: 'POST', url: '/api/session/login', payload: { login: 'jen', password: 'jen' } }),
    expect: PUBLIC(200),
  },
  {
    name: 'POST /api/session/login with a wrong password',
    call: () => ({ method: 'POST', url: '/api/session/login', payload: { login: 'jen', password: 'guess' } }),
    expect: PUBLIC(401),
    // A failed sign-in is audited.
    refusalRecorded: ['nobody', 'jen', 'ann', 'admin'],
  },
  // Session endpoints that need a caller.
  { name: 'GET /api/session', call: () => ({ method: 'GET', url: '/api/session' }), expect: ANY_USER(200) },
  { name: 'GET /api/session/methods', call: () => ({ method: 'GET', url: '/api/session/methods' }), expect: PUBLIC(200) },
  // Single sign-on is public by design: /start sends anyone to the provider (here unreachable, so
  // back to the sign-in page), and /callback without this browser's flow cookie opens nothing.
  { name: 'GET /api/session/oidc/start', call: () => ({ method: 'GET', url: '/api/session/oidc/start' }), expect: PUBLIC(303), check: (_who, res) => assert.equal(res.headers.location, '/?sso_error=unreachable') },
  { name: 'GET /api/session/oidc/callback (no flow)', call: () => ({ method: 'GET', url: '/api/session/oidc/callback?code=x&state=y' }),
    expect: PUBLIC(303),
    check: (_who, res) => {
      assert.equal(res.headers.location, '/?sso_error=state');
      assert.equal(res.cookies.find((c) => c.name === 'elevate_session'), undefined);
    },
  },
  { name: 'POST /api/session/logout', call: () => ({ method: 'POST', url: '/api/session/logout' }), expect: ANY_USER(204) },
  { name: 'POST /api/session/logout-everywhere', call: () => ({ method: 'POST', url: '/api/session/logout-everywhere' }), expect: ANY_USER(204) },

  // Self-service MFA enrolment (an Elevate extension). jen's demo authenticator is confirmed already;
  // ann and admin have no factor. A password alone changes no factor (issue 11).
  {
    name: 'POST /api/mfa/totp',
    call: () => ({ method: 'POST', url: '/api/mfa/totp' }),
    expect: { nobody: 401, jen: 403, ann: 403, admin: 403 },
  },
  {
    name: "POST /api/mfa/totp with jen's current code",
    call: (f) => ({ method: 'POST', url: '/api/mfa/totp', payload: { Code: f.jenCode } }),
    expect: { nobody: 401, jen: 201, ann: 403, admin: 403 },
  },
  {
    name: 'POST /api/mfa/totp/confirm before enrolling',
    call: () => ({ method: 'POST', url: '/api/mfa/totp/confirm', payload: { Code: '123456' } }),
    expect: { nobody: 401, jen: 409, ann: 409, admin: 409 },
  },
  {
    name: 'POST /api/mfa/change-options (nobody here has a passkey)',
    call: () => ({ method: 'POST', url: '/api/mfa/change-options', payload: { change: 'add-passkey' } }),
    expect: { nobody: 401, jen: 409, ann: 409, admin: 409 },
  },
  {
    name: 'GET /api/mfa (own factors only, never a secret)',
    call: () => ({ method: 'GET', url: '/api/mfa' }),
    expect: ANY_USER(200),
    check: (who, res) => {
      assert.equal((res.json() as { login: string }).login, who);
      assert.doesNotMatch(res.body, /secret/i);
    },
  },
  { name: 'POST /api/mfa/passkeys/options', call: () => ({ method: 'POST', url: '/api/mfa/passkeys/options' }), expect: { nobody: 401, jen: 403, ann: 403, admin: 403 } },
  {
    name: "POST /api/mfa/passkeys/options with jen's current code",
    call: (f) => ({ method: 'POST', url: '/api/mfa/passkeys/options', payload: { Code: f.jenCode } }),
    expect: { nobody: 401, jen: 200, ann: 403, admin: 403 },
  },
  { name: 'GET /api/mfa/passkeys', call: () => ({ method: 'GET', url: '/api/mfa/passkeys' }), expect: ANY_USER(200) },
  {
    name: 'POST /api/mfa/passkeys without a registration challenge',
    call: () => ({ method: 'POST', url: '/api/mfa/passkeys', payload: { name: 'Key', response: BOGUS_ATTESTATION } }),
    expect: { nobody: 401, jen: 403, ann: 403, admin: 403 },
    // A refused registration is audited.
    refusalRecorded: ['jen', 'ann', 'admin'],
  },
  { name: 'DELETE /api/mfa/passkeys/:id (not yours)', call: () => ({ method: 'DELETE', url: '/api/mfa/passkeys/AAAA' }), expect: { nobody: 401, jen: 404, ann: 404, admin: 404 } },

  // The MIM PAM API.
  {
    name: 'GET $metadata',
    call: () => ({ method: 'GET', url: `${API}/$metadata` }),
    expect: ANY_USER(200),
    check: (_w, res) => assert.match(res.body, /EntitySet Name="pamrequeststoapprove"/),
  },
  { name: 'GET %24metadata', call: () => ({ method: 'GET', url: `${API}/%24metadata` }), expect: ANY_USER(200) },
  {
    name: 'GET sessioninfo',
    call: () => ({ method: 'GET', url: `${API}/sessioninfo` }),
    expect: ANY_USER(200),
    check: (who, res) => assert.deepEqual(value(res), [{ Username: `PRIV\\${who}` }]),
  },
  {
    name: 'GET sessioninfo/',
    call: () => ({ method: 'GET', url: `${API}/sessioninfo/` }),
    expect: ANY_USER(200),
    check: (who, res) => assert.deepEqual(value(res), [{ Username: `PRIV\\${who}` }]),
  },
  {
    name: 'GET pamroles (only own)',
    call: () => ({ method: 'GET', url: `${API}/pamroles` }),
    expect: ANY_USER(200),
    check: (who, res) => {
      const names = value<WireRole>(res).map((r) => r.DisplayName).sort();
      const expected = { jen: ['Allow AD Access', 'ApprovalRole', 'Business Hours', 'MFA Role'], ann: ['Allow AD Access'], admin: [] as string[] };
      assert.deepEqual(names, expected[who as 'jen' | 'ann' | 'admin']);
    },
  },
  {
    name: 'GET pamrequests (only own)',
    call: () => ({ method: 'GET', url: `${API}/pamrequests` }),
    expect: ANY_USER(200),
    check: (who, res, f) => {
      const ids = value<WireRequest>(res).map((r) => r.RequestId).sort();
      const expected = { jen: [f.jenActive.RequestId, f.jenPending.RequestId, f.jenMfa.RequestId].sort(), ann: [f.annActive.RequestId], admin: [] as string[] };
      assert.deepEqual(ids, expected[who as 'jen' | 'ann' | 'admin']);
      if (who !== 'admin') assert.ok(value<WireRequest>(res).every((r) => r.CreatorID === f.creatorIds[who as 'jen' | 'ann']));
    },
  },
  {
    name: 'GET pamrequests filtered by someone else’s id',
    call: (f) => ({ method: 'GET', url: `${API}/pamrequests?$filter=${encodeURIComponent(`RequestId eq guid'${f.jenActive.RequestId}'`)}` }),
    expect: ANY_USER(200),
    check: (who, res) => assert.equal(value(res).length, who === 'jen' ? 1 : 0),
  },
  {
    name: 'GET pamrequeststoapprove (only where approver)',
    call: () => ({ method: 'GET', url: `${API}/pamrequeststoapprove` }),
    expect: ANY_USER(200),
    check: (who, res, f) => {
      const ids = value<WireApproval>(res).map((a) => a.ApprovalObjectID.Value);
      assert.deepEqual(ids, who === 'ann' ? [f.approvalId] : []);
    },
  },
  {
    name: 'POST pamrequests for Allow AD Access',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequests`, payload: FORM(f, f.ad) }),
    // Not a candidate: the same 404 as an unknown role, so the role's name does not leak.
    expect: { nobody: 401, jen: 201, ann: 201, admin: 404 },
    check: (_w, res) => assert.equal(assertElement(res).RequestStatus, 'Active'),
  },
  {
    name: 'POST pamrequests for ApprovalRole',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequests`, payload: FORM(f, f.approvalRole) }),
    expect: { nobody: 401, jen: 201, ann: 404, admin: 404 },
    check: (_w, res) => assert.equal(assertElement(res).RequestStatus, 'PendingApproval'),
  },
  {
    name: 'POST pamrequests TTL 0 for Allow AD Access',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequests`, payload: { RoleId: f.ad, RequestedTTL: '0' } }),
    // A deactivation is a request of its own, created (201) and Closed at once.
    expect: { nobody: 401, jen: 201, ann: 201, admin: 404 },
    check: (_w, res) => {
      const d = assertElement(res, 201);
      assert.deepEqual([d.RequestStatus, d.RequestedTTL], ['Closed', '0']);
    },
  },
  {
    name: 'POST Close of jen’s active request',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequests(guid'${f.jenActive.RequestId}')/Close` }),
    expect: { nobody: 401, jen: 200, ann: 404, admin: 404 },
  },
  {
    name: 'POST Close of jen’s pending request',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequests(guid'${f.jenPending.RequestId}')/Close` }),
    expect: { nobody: 401, jen: 200, ann: 404, admin: 404 },
  },
  {
    name: 'POST Close of ann’s request',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequests(guid'${f.annActive.RequestId}')/Close` }),
    expect: { nobody: 401, jen: 404, ann: 200, admin: 404 },
  },
  {
    name: 'POST VerifyMFA with a valid code',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequests(guid'${f.jenMfa.RequestId}')/VerifyMFA`, payload: { Code: f.jenCode } }),
    expect: { nobody: 401, jen: 200, ann: 404, admin: 404 },
    check: (_w, res) => assert.equal(assertElement(res, 200).RequestStatus, 'Active'),
  },
  {
    name: 'POST VerifyMFA with a wrong code',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequests(guid'${f.jenMfa.RequestId}')/VerifyMFA`, payload: { Code: f.jenCode === '000000' ? '111111' : '000000' } }),
    expect: { nobody: 401, jen: 403, ann: 404, admin: 404 },
    refusalRecorded: ['jen'],
  },
  {
    name: 'POST PasskeyOptions for jen’s MFA request (she has no passkey)',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequests(guid'${f.jenMfa.RequestId}')/PasskeyOptions` }),
    expect: { nobody: 401, jen: 409, ann: 404, admin: 404 },
  },
  {
    name: 'POST VerifyPasskey with an assertion nobody asked for',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequests(guid'${f.jenMfa.RequestId}')/VerifyPasskey`, payload: { Passkey: BOGUS_ASSERTION } }),
    expect: { nobody: 401, jen: 403, ann: 404, admin: 404 },
    refusalRecorded: ['jen'],
  },
  {
    name: 'POST PasskeyOptions for an approval (ann has no passkey)',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequeststoapprove(guid'${f.approvalId}')/PasskeyOptions` }),
    expect: { nobody: 401, jen: [403, 404], ann: 409, admin: [403, 404] },
  },
  {
    name: 'POST Approve',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequeststoapprove(guid'${f.approvalId}')/Approve` }),
    expect: { nobody: 401, jen: [403, 404], ann: 200, admin: [403, 404] },
  },
  {
    name: 'POST Reject',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequeststoapprove(guid'${f.approvalId}')/Reject` }),
    expect: { nobody: 401, jen: [403, 404], ann: 200, admin: [403, 404] },
  },
  {
    name: 'POST Approve addressed by the request id',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequeststoapprove(guid'${f.jenPending.RequestId}')/Approve` }),
    expect: { nobody: 401, jen: 404, ann: 404, admin: 404 },
  },

  // The administration API.
  { name: 'GET /api/admin/users', call: () => ({ method: 'GET', url: '/api/admin/users' }), expect: ADMIN_ONLY(200) },
  { name: 'GET /api/admin/users?search=', call: () => ({ method: 'GET', url: '/api/admin/users?search=je' }), expect: ADMIN_ONLY(200) },
  {
    name: 'POST /api/admin/users',
    call: () => ({ method: 'POST', url: '/api/admin/users', payload: { login: 'carol', password: 'carol' } }),
    expect: ADMIN_ONLY(201),
  },
  { name: 'GET /api/admin/users/:name', call: () => ({ method: 'GET', url: '/api/admin/users/jen' }), expect: ADMIN_ONLY(200) },
  { name: 'GET /api/admin/users/:name (unknown)', call: () => ({ method: 'GET', url: '/api/admin/users/ghost' }), expect: ADMIN_ONLY(404) },
  {
    name: 'PATCH /api/admin/users/:name',
    call: () => ({ method: 'PATCH', url: '/api/admin/users/bob', payload: { displayName: 'Bobby' } }),
    expect: ADMIN_ONLY(200),
  },
  {
    name: 'PATCH /api/admin/users/:name making jen an admin',
    call: () => ({ method: 'PATCH', url: '/api/admin/users/jen', payload: { isAdmin: true } }),
    expect: ADMIN_ONLY(200),
  },
  {
    name: 'POST /api/admin/users/:name/totp',
    call: () => ({ method: 'POST', url: '/api/admin/users/bob/totp' }),
    expect: ADMIN_ONLY(201),
    check: (_w, res) => assert.equal(typeof (res.json() as { secret: unknown }).secret, 'string'),
  },
  { name: 'GET /api/admin/users/:name/mfa', call: () => ({ method: 'GET', url: '/api/admin/users/jen/mfa' }), expect: ADMIN_ONLY(200) },
  { name: 'DELETE /api/admin/users/:name/mfa', call: () => ({ method: 'DELETE', url: '/api/admin/users/jen/mfa' }), expect: ADMIN_ONLY(204) },
  {
    name: 'DELETE /api/admin/users/:name/mfa?enrolmentCode=true',
    call: () => ({ method: 'DELETE', url: '/api/admin/users/jen/mfa?enrolmentCode=true' }),
    expect: ADMIN_ONLY(200),
    check: (_w, res) => assert.match((res.json() as { code: string }).code, /^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/),
  },
  { name: 'POST /api/admin/users/:name/mfa/enrolment-code', call: () => ({ method: 'POST', url: '/api/admin/users/bob/mfa/enrolment-code' }), expect: ADMIN_ONLY(201) },
  {
    name: "POST /api/admin/users/:name/mfa/enrolment-code for the administrator's own account",
    call: () => ({ method: 'POST', url: '/api/admin/users/admin/mfa/enrolment-code' }),
    expect: { nobody: 401, jen: 403, ann: 403, admin: 403 },
  },
  { name: 'DELETE /api/admin/users/:name/mfa/lockout', call: () => ({ method: 'DELETE', url: '/api/admin/users/jen/mfa/lockout' }), expect: ADMIN_ONLY(204) },
  { name: 'DELETE /api/admin/users/:name', call: () => ({ method: 'DELETE', url: '/api/admin/users/bob' }), expect: ADMIN_ONLY(204) },
  { name: 'GET /api/admin/groups', call: () => ({ method: 'GET', url: '/api/admin/groups' }), expect: ADMIN_ONLY(200) },
  { name: 'GET /api/admin/groups?search=', call: () => ({ method: 'GET', url: '/api/admin/groups?search=corp' }), expect: ADMIN_ONLY(200) },
  { name: 'POST /api/admin/groups', call: () => ({ method: 'POST', url: '/api/admin/groups', payload: { name: 'New Group' } }), expect: ADMIN_ONLY(201) },
  { name: 'GET /api/admin/groups/:name', call: () => ({ method: 'GET', url: '/api/admin/groups/CORP%20Domain%20Admins' }), expect: ADMIN_ONLY(200) },
  {
    name: 'PATCH /api/admin/groups/:name',
    call: () => ({ method: 'PATCH', url: '/api/admin/groups/Temp%20Group', payload: { description: 'changed' } }),
    expect: ADMIN_ONLY(200),
  },
  { name: 'DELETE /api/admin/groups/:name', call: () => ({ method: 'DELETE', url: '/api/admin/groups/Temp%20Group' }), expect: ADMIN_ONLY(204) },
  {
    name: 'GET /api/admin/groups/:name/members',
    call: () => ({ method: 'GET', url: '/api/admin/groups/CORP%20Domain%20Admins/members' }),
    expect: ADMIN_ONLY(200),
    check: (_w, res) => assert.deepEqual(value<{ login: string }>(res).map((m) => m.login), ['ann', 'jen']),
  },
  {
    name: 'PUT /api/admin/groups/:name/members',
    call: () => ({ method: 'PUT', url: '/api/admin/groups/Temp%20Group/members', payload: { members: ['jen'] } }),
    expect: ADMIN_ONLY(200),
    check: (_w, res) => assert.deepEqual((res.json() as { added: string[] }).added, ['jen']),
  },
  {
    name: 'POST /api/admin/groups/:name/members',
    call: () => ({ method: 'POST', url: '/api/admin/groups/Temp%20Group/members', payload: { members: ['ann'] } }),
    expect: ADMIN_ONLY(200),
  },
  {
    name: 'DELETE /api/admin/groups/:name/members/:login',
    call: () => ({ method: 'DELETE', url: '/api/admin/groups/Temp%20Group/members/jen' }),
    expect: ADMIN_ONLY(200),
  },
  { name: 'GET /api/admin/roles', call: () => ({ method: 'GET', url: '/api/admin/roles' }), expect: ADMIN_ONLY(200) },
  {
    name: 'POST /api/admin/roles',
    call: () => ({ method: 'POST', url: '/api/admin/roles', payload: { name: 'New Role', ttlSeconds: 600, groups: ['Business Hours Ops'], candidates: ['ann'] } }),
    expect: ADMIN_ONLY(201),
  },
  { name: 'GET /api/admin/roles/:name', call: () => ({ method: 'GET', url: '/api/admin/roles/ApprovalRole' }), expect: ADMIN_ONLY(200) },
  {
    name: 'PATCH /api/admin/roles/:name adding ann as a candidate',
    call: () => ({ method: 'PATCH', url: '/api/admin/roles/ApprovalRole', payload: { candidates: ['jen', 'ann'] } }),
    expect: ADMIN_ONLY(200),
  },
  {
    name: 'PATCH /api/admin/roles/:name',
    call: () => ({ method: 'PATCH', url: '/api/admin/roles/Temp%20Role', payload: { description: 'changed' } }),
    expect: ADMIN_ONLY(200),
  },
  { name: 'DELETE /api/admin/roles/:name', call: () => ({ method: 'DELETE', url: '/api/admin/roles/Temp%20Role' }), expect: ADMIN_ONLY(204) },
  {
    name: 'GET /api/admin/audit',
    call: () => ({ method: 'GET', url: '/api/admin/audit' }),
    expect: ADMIN_ONLY(200),
    check: (_w, res) => assert.ok(value(res).length > 0),
  },
  // Policy as code (docs/policy.md).
  {
    name: 'POST /api/admin/policy/plan',
    call: () => ({ method: 'POST', url: '/api/admin/policy/plan', payload: { roles: [{ name: 'New Role', ttlSeconds: 600 }] } }),
    expect: ADMIN_ONLY(200),
    check: (_w, res) => assert.equal((res.json() as { applied: boolean }).applied, false),
  },
  {
    name: 'POST /api/admin/policy/apply',
    call: () => ({ method: 'POST', url: '/api/admin/policy/apply', payload: { roles: [{ name: 'New Role', ttlSeconds: 600 }] } }),
    expect: ADMIN_ONLY(200),
  },
  { name: 'GET /api/admin/policy/export', call: () => ({ method: 'GET', url: '/api/admin/policy/export' }), expect: ADMIN_ONLY(200) },
  {
    name: 'GET /api/admin/holdings',
    call: () => ({ method: 'GET', url: '/api/admin/holdings' }),
    expect: ADMIN_ONLY(200),
    check: (_w, res) => assert.ok(value<{ login: string; roleName: string }>(res).some((h) => h.login === 'ann' && h.roleName === 'Allow AD Access')),
  },
  // Taking access away (docs/revoke-api.md): administrators only, and a refusal changes nothing.
  {
    name: "POST /api/admin/requests/:id/revoke (jen's active elevation)",
    call: (f) => ({ method: 'POST', url: `/api/admin/requests/${f.jenActive.RequestId}/revoke`, payload: { reason: 'incident' } }),
    expect: ADMIN_ONLY(200),
    check: (_w, res, f) => assert.deepEqual([(res.json() as { requestId: string }).requestId, (res.json() as { status: string }).status], [f.jenActive.RequestId, 'Closed']),
  },
  {
    name: 'POST /api/admin/requests/:id/revoke (unknown id)',
    call: () => ({ method: 'POST', url: '/api/admin/requests/00000000-0000-4000-8000-000000000000/revoke', payload: { reason: 'incident' } }),
    expect: ADMIN_ONLY(404),
  },
  {
    name: 'POST /api/admin/revoke (every request of a role)',
    call: () => ({ method: 'POST', url: '/api/admin/revoke', payload: { role: 'Allow AD Access', reason: 'break-glass' } }),
    expect: ADMIN_ONLY(200),
    check: (_w, res) => assert.equal(value<{ status: string }>(res).length, 2),
  },
  {
    name: 'POST /api/admin/users/:name/lock',
    call: () => ({ method: 'POST', url: '/api/admin/users/ann/lock', payload: { reason: 'investigation' } }),
    expect: ADMIN_ONLY(200),
  },
  {
    name: 'POST /api/admin/users/:name/unlock (not locked)',
    call: () => ({ method: 'POST', url: '/api/admin/users/ann/unlock' }),
    expect: ADMIN_ONLY(409),
  },
  {
    name: 'GET /api/me/endings (own requests only)',
    call: (f) => ({ method: 'GET', url: `/api/me/endings?ids=${f.jenActive.RequestId},${f.annActive.RequestId}` }),
    expect: ANY_USER(200),
    // Nothing has ended yet in the fixture; nobody learns about someone else's request either way.
    check: (_w, res) => assert.deepEqual(value(res), []),
  },
  {
    name: 'GET /api/me/roles/{id}/approval-path (candidates of the role only)',
    call: (f) => ({ method: 'GET', url: `/api/me/roles/${f.approvalRole}/approval-path` }),
    expect: { nobody: 401, jen: 200, ann: 404, admin: 404 },
    check: (_w, res) => assert.deepEqual(res.json().stages.map((s: { approvers: { login: string }[] }) => s.approvers.map((a) => a.login)), [['ann']]),
  },
  {
    name: 'GET /api/me/requests/{id}/approval (the requester and the role\'s approvers only)',
    call: (f) => ({ method: 'GET', url: `/api/me/requests/${f.jenPending.RequestId}/approval` }),
    expect: { nobody: 401, jen: 200, ann: 200, admin: 404 },
    check: (_w, res) => assert.equal(res.json().openStage, 1),
  },
  { name: 'GET /api/me/decisions (own decisions only)', call: () => ({ method: 'GET', url: '/api/me/decisions' }), expect: ANY_USER(200), check: (_w, res) => assert.deepEqual(value(res), []) },
  // Break-glass (docs/approvals.md): administrators list unreviewed uses; approvers list and review theirs.
  { name: 'GET /api/admin/break-glass', call: () => ({ method: 'GET', url: '/api/admin/break-glass' }), expect: ADMIN_ONLY(200) },
  { name: 'GET /api/admin/break-glass?all=true (every use, with reviews)', call: () => ({ method: 'GET', url: '/api/admin/break-glass?all=true' }), expect: ADMIN_ONLY(200) },
  { name: 'GET /api/me/break-glass (uses the caller reviews)', call: () => ({ method: 'GET', url: '/api/me/break-glass' }), expect: ANY_USER(200), check: (_w, res) => assert.deepEqual(value(res), []) },
  {
    name: 'POST /api/me/break-glass/{id}/review (not a break-glass use)',
    call: (f) => ({ method: 'POST', url: `/api/me/break-glass/${f.jenActive.RequestId}/review`, payload: { comment: 'fine' } }),
    expect: { nobody: 401, jen: 404, ann: 404, admin: 404 },
  },
  { name: 'PUT /api/me/break-glass (wrong method)', call: () => ({ method: 'PUT', url: '/api/me/break-glass' }), expect: ANY_USER(405) },
  { name: 'GET /api/admin/audit?limit=1', call: () => ({ method: 'GET', url: '/api/admin/audit?limit=1' }), expect: ADMIN_ONLY(200) },
  // The admin console (issue 18): paging and search on the listings, a request's timeline, the dashboard.
  { name: 'GET /api/admin/users?skip=&top=', call: () => ({ method: 'GET', url: '/api/admin/users?skip=1&top=2' }), expect: ADMIN_ONLY(200) },
  { name: 'GET /api/admin/roles?search=&top=', call: () => ({ method: 'GET', url: '/api/admin/roles?search=role&top=5' }), expect: ADMIN_ONLY(200) },
  { name: 'GET /api/admin/holdings?search=', call: () => ({ method: 'GET', url: '/api/admin/holdings?search=jen&top=5' }), expect: ADMIN_ONLY(200) },
  { name: 'GET /api/admin/audit?before=', call: () => ({ method: 'GET', url: '/api/admin/audit?limit=5&before=100' }), expect: ADMIN_ONLY(200) },
  { name: 'GET /api/admin/requests/:id/timeline', call: (f) => ({ method: 'GET', url: `/api/admin/requests/${f.jenActive.RequestId}/timeline` }), expect: ADMIN_ONLY(200) },
  {
    name: 'GET /api/admin/requests/:id/timeline (unknown id)',
    call: () => ({ method: 'GET', url: '/api/admin/requests/00000000-0000-4000-8000-000000000000/timeline' }),
    expect: ADMIN_ONLY(404),
  },
  { name: 'GET /api/admin/dashboard', call: () => ({ method: 'GET', url: '/api/admin/dashboard' }), expect: ADMIN_ONLY(200) },
  // DNS rebinding: a page under a foreign name that now points here is refused before anything runs.
  {
    name: 'GET pamroles under a foreign Host',
    call: () => ({ method: 'GET', url: `${API}/pamroles`, headers: { host: 'rebound.evil.example' } }),
    expect: PUBLIC(421),
  },
  {
    name: 'POST pamrequests under a foreign Host',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequests`, payload: FORM(f, f.ad), headers: { host: 'rebound.evil.example' } }),
    expect: PUBLIC(421),
  },
  {
    name: 'POST /api/session/login under a foreign Host',
    call: () => ({ method: 'POST', url: '/api/session/login', payload: { login: 'jen', password: 'jen' }, headers: { host: 'rebound.evil.example' } }),
    expect: PUBLIC(421),
  },
  {
    name: 'GET /api/me/notifications (the caller\'s own only)',
    call: () => ({ method: 'GET', url: '/api/me/notifications' }),
    expect: ANY_USER(200),
    check: (who, res) => {
      const body = res.json() as { events: { event: string }[]; deliveries: unknown[] };
      // ann approves ApprovalRole and hears of requests to approve; jen approves nothing.
      assert.equal(body.events.some((e) => e.event === 'approval-needed'), who === 'ann', who);
    },
  },
  { name: 'POST /api/me/notifications (wrong method)', call: () => ({ method: 'POST', url: '/api/me/notifications' }), expect: ANY_USER(405) },
  // Slack's interaction callback (docs/notifications.md): no Elevate credentials count, only Slack's signature.
  {
    name: 'POST /api/slack/interactions (unsigned: whoever sends it)',
    call: (f) => slackClick(f, 'not-the-secret'),
    expect: { nobody: 401, jen: 401, ann: 401, admin: 401 },
  },
  {
    name: 'POST /api/slack/interactions (signed by Slack, clicked by ann)',
    call: (f) => slackClick(f, SLACK_SIGNING),
    expect: { nobody: 200, jen: 200, ann: 200, admin: 200 },
  },
  // API tokens (docs/token-api.md). Tokens cannot manage tokens, except that one may revoke itself.
  { name: 'GET /api/me/tokens', call: () => ({ method: 'GET', url: '/api/me/tokens' }), expect: ANY_USER(200) },
  { name: 'POST /api/me/tokens', call: () => ({ method: 'POST', url: '/api/me/tokens', payload: { name: 'new', scopes: 'read' } }), expect: ANY_USER(201) },
  { name: 'DELETE /api/me/tokens/:token', call: () => ({ method: 'DELETE', url: '/api/me/tokens/spare' }), expect: ANY_USER(204) },
  {
    name: 'DELETE /api/me/tokens/current',
    call: () => ({ method: 'DELETE', url: '/api/me/tokens/current' }),
    expect: { nobody: 401, jen: 400, ann: 400, admin: 400 },
    tokenExpect: ANY_USER(204),
  },
  { name: 'PUT /api/me/tokens (wrong method)', call: () => ({ method: 'PUT', url: '/api/me/tokens' }), expect: ANY_USER(405) },
  { name: 'GET /api/admin/users/:name/tokens', call: () => ({ method: 'GET', url: '/api/admin/users/jen/tokens' }), expect: ADMIN_ONLY(200) },
  {
    name: 'POST /api/admin/users/:name/tokens',
    call: () => ({ method: 'POST', url: '/api/admin/users/bob/tokens', payload: { name: 'new', scopes: ['read', 'request'] } }),
    expect: ADMIN_ONLY(201),
    // Even an administrator's token with the admin scope mints no tokens.
    tokenExpect: ADMIN_ONLY(403),
  },
  {
    name: 'DELETE /api/admin/users/:name/tokens/:token',
    call: () => ({ method: 'DELETE', url: '/api/admin/users/jen/tokens/spare' }),
    expect: ADMIN_ONLY(204),
    tokenExpect: ADMIN_ONLY(403),
  },
  { name: 'PUT /api/admin/users/:name/tokens (wrong method)', call: () => ({ method: 'PUT', url: '/api/admin/users/jen/tokens' }), expect: ADMIN_ONLY(405) },
  { name: 'PUT /api/admin/users (wrong method)', call: () => ({ method: 'PUT', url: '/api/admin/users' }), expect: { nobody: 401, jen: [403, 405], ann: [403, 405], admin: 405 } },
];

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

/** Every row runs with single sign-on configured, so its routes are in the table; the provider is unreachable. */
const SLACK_SIGNING = 'matrix-slack-signing-secret';
const slackDir = tempDir();
writeFileSync(join(slackDir, 'slack.token'), 'xoxb-matrix\n');
writeFileSync(join(slackDir, 'slack.secret'), `${SLACK_SIGNING}\n`);
/** Every row runs with Slack configured too (its API unreachable: no row makes Slack calls), so its route is in the table. */
const MATRIX_SLACK = { tokenFile: join(slackDir, 'slack.token'), signingSecretFile: join(slackDir, 'slack.secret'), channel: '#access', apiUrl: 'http://127.0.0.1:9', users: { U0ANN: 'ann' } };
const MATRIX_APP = { config: { oidc: { issuer: 'http://127.0.0.1:9/', clientId: 'elevate' }, notifications: { slack: MATRIX_SLACK } } };

/** ann's Approve click on jen's pending request, as Slack posts it, signed with `secret`. */
function slackClick(f: Fixture, secret: string): Call {
  const raw = new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', user: { id: 'U0ANN' }, actions: [{ action_id: 'elevate_approve', value: f.approvalId }] }) }).toString();
  const ts = String(Math.floor(f.now / 1000));
  return { method: 'POST', url: '/api/slack/interactions', payload: raw, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': slackSignature(secret, ts, raw) } };
}
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
