import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../support/harness.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { type Slapd, corpDirectoryYaml, startSlapd, valuesOn } from '../support/slapd.js';

let slapd: Slapd;
let dataDir: string;
let configFile: string;
const running: ServerProcess[] = [];

before(async () => {
  slapd = await startSlapd();
  dataDir = tempDir('elevate-crash-');
  configFile = join(dataDir, 'elevate.yaml');
  writeFileSync(
    configFile,
    [
      ...corpDirectoryYaml(slapd),
      'tickMs: 200',
    ].join('\n'),
  );
  const admin = async (args: string[], input?: string) => {
    const r = await runCli([...args, '--init', '--data', dataDir, '--config', configFile], input === undefined ? {} : { input });
    assert.equal(r.code, 0, r.stderr);
  };
  await admin(['user', 'add', 'bob', '--password-stdin'], 'bob\n');
  await admin(['group', 'add', 'Directory Admins', '--directory', 'corp', '--dn', `cn=admins,${slapd.groups}`]);
  await admin(['role', 'add', 'LDAP Admin', '--ttl', '3600', '--group', 'Directory Admins', '--candidate', 'bob']);
});

after(async () => {
  for (const s of running) await s.stop();
  try {
    process.kill(slapd.pid, 'SIGCONT');
  } catch {
    // already stopped
  }
  await slapd.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const auth = { authorization: `Basic ${Buffer.from('bob:bob').toString('base64')}` };

async function start(): Promise<ServerProcess> {
  const s = await startServerProcess(['--data', dataDir, '--config', configFile]);
  running.push(s);
  return s;
}

async function statusOf(s: ServerProcess, id: string): Promise<string> {
  const res = await fetch(`${s.url}/api/pamresources/pamrequests?$filter=${encodeURIComponent(`RequestId eq guid'${id}'`)}`, { headers: auth });
  return ((await res.json()) as { value: { RequestStatus: string }[] }).value[0]!.RequestStatus;
}

async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('killed with SIGKILL while a grant is on its way to the directory, the grant lands after restart', { timeout: 90_000 }, async () => {
  const bobDn = `uid=bob,${slapd.people}`;
  let s = await start();
  const roles = (await (await fetch(`${s.url}/api/pamresources/pamroles`, { headers: auth })).json()) as { value: { RoleId: string }[] };

  // The directory hangs, so the worker is inside its call when the process dies.
  process.kill(slapd.pid, 'SIGSTOP');
  const res = await fetch(`${s.url}/api/pamresources/pamrequests`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ RoleId: roles.value[0]!.RoleId, RequestedTTL: '600' }).toString(),
  });
  assert.equal(res.status, 201);
  const created = (await res.json()) as { RequestId: string; RequestStatus: string };
  assert.equal(created.RequestStatus, 'Processing', 'the state change committed; the directory has not answered');
  await new Promise((r) => setTimeout(r, 500)); // the worker picks the job up and blocks on the directory
  await s.kill9();
  process.kill(slapd.pid, 'SIGCONT');
  assert.ok(!(await valuesOn(slapd, `cn=admins,${slapd.groups}`, 'member')).includes(bobDn));

  s = await start();
  await until('the grant is confirmed', async () => (await statusOf(s, created.RequestId)) === 'Active');
  assert.ok((await valuesOn(slapd, `cn=admins,${slapd.groups}`, 'member')).includes(bobDn));

  // The same for a revoke: close, die before the directory hears of it, restart.
  process.kill(slapd.pid, 'SIGSTOP');
  const close = await fetch(`${s.url}/api/pamresources/pamrequests(guid'${created.RequestId}')/Close`, { method: 'POST', headers: auth });
  assert.equal(close.status, 200);
  assert.equal(await statusOf(s, created.RequestId), 'Closing');
  await new Promise((r) => setTimeout(r, 500));
  await s.kill9();
  process.kill(slapd.pid, 'SIGCONT');
  s = await start();
  await until('the revoke is confirmed', async () => (await statusOf(s, created.RequestId)) === 'Closed');
  assert.ok(!(await valuesOn(slapd, `cn=admins,${slapd.groups}`, 'member')).includes(bobDn));
});
