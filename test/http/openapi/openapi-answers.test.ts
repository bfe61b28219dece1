import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { API, basic, makeApp, roleId, type TestApp } from '../../support/harness.js';

// Real answers checked against the schemas the document gives for them (JSON Schema 2020-12, as
// OpenAPI 3.1 uses): the document describes what the server sends, not what someone meant it to.

type Op = { responses: Record<string, { content?: Record<string, { schema: object }> }> };
type Doc = { paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, object> } };

let t: TestApp;
let doc: Doc;
const ajv = new Ajv2020({ strict: false, allErrors: true });

before(async () => {
  t = await makeApp();
  doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
});
after(() => t.destroy());

/** Calls the server and checks the answer against the document's schema for that path, method and status. */
async function check(path: string, call: { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; who?: string; payload?: object }, status: number): Promise<unknown> {
  const res = await t.app.inject({ method: call.method, url: call.url, headers: call.who ? basic(call.who) : {}, payload: call.payload });
  assert.equal(res.statusCode, status, res.body);
  const schema = doc.paths[path]?.[call.method.toLowerCase()]?.responses[String(status)]?.content?.['application/json']?.schema;
  assert.ok(schema, `the document has no JSON schema for ${call.method} ${path} ${status}`);
  const validate = ajv.compile({ ...schema, components: doc.components });
  const body = res.json();
  assert.ok(validate(body), `${call.method} ${call.url} ${status}: ${ajv.errorsText(validate.errors)}\n${res.body.slice(0, 500)}`);
  return body;
}

test('MIM answers match their documented OData shapes', async () => {
  const rows = (await check(`${API}/pamroles`, { method: 'GET', url: `${API}/pamroles`, who: 'jen' }, 200)) as { value: unknown[] };
  assert.ok(rows.value.length > 0);
  const RoleId = await roleId(t.app, 'ApprovalRole');
  await check(`${API}/pamrequests`, { method: 'POST', url: `${API}/pamrequests`, who: 'jen', payload: { RoleId, RequestedTTL: '600', Justification: 'openapi check' } }, 201);
  await check(`${API}/pamrequests`, { method: 'GET', url: `${API}/pamrequests?$filter=RequestStatus eq 'PendingApproval'`, who: 'jen' }, 200);
  const approvals = (await check(`${API}/pamrequeststoapprove`, { method: 'GET', url: `${API}/pamrequeststoapprove`, who: 'ann' }, 200)) as { value: unknown[] };
  assert.ok(approvals.value.length > 0, 'ann approves ApprovalRole in the demo data');
  await check(`${API}/sessioninfo`, { method: 'GET', url: `${API}/sessioninfo`, who: 'jen' }, 200);
  // The error shape, documented on every operation.
  await check(`${API}/pamrequests`, { method: 'POST', url: `${API}/pamrequests`, who: 'jen', payload: { RoleId: 'not-a-guid', RequestedTTL: '600' } }, 400);
  await check(`${API}/pamroles`, { method: 'GET', url: `${API}/pamroles` }, 401);
});

test('extension answers match their documented shapes', async () => {
  await check('/api/session', { method: 'GET', url: '/api/session', who: 'jen' }, 200);
  await check('/api/session/methods', { method: 'GET', url: '/api/session/methods' }, 200);
  await check('/api/mfa', { method: 'GET', url: '/api/mfa', who: 'jen' }, 200);
  await check('/api/me/endings', { method: 'GET', url: '/api/me/endings?ids=00000000-0000-0000-0000-000000000001', who: 'jen' }, 200);
  await check('/api/admin/users', { method: 'GET', url: '/api/admin/users', who: 'admin' }, 200);
  await check('/api/admin/roles', { method: 'GET', url: '/api/admin/roles', who: 'admin' }, 200);
  await check('/api/admin/groups', { method: 'GET', url: '/api/admin/groups', who: 'admin' }, 200);
  await check('/api/admin/holdings', { method: 'GET', url: '/api/admin/holdings', who: 'admin' }, 200);
  await check('/api/admin/audit', { method: 'GET', url: '/api/admin/audit?limit=20', who: 'admin' }, 200);
  await check('/api/admin/users/{name}', { method: 'GET', url: '/api/admin/users/jen', who: 'admin' }, 200);
  await check('/healthz', { method: 'GET', url: '/healthz' }, 200);
});

test('a body the schema refuses answers 400 in the OData shape, naming the field, and changes nothing', async () => {
  const users = async () => ((await t.app.inject({ method: 'GET', url: '/api/admin/users', headers: basic('admin') })).json() as { value: unknown[] }).value.length;
  const before = await users();
  const body = (await check('/api/admin/users', { method: 'POST', url: '/api/admin/users', who: 'admin', payload: { login: 'zed', isAdmin: 'yes' } }, 400)) as {
    'odata.error': { code: string; message: { value: string } };
  };
  assert.equal(body['odata.error'].code, 'BadRequest');
  assert.match(body['odata.error'].message.value, /^Invalid body: isAdmin: /);
  const query = (await check('/api/admin/audit', { method: 'GET', url: '/api/admin/audit?limit=0', who: 'admin' }, 400)) as { 'odata.error': { message: { value: string } } };
  assert.match(query['odata.error'].message.value, /^Invalid query: limit: /);
  assert.equal(await users(), before);
});

test('a non-administrator is refused before the body is read: 403, not 400', async () => {
  await check('/api/admin/users', { method: 'POST', url: '/api/admin/users', who: 'jen', payload: { login: 5 } }, 403);
  await check('/api/admin/users/{name}/tokens', { method: 'POST', url: '/api/admin/users/jen/tokens', who: 'jen', payload: { name: 5 } }, 403);
});
