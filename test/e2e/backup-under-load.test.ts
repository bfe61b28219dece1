import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SqliteStore } from '../../src/adapters/store/sqlite/sqlite-store.js';
import { cliJson, runCli } from '../cli/run-cli.js';
import { tempDir } from '../support/harness.js';
import { startServerProcess } from '../support/server-process.js';

const USERS = Array.from({ length: 16 }, (_, i) => `u${String(i).padStart(2, '0')}`);
const ROLES = ['R0', 'R1', 'R2', 'R3'];

test('a backup taken while requests are being created holds every request acknowledged before it began', { timeout: 240_000 }, async (t) => {
  const dir = tempDir('elevate-backup-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const data = join(dir, 'data');
  const declaration = join(dir, 'access.yaml');
  writeFileSync(
    declaration,
    [
      'users:',
      ...USERS.map((u) => `  - { login: ${u}, password: pw-${u} }`),
      'roles:',
      ...ROLES.map((r) => `  - { name: ${r}, ttl: 1h, candidates: [${USERS.join(', ')}] }`),
      '',
    ].join('\n'),
  );
  assert.equal((await runCli(['apply', '-f', declaration, '--init', '--data', data])).code, 0);
  const server = await startServerProcess(['--data', data]);
  try {
    const basic = (u: string) => `Basic ${Buffer.from(`${u}:pw-${u}`).toString('base64')}`;
    const roles = (await (await fetch(`${server.url}/api/pamresources/pamroles`, { headers: { authorization: basic(USERS[0]!) } })).json()) as {
      value: { RoleId: string; DisplayName: string }[];
    };
    assert.equal(roles.value.length, ROLES.length);
    const acked: { id: string; at: number }[] = [];
    const work = USERS.flatMap((u) => roles.value.map((r) => ({ u, roleId: r.RoleId })));
    let next = 0;
    const worker = async () => {
      while (next < work.length) {
        const { u, roleId } = work[next++]!;
        const res = await fetch(`${server.url}/api/pamresources/pamrequests`, {
          method: 'POST',
          headers: { authorization: basic(u), 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ RoleId: roleId, RequestedTTL: '3600', Justification: 'backup test' }).toString(),
        });
        assert.equal(res.status, 201, await res.clone().text());
        acked.push({ id: ((await res.json()) as { RequestId: string }).RequestId, at: Date.now() });
      }
    };
    const load = Promise.all(Array.from({ length: 4 }, worker));
    // Start the backup once a part of the load is in, while the rest keeps coming.
    while (acked.length < work.length / 3) await new Promise((r) => setTimeout(r, 20));
    const backupStarted = Date.now();
    const file = join(dir, 'under-load.db');
    const backup = cliJson(['backup', '--data', data, '--to', file]);
    const [report] = await Promise.all([backup, load]);
    assert.equal(report.auditBrokenAtSeq, null);
    const before = acked.filter((a) => a.at < backupStarted).map((a) => a.id);
    assert.ok(before.length >= work.length / 3);
    assert.ok(acked.length === work.length, 'the load went on while the backup ran');

    const restored = join(dir, 'restored');
    const r = await cliJson(['restore', '--from', file, '--data', restored]);
    assert.equal(r.auditBrokenAtSeq, null);
    const store = SqliteStore.open(restored, { accountDomain: 'CONTOSO' });
    try {
      const ids = new Set((await store.kysely().selectFrom('requests').select('id').execute()).map((row) => row.id));
      const lost = before.filter((id) => !ids.has(id));
      assert.deepEqual(lost, [], `${lost.length} of ${before.length} acknowledged requests are missing from the backup`);
      assert.equal(r.requests, ids.size);
    } finally {
      await store.close();
    }
    const verify = await runCli(['audit', 'verify', '--data', restored]);
    assert.equal(verify.code, 0, verify.stderr);
  } finally {
    await server.stop();
  }
});

test('serve logs the migrations it applied, says how to create the first administrator, and creates one from the bootstrap settings', { timeout: 120_000 }, async (t) => {
  const dir = tempDir('elevate-first-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bare = await startServerProcess(['--data', join(dir, 'bare')]);
  await bare.stop();
  const log = bare.output();
  assert.match(log, /store schema migrated: applied 0001-initial, 0002-mfa/);
  assert.match(log, /no administrator exists: .*elevate init --data .*bare --admin LOGIN --password-file FILE/);
  const restarted = await startServerProcess(['--data', join(dir, 'bare')]);
  await restarted.stop();
  assert.doesNotMatch(restarted.output(), /store schema migrated/, 'an up-to-date store migrates nothing');

  const pw = join(dir, 'root.pw');
  writeFileSync(pw, 'root-pw\n', { mode: 0o600 });
  const env = { ELEVATE_BOOTSTRAP_ADMIN: 'root', ELEVATE_BOOTSTRAP_ADMIN_PASSWORD_FILE: pw };
  const boot = await startServerProcess(['--data', join(dir, 'boot')], env);
  try {
    const me = await fetch(`${boot.url}/api/admin/users`, { headers: { authorization: `Basic ${Buffer.from('root:root-pw').toString('base64')}` } });
    assert.equal(me.status, 200);
    assert.match(boot.output(), /first administrator created from bootstrapAdmin/);
    assert.doesNotMatch(boot.output(), /no administrator exists/);
    assert.doesNotMatch(boot.output(), /root-pw/, 'the password is never logged');
  } finally {
    await boot.stop();
  }
});
