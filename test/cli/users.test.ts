import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliJson, runCli, tempDir } from './run-cli.js';

test('user add, list, show, set and remove round-trip, and never show a password hash', async (t) => {
  const data = tempDir(t);
  const d = ['--data', data];
  const pwFile = join(data, 'jen.pw');
  writeFileSync(pwFile, 'correct horse\n');

  const added = await cliJson(['user', 'add', 'jen', '--display-name', 'Jen Doe', '--email', 'jen@priv.example', '--password-file', pwFile, '--init', ...d]);
  assert.equal(added.changed, true);
  assert.deepEqual(
    { ...added.user, id: undefined },
    { id: undefined, login: 'jen', displayName: 'Jen Doe', email: 'jen@priv.example', isAdmin: false, disabled: false, lock: null, hasPassword: true },
  );

  const viaStdin = await cliJson(['user', 'add', 'ann', '--password-stdin', '--admin', ...d], { input: 's3cret\n' });
  assert.equal(viaStdin.user.isAdmin, true);
  assert.equal(viaStdin.user.hasPassword, true);

  const list = await cliJson(['user', 'list', ...d]);
  assert.deepEqual(list.map((u: { login: string }) => u.login).sort(), ['ann', 'jen']);

  const shown = await cliJson(['user', 'show', 'jen', ...d]);
  assert.equal(shown.id, added.user.id);

  const set = await cliJson(['user', 'set', 'jen', '--no-email', '--admin', '--disabled', ...d]);
  assert.equal(set.changed, true);
  assert.equal(set.user.email, null);
  assert.equal(set.user.isAdmin, true);
  assert.equal(set.user.disabled, true);
  assert.equal(set.user.displayName, 'Jen Doe', 'flags not given leave the value alone');

  const again = await cliJson(['user', 'set', 'jen', '--disabled', ...d]);
  assert.equal(again.changed, false);

  const enabled = await cliJson(['user', 'set', 'jen', '--enabled', '--no-admin', ...d]);
  assert.deepEqual([enabled.user.disabled, enabled.user.isAdmin], [false, false]);

  const removed = await cliJson(['user', 'remove', 'ann', '--yes', ...d]);
  assert.deepEqual(removed, { removed: { user: 'ann' } });
  assert.deepEqual((await cliJson(['user', 'list', ...d])).map((u: { login: string }) => u.login), ['jen']);

  // Human output too: no hash, no scrypt parameters, anywhere.
  for (const args of [['user', 'list'], ['user', 'show', 'jen']]) {
    const r = await runCli([...args, ...d]);
    assert.equal(r.code, 0);
    assert.doesNotMatch(r.stdout, /scrypt|passwordHash|\$[0-9a-z]+\$/i);
  }
  const table = (await runCli(['user', 'list', ...d])).stdout.split('\n');
  assert.match(table[0]!, /^LOGIN\s+DISPLAY NAME\s+EMAIL\s+ADMIN\s+DISABLED\s+LOCKED\s+PASSWORD\s+MFA$/);
  assert.match(table[1]!, /^jen\s+Jen Doe\s+-\s+no\s+no\s+no\s+set\s+ok$/);
});

test('expected failures print one line without a stack; misuse exits 2', async (t) => {
  const data = tempDir(t);
  const d = ['--data', data];
  await cliJson(['user', 'add', 'jen', '--init', ...d]);

  const dup = await runCli(['user', 'add', 'jen', ...d]);
  assert.equal(dup.code, 1);
  assert.equal(dup.stderr, "elevate: A user 'jen' already exists.\n");

  const missing = await runCli(['user', 'show', 'nobody', ...d]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^elevate: no user 'nobody'\n$/);

  const badLogin = await runCli(['user', 'add', 'no spaces', ...d]);
  assert.equal(badLogin.code, 1);
  assert.match(badLogin.stderr, /^elevate: 'no spaces' is not a valid login/);

  // A password is never a flag value: it would show in `ps` and in shell history.
  const plain = await runCli(['user', 'add', 'ann', '--password', 'x', ...d]);
  assert.equal(plain.code, 2);
  assert.match(plain.stderr, /unknown option '--password'/);

  const both = await runCli(['user', 'set', 'jen', '--disabled', '--enabled', ...d]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /either --disabled or --enabled/);

  const badConfig = await runCli(['user', 'list', '--config', join(data, 'missing.yaml')]);
  assert.equal(badConfig.code, 1);
  assert.match(badConfig.stderr, /^elevate: cannot read config file/);
  assert.doesNotMatch(badConfig.stderr, /\n\s+at /, 'no stack trace');

  assert.equal((await runCli(['no-such-command'])).code, 2);
  assert.equal((await runCli(['user'])).code, 2);
  assert.equal((await runCli(['--help'])).code, 0);
});
