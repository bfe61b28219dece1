/** The authorization matrix's rows for the administration API, policy, revoke, break-glass, the admin console, host checks, Slack and API tokens. */
import assert from 'node:assert/strict';
import { API } from '../../support/harness.js';
import { type Row, ADMIN_ONLY, ANY_USER, PUBLIC, FORM, value, SLACK_SIGNING, slackClick } from './authorization-matrix.js';

export const ADMIN_ROWS: Row[] = [
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
