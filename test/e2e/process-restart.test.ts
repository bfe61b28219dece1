import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { tempDir } from '../support/harness.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const dataDir = tempDir('elevate-e2e-');
const running: ServerProcess[] = [];
after(async () => {
  for (const s of running) await s.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const auth = (login: string) => ({ authorization: `Basic ${Buffer.from(`${login}:${login}`).toString('base64')}` });
const api = (s: ServerProcess) => `${s.url}/api/pamresources`;

async function start(): Promise<ServerProcess> {
  const s = await startServerProcess(['--demo', '--data', dataDir]);
  running.push(s);
  return s;
}

async function create(s: ServerProcess, login: string, params: Record<string, string>) {
  const res = await fetch(`${api(s)}/pamrequests`, {
    method: 'POST',
    headers: { ...auth(login), 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    body: new URLSearchParams(params).toString(),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as { RequestId: string; RequestStatus: string };
}

async function statusOf(s: ServerProcess, login: string, id: string): Promise<string> {
  const res = await fetch(`${api(s)}/pamrequests?$filter=${encodeURIComponent(`RequestId eq guid'${id}'`)}`, { headers: auth(login) });
  return ((await res.json()) as { value: { RequestStatus: string }[] }).value[0]!.RequestStatus;
}

async function members(s: ServerProcess): Promise<string[]> {
  const res = await fetch(`${s.url}/api/admin/groups/${encodeURIComponent('CORP Domain Admins')}/members`, { headers: auth('admin') });
  return ((await res.json()) as { value: { login: string; member: boolean }[] }).value.filter((m) => m.member).map((m) => m.login);
}

test('killed with SIGKILL, a server comes back and does the expiries and starts that fell due', { timeout: 60_000 }, async () => {
  let s = await start();
  const roles = (await (await fetch(`${api(s)}/pamroles`, { headers: auth('jen') })).json()) as { value: { RoleId: string; DisplayName: string }[] };
  const roleId = roles.value.find((r) => r.DisplayName === 'Allow AD Access')!.RoleId;

  const short = await create(s, 'jen', { RoleId: roleId, RequestedTTL: '2', Justification: 'short' });
  assert.equal(short.RequestStatus, 'Active');
  const later = await create(s, 'ann', { RoleId: roleId, RequestedTTL: '600', RequestedTime: new Date(Date.now() + 2500).toISOString() });
  assert.equal(later.RequestStatus, 'Scheduled');
  assert.deepEqual(await members(s), ['jen']);

  // Crash before either is due, and stay down until both are overdue.
  await s.kill9();
  await new Promise((r) => setTimeout(r, 3500));

  s = await start();
  // The start-up pass runs before the server listens, so the first answer already reflects it.
  assert.equal(await statusOf(s, 'jen', short.RequestId), 'Expired');
  assert.equal(await statusOf(s, 'ann', later.RequestId), 'Active');
  assert.deepEqual(await members(s), ['ann']);
  assert.match(s.output(), /due work done/);
  assert.match(s.output(), /"expiries":1/);

  // The late expiry is in this node's lateness histogram, beside the process figures.
  const metrics = await (await fetch(`${s.url}/metrics`, { headers: auth('admin') })).text();
  assert.match(metrics, /^elevate_expiry_handling_lateness_seconds_count 1$/m);
  assert.match(metrics, /^elevate_revocation_lateness_seconds 0$/m);
  assert.match(metrics, /^process_resident_memory_bytes \d+/m);
});
