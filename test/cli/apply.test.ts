import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliJson, runCli, tempDir } from './run-cli.js';

const DECLARATION = `
users:
  - login: jen
    displayName: Jen
    passwordFile: secrets/jen.pw
  - login: ann
    password: ann
    isAdmin: true
groups:
  - name: CORP Domain Admins
    description: shadow of Domain Admins
roles:
  - name: Allow AD Access
    ttl: 2h
    window: "08:00-18:00"
    timeZone: Europe/Paris
    groups: [CORP Domain Admins]
    candidates: [jen]
    approvalRequired: true
    approvers: [ann]
  - name: Quick
    ttlSeconds: 600
    notify: { expiryWarningMinutes: 5, slackChannel: "#quick-ops" }
`;

test('apply creates what a YAML file declares, and a second run changes nothing', async (t) => {
  const dir = tempDir(t);
  const d = ['--data', join(dir, 'data')];
  const file = join(dir, 'elevate.yaml');
  writeFileSync(file, DECLARATION);
  mkdirSync(join(dir, 'secrets'));
  writeFileSync(join(dir, 'secrets', 'jen.pw'), 'jen-password\n');

  const first = await cliJson(['apply', '-f', file, '--init', ...d]);
  assert.deepEqual(
    { created: first.created, updated: first.updated, deleted: first.deleted, unchanged: first.unchanged },
    { created: ['user ann', 'user jen', 'group CORP Domain Admins', 'role Allow AD Access', 'role Quick'], updated: [], deleted: [], unchanged: [] },
  );
  const role = await cliJson(['role', 'show', 'Allow AD Access', ...d]);
  assert.equal(role.ttlSeconds, 7200, 'ttl is an alias of ttlSeconds and takes durations');
  assert.deepEqual(role.window, { from: '08:00', to: '18:00', timeZone: 'Europe/Paris' });
  assert.deepEqual((await cliJson(['role', 'show', 'Quick', ...d])).notify, { expiryWarningMinutes: 5, slackChannel: '#quick-ops', teamsChannel: null }, "a role's own notification settings");
  assert.equal((await cliJson(['user', 'show', 'jen', ...d])).hasPassword, true, 'passwordFile is read next to the declaration');
  const auditBefore = (await cliJson(['audit', ...d])).length;
  assert.equal(auditBefore, 5);

  const second = await runCli(['apply', '-f', file, ...d]);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stdout, 'No changes: the store already matches the file.\n');
  assert.equal((await cliJson(['audit', ...d])).length, auditBefore, 'an unchanged apply writes no audit entries');

  // JSON is YAML too, and a change shows up as updated.
  const json = join(dir, 'change.json');
  writeFileSync(json, JSON.stringify({ roles: [{ name: 'Quick', ttlSeconds: 900 }] }));
  const changed = await cliJson(['apply', '-f', json, ...d]);
  assert.deepEqual([changed.created, changed.updated, changed.unchanged], [[], ['role Quick'], []]);
  assert.deepEqual(changed.steps, [{ action: 'change', kind: 'role', name: 'Quick', changes: [{ field: 'ttlSeconds', from: 600, to: 900 }] }]);
});

test('apply with a bad file exits 1 and names each bad field by its path', async (t) => {
  const dir = tempDir(t);
  const d = ['--data', join(dir, 'data')];
  const file = join(dir, 'bad.yaml');
  writeFileSync(
    file,
    `users:
  - login: jen
    pasword: typo
roles:
  - name: R
    ttlSeconds: soon
  - name: S
    ttl: 60
    window: 8-18
`,
  );
  const r = await runCli(['apply', '-f', file, ...d]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^elevate: .*bad\.yaml is not a valid declaration:/);
  assert.match(r.stderr, /users\[0\]\.pasword: unknown field/);
  assert.match(r.stderr, /roles\[0\]\.ttlSeconds: /);
  assert.match(r.stderr, /roles\[1\]\.window: expected a window such as "08:00-18:00"/);
  assert.equal((await cliJson(['user', 'list', '--init', ...d])).length, 0, 'nothing is applied from an invalid file');

  writeFileSync(file, 'roles:\n  - name: R\n    ttl: 60\n    groups: [Missing]\n');
  const refused = await runCli(['apply', '-f', file, ...d]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /roles\[0\] \(R\): There is no group 'Missing'\./);

  writeFileSync(file, 'users: [1\n');
  const unparsable = await runCli(['apply', '-f', file, ...d]);
  assert.equal(unparsable.code, 1);
  assert.match(unparsable.stderr, /is not valid YAML or JSON/);

  const noFile = await runCli(['apply', ...d]);
  assert.equal(noFile.code, 2);
});
