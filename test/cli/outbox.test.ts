import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { upsertGroup } from '../../src/app/admin/groups.js';
import { LOCAL_OPERATOR } from '../../src/app/admin/require-admin.js';
import { upsertRole } from '../../src/app/admin/roles.js';
import { upsertUser } from '../../src/app/admin/users.js';
import { callerOf } from '../../src/app/authenticate.js';
import { closeRequestUseCase } from '../../src/app/close-request.js';
import { createRequestUseCase } from '../../src/app/create-request.js';
import { runOutbox } from '../../src/app/outbox/run-outbox.js';
import { FakeClock, makeCore } from '../support/harness.js';
import { cliJson, runCli, storeFlags, tempDir } from './run-cli.js';

test('elevate outbox lists waiting and failing jobs with their errors, and how late the oldest revocation is', async (t) => {
  const dir = tempDir(t);
  const data = join(dir, 'data');
  const passwordFile = join(dir, 'bind-password');
  writeFileSync(passwordFile, 'not-used-nothing-answers\n', { mode: 0o600 });
  const config = join(dir, 'elevate.yaml');
  // Port 1 on loopback refuses at once: a directory that is down.
  writeFileSync(config, ['directories:', '  corp:', '    url: ldap://127.0.0.1:1', '    bindDn: cn=admin,dc=corp', `    bindPasswordFile: ${passwordFile}`, '    userBase: ou=people,dc=corp', '    timeoutMs: 500', ''].join('\n'));

  // Ten minutes ago (real time, since the CLI reads the system clock) bob asks and then closes.
  const clock = new FakeClock(Date.now() - 10 * 60_000);
  const c = await makeCore({
    clock,
    dataDir: data,
    demo: false,
    config: { directories: { corp: { url: 'ldap://127.0.0.1:1', bindDn: 'cn=admin,dc=corp', bindPasswordFile: passwordFile, userBase: 'ou=people,dc=corp', timeoutMs: 500 } } },
  });
  t.after(() => c.destroy());
  const store = storeFlags(c);
  const where = [...store.args, '--config', config];

  const empty = await runCli(['outbox', '--init', ...where], { env: store.env });
  assert.equal(empty.code, 0, empty.stderr);
  assert.equal(empty.stdout.trim(), 'outbox empty: every grant and revoke has reached its directory');

  const deps = c.core.deps;
  await upsertUser(deps, c.core.hasher, LOCAL_OPERATOR, { login: 'bob' }, 'create');
  await upsertGroup(deps, LOCAL_OPERATOR, { name: 'Directory Admins', directory: 'corp', dn: 'cn=admins,dc=corp', memberAttribute: 'member' }, 'create');
  await upsertRole(deps, LOCAL_OPERATOR, { name: 'LDAP Admin', ttlSeconds: 3600, groups: ['Directory Admins'], candidates: ['bob'] }, 'create');
  const bob = await c.core.store.read(async (tx) => callerOf((await tx.accounts.byLogin('bob'))!));
  const role = (await c.core.store.read((tx) => tx.roles.byName('LDAP Admin')))!;
  const { request } = await createRequestUseCase(deps, bob, { roleId: role.id, ttlSeconds: 600, justification: null, requestedAt: null, creationMethod: 'test' });
  const report = await runOutbox(deps, { directoryFor: (n) => c.core.directories.get(n) });
  assert.equal(report.failed.length, 1);
  assert.equal((await closeRequestUseCase(deps, bob, request.id)).status, 'Closing');
  await c.close();

  const r = await runCli(['outbox', ...where], { env: store.env });
  assert.equal(r.code, 0, r.stderr);
  const [summary, header, grant, revoke] = r.stdout.trimEnd().split('\n');
  assert.match(summary!, /^1 grant\(s\) and 1 revoke\(s\) waiting, 1 failing; the oldest revocation is 10m(\d{1,2}s)? late$/);
  assert.match(header!, /^JOB\s+KIND\s+GROUP\s+DIRECTORY\s+USER\s+REQUEST\s+ATTEMPTS\s+NEXT TRY\s+LAST ERROR$/);
  assert.match(grant!, new RegExp(`^1\\s+grant\\s+Directory Admins\\s+corp\\s+bob\\s+${request.id}\\s+1\\s+\\S+ \\S+\\s+\\S.*127\\.0\\.0\\.1:1`));
  assert.match(revoke!, new RegExp(`^2\\s+revoke\\s+Directory Admins\\s+corp\\s+bob\\s+${request.id}\\s+0\\s+\\S+ \\S+\\s+-$`));

  const jobs = await cliJson<{ id: number; kind: string; attempts: number; lastError: string | null; login: string }[]>(['outbox', ...where], { env: store.env });
  assert.deepEqual(
    jobs.map((j) => [j.id, j.kind, j.login, j.attempts, j.lastError !== null]),
    [
      [1, 'grant', 'bob', 1, true],
      [2, 'revoke', 'bob', 0, false],
    ],
  );
});
