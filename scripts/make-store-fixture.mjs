// Makes one store fixture with the code of an older Elevate: run by make-store-fixtures.sh as
//   node scripts/make-store-fixture.mjs OLD_ROOT DATA_DIR
// where OLD_ROOT is a built checkout of that older commit. Only APIs every version since the first
// has (loadConfig, startServer with the demo seed, the MIM and admin HTTP APIs) are used, so one
// script drives them all; what a version lacks (an MFA key before 0002) it simply does not make.
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';

const [root, dataDir] = process.argv.slice(2).map((p) => resolve(p));
const load = await import(pathToFileURL(join(root, 'dist/src/config/load.js')).href);
const main = await import(pathToFileURL(join(root, 'dist/src/main.js')).href);

const config = load.loadConfig({ env: {}, overrides: { dataDir, port: 0, host: '127.0.0.1', demo: true, tickMs: 100, logLevel: 'warn' } });
const server = await main.startServer(config);
const base = server.url.replace('0.0.0.0', '127.0.0.1');

async function call(login, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: 'Basic ' + Buffer.from(`${login}:${login}`).toString('base64'), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${login} ${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
const admin = (method, path, body) => call('admin', method, '/api/admin' + path, body);
const mim = (login, method, path, body) => call(login, method, '/api/pamresources' + path, body);

const roleId = async (login, name) => {
  const roles = (await mim(login, 'GET', '/pamroles')).value;
  const r = roles.find((x) => x.DisplayName === name);
  if (!r) throw new Error(`${login} cannot see role ${name}`);
  return r.RoleId;
};
const request = async (login, role, ttl, justification) =>
  (await mim(login, 'POST', '/pamrequests', { RoleId: await roleId(login, role), RequestedTTL: String(ttl), Justification: justification }));
const approvalOf = async (login, req) =>
  (await mim(login, 'GET', '/pamrequeststoapprove')).value.find((a) => a.FIMRequestID.Value === req.RequestId).ApprovalObjectID.Value;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// People: the demo's jen, ann (approver) and admin, plus bob with a password and dave disabled.
await admin('POST', '/users', { login: 'bob', displayName: 'Bob', email: 'bob@priv.example', password: 'bob' });
await admin('POST', '/users', { login: 'dave', displayName: 'Dave', password: 'dave', disabled: true });
await admin('POST', '/groups', { name: 'Fixture Ops', description: 'embedded group of the fixture roles' });
await admin('POST', '/roles', { name: 'Short Role', ttlSeconds: 3600, groups: ['Fixture Ops'], candidates: ['bob', 'dave'] });
await admin('POST', '/roles', { name: 'Bob Approval', ttlSeconds: 3600, approvalRequired: true, approvers: ['ann'], groups: ['Fixture Ops'], candidates: ['bob'] });

// Requests in each state the upgrade must keep.
await request('jen', 'Allow AD Access', 3600, 'stays Active');
await request('jen', 'ApprovalRole', 3600, 'stays PendingApproval');
await request('ann', 'Allow AD Access', 3600, 'closed by a deactivation');
await request('ann', 'Allow AD Access', 0, 'the deactivation');
await request('bob', 'Short Role', 1, 'expires');
const rejected = await request('bob', 'Bob Approval', 3600, 'rejected');
await mim('ann', 'POST', `/pamrequeststoapprove(guid'${await approvalOf('ann', rejected)}')/Reject`, { Comment: 'no' });
const approved = await request('bob', 'Bob Approval', 1800, 'approved, stays Active');
await mim('ann', 'POST', `/pamrequeststoapprove(guid'${await approvalOf('ann', approved)}')/Approve`, { Comment: 'yes' });

// Wait for the scheduler to grant the approved request and expire the one-second one.
for (let i = 0; ; i++) {
  const mine = (await mim('bob', 'GET', '/pamrequests')).value;
  const byJ = (j) => mine.find((r) => r.Justification === j)?.RequestStatus;
  if (byJ('expires') === 'Expired' && byJ('approved, stays Active') === 'Active') break;
  if (i > 200) throw new Error('bob: ' + JSON.stringify(mine.map((r) => [r.Justification, r.RequestStatus])));
  await sleep(100);
}
await admin('PATCH', '/users/dave', { displayName: 'Dave (left)' });
await server.close();
console.log('fixture made in', dataDir);
