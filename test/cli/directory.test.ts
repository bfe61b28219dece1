import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { makeCore } from '../support/harness.js';
import { type Slapd, startSlapd } from '../support/slapd.js';
import { type CliResult, runCli, tempDir } from './run-cli.js';

let slapd: Slapd;
before(async () => {
  slapd = await startSlapd();
});
after(() => slapd?.stop());

/** `elevate directory test ...`, asserting that no password (the bind password, `secrets`) shows up in its output. */
async function directoryTest(args: string[], opts: { env?: Record<string, string>; secrets?: string[] } = {}): Promise<CliResult> {
  const r = await runCli(['directory', 'test', ...args], opts.env ? { env: opts.env } : {});
  for (const secret of [slapd.bindPassword, ...(opts.secrets ?? [])]) {
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), `a password is in the output:\n${r.stdout}${r.stderr}`);
  }
  return r;
}

const flags = () => ['--url', slapd.url, '--bind-dn', slapd.bindDn, '--bind-password-file', slapd.bindPasswordFile];
const ADMINS = () => `cn=admins,ou=groups,${slapd.baseDn}`;

/** The step lines of the human output, with the run-dependent connect timing blanked. */
const stepLines = (out: string) =>
  out
    .split('\n')
    .filter((l) => /^ {2}(ok|FAIL)/.test(l))
    .map((l) => l.replace(/ in \d+ ms$/, ' in N ms').replace(/\s+/g, ' ').trim());

test('all well, without a config file: every step ok, exit 0', async () => {
  const r = await directoryTest([...flags(), '--user-base', slapd.people, '--user-filter', '(uid={login})', '--login', 'alice', '--group', ADMINS()]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const port = new URL(slapd.url).port;
  assert.deepEqual(stepLines(r.stdout), [
    `ok connect reached 127.0.0.1:${port} in N ms`,
    'ok tls not used: ldap:// without startTls sends the bind password and sign-in passwords in clear text',
    `ok bind bound as ${slapd.bindDn}`,
    `ok user-lookup alice is uid=alice,${slapd.people}`,
    `ok group group ${ADMINS()} exists (groupOfNames, 1 member value); without emptyGroupMember its last member cannot be removed`,
  ]);
  assert.match(r.stdout, /^directory \(from the command line\) at ldap:\/\/127\.0\.0\.1:\d+\n/);
  assert.match(r.stdout, /all 5 checks passed\n$/);
});

test('a configured directory by name, with --json; --data adds the groups Elevate keeps there', async (t) => {
  const dir = tempDir(t);
  const config = join(dir, 'elevate.yaml');
  writeFileSync(
    config,
    [
      'directories:',
      '  corp:',
      `    url: ${slapd.url}`,
      `    bindDn: ${slapd.bindDn}`,
      '    bindPasswordEnv: CORP_LDAP_PW',
      `    userBase: ${slapd.people}`,
      '',
    ].join('\n'),
  );
  const env = { CORP_LDAP_PW: slapd.bindPassword };
  // Two groups Elevate keeps in 'corp' (one of them gone from the directory) and one of its own.
  const data = join(dir, 'data');
  // SQLite whatever the run's store: `--data` names an embedded store (on PostgreSQL runs the CLI
  // once created an empty one there instead of refusing).
  const { core, close } = await makeCore({ dataDir: data, demo: false, store: 'sqlite' });
  await core.store.transaction(async (tx) => {
    await tx.groups.insert({ id: 'g1', name: 'Admins', description: null, directory: 'corp', dn: ADMINS(), memberAttribute: 'member', reconcile: 'report' });
    await tx.groups.insert({ id: 'g2', name: 'Old', description: null, directory: 'corp', dn: `cn=old,ou=groups,${slapd.baseDn}`, memberAttribute: 'member', reconcile: 'report' });
    await tx.groups.insert({ id: 'g3', name: 'Local', description: null, directory: 'embedded', dn: null, memberAttribute: null, reconcile: 'report' });
  });
  await close();
  const r = await directoryTest(['corp', '--config', config, '--login', 'bob', '--data', data, '--json'], { env });
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.ok, false);
  assert.equal(out.directories[0].name, 'corp');
  assert.deepEqual(out.directories[0].steps.map((s: { step: string; ok: boolean; detail: string }) => `${s.step}:${s.ok}`), [
    'connect:true',
    'tls:true',
    'bind:true',
    'user-lookup:true',
    'group:true',
    'group:false',
  ]);
  assert.equal(out.directories[0].steps[3].detail, `bob is uid=bob,${slapd.people}`);
  assert.match(out.directories[0].steps[4].detail, /^group cn=admins,.* \(Elevate group 'Admins'\) exists/);
  assert.equal(out.directories[0].steps[5].detail, `group cn=old,ou=groups,${slapd.baseDn} does not exist`);


  // Without a name, every configured directory is tested.
  assert.equal((await directoryTest(['--config', config, '--login', 'bob'], { env })).code, 0);
  const unknown = await directoryTest(['hr', '--config', config], { env });
  assert.deepEqual([unknown.code, unknown.stderr], [1, "elevate: no directory named 'hr' is configured (configured: corp)\n"]);
  const unset = await directoryTest(['corp', '--config', config]);
  assert.equal(unset.code, 1);
  assert.match(unset.stdout, /FAIL\s+bind\s+bind as cn=admin,dc=example,dc=test not attempted: the environment variable CORP_LDAP_PW \(bind password\) is not set or empty/);
});

test('a wrong bind password: exit 1, and the bind step says so', async (t) => {
  const pw = join(tempDir(t), 'wrong');
  writeFileSync(pw, 'not-the-password\n');
  const r = await directoryTest(['--url', slapd.url, '--bind-dn', slapd.bindDn, '--bind-password-file', pw, '--user-base', slapd.people], {
    secrets: ['not-the-password'],
  });
  assert.equal(r.code, 1);
  assert.deepEqual(stepLines(r.stdout).slice(2), [
    `FAIL bind bind as ${slapd.bindDn} failed: invalid credentials (wrong password or no such DN)`,
  ]);
  assert.match(r.stdout, /2 passed, 1 failed\n$/);
  assert.equal(r.stderr, `elevate: directory check failed: ${slapd.url}\n`);
});

test('an unreachable host: exit 1, connection refused', async () => {
  const r = await directoryTest(['--url', 'ldap://127.0.0.1:1', '--bind-dn', slapd.bindDn, '--bind-password-file', slapd.bindPasswordFile]);
  assert.equal(r.code, 1);
  assert.deepEqual(stepLines(r.stdout), ['FAIL connect cannot reach 127.0.0.1:1: connection refused']);
});

test('a missing group DN or an unknown login: exit 1, naming the DN and the filter', async () => {
  const missing = `cn=nope,ou=groups,${slapd.baseDn}`;
  const r = await directoryTest([...flags(), '--user-base', slapd.people, '--login', 'nosuch', '--group', ADMINS(), '--group', missing, '--json']);
  assert.equal(r.code, 1);
  const steps = JSON.parse(r.stdout).directories[0].steps as { step: string; ok: boolean; detail: string }[];
  assert.deepEqual(
    steps.filter((s) => !s.ok).map((s) => `${s.step}: ${s.detail}`),
    [`user-lookup: user filter (uid=nosuch) matched no entry under ${slapd.people}`, `group: group ${missing} does not exist`],
  );
  assert.equal(steps.filter((s) => s.step === 'group' && s.ok).length, 1, 'the existing group still passes');
});

test('misuse is a usage error (exit 2) that names the flags', async () => {
  const noPassword = await directoryTest(['--url', slapd.url, '--bind-dn', slapd.bindDn]);
  assert.deepEqual([noPassword.code, noPassword.stderr], [
    2,
    'elevate: cannot test this directory:\n  --bind-password-file: give exactly one of --bind-password-file and --bind-password-env\n',
  ]);
  const noBindDn = await directoryTest(['--url', slapd.url, '--bind-password-file', slapd.bindPasswordFile]);
  assert.deepEqual([noBindDn.code, noBindDn.stderr], [2, 'elevate: cannot test this directory:\n  --bind-dn is required\n']);
  const both = await directoryTest(['corp', ...flags()]);
  assert.deepEqual([both.code, both.stderr], [2, "elevate: give a configured directory's name or --url, not both\n"]);
  const stray = await directoryTest(['corp', '--bind-dn', 'cn=x']);
  assert.equal(stray.code, 2);
  assert.match(stray.stderr, /--bind-dn: only with --url/);
  const none = await directoryTest([]);
  assert.deepEqual([none.code, none.stderr], [1, "elevate: no directories are configured: add one under 'directories', or try one with --url\n"]);
});
