/**
 * Shared helpers for the HTTP API tests: wire-shape assertions, snapshots of stored data taken
 * through the API, and small request builders. Not a test file itself.
 */
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { API, basic } from '../../support/harness.js';

export type Res = LightMyRequestResponse;

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A UTC time as the API writes it: ISO 8601 with Z, milliseconds' trailing zeros dropped. */
export const WIRE_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
export const UNSET = '0001-01-01T00:00:00';

export const ROLE_KEYS = [
  'RoleId',
  'DisplayName',
  'Description',
  'TTL',
  'AvailableFrom',
  'AvailableTo',
  'MFAEnabled',
  'ApprovalEnabled',
  'AvailabilityWindowEnabled',
].sort();

export const REQUEST_KEYS = [
  'RequestId',
  'CreatorID',
  'Justification',
  'DisplayName',
  'CreationTime',
  'CreationMethod',
  'ExpirationTime',
  'RoleId',
  'RequestedTTL',
  'RequestedTime',
  'RequestStatus',
].sort();

export const APPROVAL_KEYS = [
  'RoleName',
  'Requestor',
  'Justification',
  'RequestedTTL',
  'RequestedTime',
  'CreationTime',
  'FIMRequestID',
  'RequestorID',
  'ApprovalObjectID',
].sort();

export interface WireRole {
  RoleId: string;
  DisplayName: string;
  Description: string | null;
  TTL: string;
  AvailableFrom: string;
  AvailableTo: string;
  MFAEnabled: boolean;
  ApprovalEnabled: boolean;
  AvailabilityWindowEnabled: boolean;
}

export interface WireRequest {
  RequestId: string;
  CreatorID: string;
  Justification: string | null;
  DisplayName: string;
  CreationTime: string;
  CreationMethod: string;
  ExpirationTime: string;
  RoleId: string;
  RequestedTTL: string;
  RequestedTime: string;
  RequestStatus: string;
}

export interface WireApproval {
  RoleName: string;
  Requestor: string;
  Justification: string | null;
  RequestedTTL: string;
  RequestedTime: string;
  CreationTime: string;
  FIMRequestID: { Value: string };
  RequestorID: { Value: string };
  ApprovalObjectID: { Value: string };
}

/** The one error shape the sample portal can read, and nothing more. */
export function assertODataError(res: Res, status?: number | readonly number[], label = ''): { code: string; message: string } {
  const where = `${label} ${res.statusCode} ${res.body.slice(0, 300)}`;
  if (status !== undefined) {
    const ok = typeof status === 'number' ? [status] : status;
    assert.ok(ok.includes(res.statusCode), `expected status ${ok.join('/')}: ${where}`);
  }
  assert.ok(res.statusCode >= 400, `an error has status >= 400: ${where}`);
  assert.match(String(res.headers['content-type']), /^application\/json/, `error content-type: ${where}`);
  let body: unknown;
  assert.doesNotThrow(() => (body = JSON.parse(res.body)), `error body is JSON: ${where}`);
  assert.ok(body && typeof body === 'object' && !Array.isArray(body), where);
  assert.deepEqual(Object.keys(body as object), ['odata.error'], where);
  const e = (body as Record<string, unknown>)['odata.error'] as Record<string, unknown>;
  assert.ok(e && typeof e === 'object', where);
  assert.deepEqual(Object.keys(e).sort(), ['code', 'message'], where);
  assert.equal(typeof e.code, 'string', where);
  assert.ok((e.code as string).length > 0, where);
  const m = e.message as Record<string, unknown>;
  assert.ok(m && typeof m === 'object', where);
  assert.deepEqual(Object.keys(m).sort(), ['lang', 'value'], where);
  assert.equal(m.lang, 'en-US', where);
  assert.equal(typeof m.value, 'string', where);
  assert.ok((m.value as string).trim().length > 0, `message is not empty: ${where}`);
  return { code: e.code as string, message: m.value as string };
}

/** A collection envelope for `set`; returns its value. */
export function assertCollection<T>(res: Res, set: string): T[] {
  assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = res.json() as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['odata.metadata', 'value']);
  assertMetadataUrl(body['odata.metadata'], `#${set}`);
  assert.ok(Array.isArray(body.value));
  return body.value as T[];
}

export function assertMetadataUrl(url: unknown, fragment: string): void {
  assert.equal(typeof url, 'string');
  assert.match(url as string, /^https?:\/\/[^/]+\/api\/pamresources\/%24metadata#/, String(url));
  assert.ok((url as string).endsWith(`%24metadata${fragment}`), `${String(url)} ends with %24metadata${fragment}`);
}

export function assertRoleShape(r: WireRole): void {
  assert.deepEqual(Object.keys(r).sort(), ROLE_KEYS);
  assert.match(r.RoleId, GUID_RE);
  assert.equal(typeof r.DisplayName, 'string');
  assert.ok(r.Description === null || typeof r.Description === 'string');
  assert.equal(typeof r.TTL, 'string');
  assert.match(r.TTL, /^\d+$/);
  assert.match(r.AvailableFrom, /^0001-01-01T\d{2}:\d{2}:00$/);
  assert.match(r.AvailableTo, /^0001-01-01T\d{2}:\d{2}:00$/);
  for (const k of ['MFAEnabled', 'ApprovalEnabled', 'AvailabilityWindowEnabled'] as const) assert.equal(typeof r[k], 'boolean', k);
}

export function assertRequestShape(r: WireRequest): void {
  assert.deepEqual(Object.keys(r).sort(), REQUEST_KEYS);
  assert.match(r.RequestId, GUID_RE);
  assert.match(r.CreatorID, GUID_RE);
  assert.match(r.RoleId, GUID_RE);
  assert.ok(r.Justification === null || (typeof r.Justification === 'string' && r.Justification.trim() !== ''), `Justification ${r.Justification}`);
  assert.equal(typeof r.DisplayName, 'string');
  assert.match(r.CreationTime, WIRE_TIME_RE);
  assert.equal(r.CreationMethod, 'PAM Web API');
  assert.ok(r.ExpirationTime === UNSET || WIRE_TIME_RE.test(r.ExpirationTime), `ExpirationTime ${r.ExpirationTime}`);
  assert.equal(typeof r.RequestedTTL, 'string');
  assert.match(r.RequestedTTL, /^\d+$/);
  assert.match(r.RequestedTime, WIRE_TIME_RE);
  assert.ok(
    ['Processing', 'Scheduled', 'PendingMFA', 'PendingApproval', 'Active', 'Closing', 'Closed', 'Expired', 'Rejected'].includes(r.RequestStatus),
    r.RequestStatus,
  );
  if (r.RequestStatus === 'Active') assert.notEqual(r.ExpirationTime, UNSET, 'an Active request has an ExpirationTime');
  if (['PendingApproval', 'PendingMFA', 'Scheduled'].includes(r.RequestStatus)) assert.equal(r.ExpirationTime, UNSET);
}

export function assertApprovalShape(a: WireApproval): void {
  assert.deepEqual(Object.keys(a).sort(), APPROVAL_KEYS);
  assert.equal(typeof a.RoleName, 'string');
  assert.equal(typeof a.Requestor, 'string');
  assert.ok(a.Justification === null || typeof a.Justification === 'string');
  assert.match(a.RequestedTTL, /^\d+$/);
  assert.match(a.RequestedTime, WIRE_TIME_RE);
  assert.match(a.CreationTime, WIRE_TIME_RE);
  for (const k of ['FIMRequestID', 'RequestorID', 'ApprovalObjectID'] as const) {
    assert.deepEqual(Object.keys(a[k]), ['Value'], k);
    assert.match(a[k].Value, GUID_RE, k);
  }
}

/** The created-entity envelope: `...#pamrequests/@Element` and the properties at the top level. */
export function assertElement(res: Res, status: number | readonly number[] = 201): WireRequest {
  const ok = typeof status === 'number' ? [status] : status;
  assert.ok(ok.includes(res.statusCode), `expected ${ok.join('/')}: ${res.statusCode} ${res.body.slice(0, 400)}`);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = res.json() as Record<string, unknown>;
  assertMetadataUrl(body['odata.metadata'], '#pamrequests/@Element');
  const { 'odata.metadata': _m, ...rest } = body;
  const r = rest as unknown as WireRequest;
  assertRequestShape(r);
  return r;
}

/** 200 with an empty body that jQuery will not try to parse as JSON. */
export function assertEmptyOk(res: Res, label = ''): void {
  assert.equal(res.statusCode, 200, `${label} ${res.body.slice(0, 300)}`);
  assert.equal(res.body, '', label);
  const ct = res.headers['content-type'];
  assert.ok(ct === undefined || !/json/i.test(String(ct)), `${label} content-type must not be JSON: ${String(ct)}`);
}

/** `?$filter=...` etc. with values encoded as a browser would (%20, not +). */
export function qs(params: Record<string, string | number>): string {
  const parts = Object.entries(params).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

export async function get(app: FastifyInstance, url: string, login?: string): Promise<Res> {
  return app.inject({ method: 'GET', url, headers: login ? basic(login) : {} });
}

export async function listRoles(app: FastifyInstance, login: string, params: Record<string, string | number> = {}): Promise<WireRole[]> {
  return assertCollection<WireRole>(await get(app, `${API}/pamroles${qs(params)}`, login), 'pamroles');
}

export async function listRequests(app: FastifyInstance, login: string, params: Record<string, string | number> = {}): Promise<WireRequest[]> {
  return assertCollection<WireRequest>(await get(app, `${API}/pamrequests${qs(params)}`, login), 'pamrequests');
}

export async function listApprovals(app: FastifyInstance, login: string, params: Record<string, string | number> = {}): Promise<WireApproval[]> {
  return assertCollection<WireApproval>(await get(app, `${API}/pamrequeststoapprove${qs(params)}`, login), 'pamrequeststoapprove');
}

export async function requestById(app: FastifyInstance, login: string, id: string): Promise<WireRequest> {
  const found = (await listRequests(app, login)).find((r) => r.RequestId === id);
  assert.ok(found, `request ${id} is in ${login}'s history`);
  return found;
}

/** POST pamrequests with a JSON body. */
export async function createJson(app: FastifyInstance, login: string, body: Record<string, unknown>): Promise<Res> {
  return app.inject({ method: 'POST', url: `${API}/pamrequests`, headers: basic(login), payload: body });
}

/** POST pamrequests exactly as the sample portal's jQuery sends it. */
export async function createForm(
  app: FastifyInstance,
  login: string,
  p: { RoleId: string; RequestedTTL: string | number; Justification?: string; RequestedTime?: string },
): Promise<Res> {
  const payload =
    `Justification=${encodeURIComponent(p.Justification ?? '')}&RoleId=${encodeURIComponent(p.RoleId)}` +
    `&RequestedTTL=${encodeURIComponent(String(p.RequestedTTL))}&RequestedTime=${encodeURIComponent(p.RequestedTime ?? '')}`;
  return app.inject({
    method: 'POST',
    url: `${API}/pamrequests`,
    headers: { ...basic(login), 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    payload,
  });
}

export async function close(app: FastifyInstance, login: string, requestId: string): Promise<Res> {
  return app.inject({ method: 'POST', url: `${API}/pamrequests(guid'${requestId}')/Close`, headers: basic(login) });
}

export async function decide(app: FastifyInstance, login: string, approvalId: string, action: 'Approve' | 'Reject'): Promise<Res> {
  return app.inject({ method: 'POST', url: `${API}/pamrequeststoapprove(guid'${approvalId}')/${action}`, headers: basic(login) });
}

export interface Member {
  accountId: string;
  login: string;
  member: boolean;
  expected: boolean;
}

/** Who is in the group right now, asked as the administrator. */
export async function members(app: FastifyInstance, group: string): Promise<Member[]> {
  const res = await get(app, `/api/admin/groups/${encodeURIComponent(group)}/members`, 'admin');
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { value: Member[] }).value;
}

export async function isMember(app: FastifyInstance, group: string, login: string): Promise<boolean> {
  return (await members(app, group)).some((m) => m.login === login && m.member);
}

/**
 * Audit entries that record a change. A token presented for a call is audited before the call runs
 * (`token.used`), refused or not: that records an attempt, not a change.
 */
export async function auditCount(app: FastifyInstance): Promise<number> {
  const res = await get(app, '/api/admin/audit?limit=10000', 'admin');
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { value: { action: string }[] }).value.filter((e) => e.action !== 'token.used').length;
}

/** Everything a refused call must leave alone: each user's requests, approvals, the audit length and group memberships. */
export async function snapshot(app: FastifyInstance): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const login of ['jen', 'ann', 'admin']) {
    out[`requests:${login}`] = await listRequests(app, login);
    out[`approvals:${login}`] = await listApprovals(app, login);
  }
  out.audit = await auditCount(app);
  for (const path of ['/api/admin/users', '/api/admin/groups', '/api/admin/roles']) {
    const res = await get(app, path, 'admin');
    assert.equal(res.statusCode, 200, res.body);
    out[path] = res.json();
  }
  for (const g of ['CORP Domain Admins', 'Approved Operators', 'MFA Protected Share', 'Business Hours Ops']) out[`members:${g}`] = await members(app, g);
  // API tokens, but not when each was last used: a refused call may still have shown its token.
  for (const login of ['jen', 'ann', 'admin']) {
    const res = await get(app, `/api/admin/users/${login}/tokens`, 'admin');
    assert.equal(res.statusCode, 200, res.body);
    out[`tokens:${login}`] = (res.json() as { value: { lastUsedAt?: unknown }[] }).value.map(({ lastUsedAt: _l, ...rest }) => rest);
  }
  return out;
}

/** A cheaper snapshot for property tests: requests of every user plus the audit length. */
export async function dataSnapshot(app: FastifyInstance): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const login of ['jen', 'ann', 'admin']) out[login] = await listRequests(app, login);
  out.audit = await auditCount(app);
  return out;
}

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
export const iso = (ms: number): string => new Date(ms).toISOString();
/** The wire form of an instant (trailing zero milliseconds dropped). */
export const wire = (ms: number): string => {
  const s = new Date(ms).toISOString();
  return s.endsWith('.000Z') ? `${s.slice(0, -5)}Z` : s.replace(/0+Z$/, 'Z');
};
