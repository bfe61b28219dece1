import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSqliteDriver } from '../../src/adapters/store/sqlite/sqlite-store.js';
import { migrations } from '../../src/adapters/store/kysely/migrations/index.js';
import { cliJson, runCli, tempDir } from './run-cli.js';

// Kysely applies migrations in name order, so the newest is the last name, whatever the list's order.
const LATEST = Object.keys(migrations).sort().at(-1)!;

test('a mistyped --data is refused by every admin command, and nothing is created there', async (t) => {
  const dir = tempDir(t);
  const typo = join(dir, 'dtaa');
  for (const args of [['user', 'list'], ['audit'], ['audit', 'verify'], ['role', 'list'], ['outbox'], ['db', 'migrate']]) {
    const r = await runCli([...args, '--data', typo]);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^elevate: there is no Elevate store in the data directory .*dtaa: check --data \/ --database, or pass --init to create one there\n$/);
    assert.equal(existsSync(typo), false, `${args.join(' ')} created the directory`);
  }
  // A directory that exists but holds no store is no store either.
  mkdirSync(typo);
  assert.equal((await runCli(['user', 'list', '--data', typo])).code, 1);
  assert.deepEqual(readdirSync(typo), []);
  // --init is how a store is made on purpose.
  assert.deepEqual(await cliJson(['user', 'list', '--init', '--data', typo]), []);
  assert.deepEqual(await cliJson(['user', 'list', '--data', typo]), []);
});

test('audit verify on an empty trail is an error, not "intact: 0 entries"', async (t) => {
  const data = tempDir(t);
  assert.equal((await runCli(['db', 'migrate', '--init', '--data', data])).code, 0);
  const r = await runCli(['audit', 'verify', '--data', data]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^elevate: the audit trail is empty: there is nothing to verify/);
  assert.equal((await runCli(['audit', 'verify', '--init', '--data', data])).code, 2, 'verify never creates a store');
});

test('db status shows the schema version, and a store a newer Elevate migrated is refused everywhere', async (t) => {
  const data = tempDir(t);
  const missing = await runCli(['db', 'status', '--data', join(data, 'none')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /there is no Elevate store/);

  await cliJson(['user', 'add', 'jen', '--init', '--data', data]);
  const status = await cliJson(['db', 'status', '--data', data]);
  assert.equal(status.schemaVersion, LATEST);
  assert.deepEqual([status.pending, status.unknown, status.verdict], [[], [], 'up to date']);
  assert.equal(status.applied.length, Object.keys(migrations).length);
  assert.match((await runCli(['db', 'status', '--data', data])).stdout, new RegExp(`schema version: +${LATEST}\n`));

  // What a later release leaves behind: a migration this build has never heard of.
  const db = new (loadSqliteDriver())(join(data, 'elevate.db'));
  db.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('9999-from-the-future', new Date().toISOString());
  db.close();
  const newer = await runCli(['db', 'status', '--data', data, '--json']);
  assert.equal(newer.code, 1);
  assert.deepEqual(JSON.parse(newer.stdout).unknown, ['9999-from-the-future']);
  for (const args of [['user', 'list'], ['db', 'migrate'], ['serve', '--port', '0']]) {
    const r = await runCli([...args, '--data', data]);
    assert.equal(r.code, 1, `${args.join(' ')} ran on a newer store`);
    assert.match(r.stderr, /the store's schema is newer than this Elevate: it has migration 9999-from-the-future, unknown to this version/);
  }
});

test('init creates the store and its first administrator, once', async (t) => {
  const dir = tempDir(t);
  const data = join(dir, 'data');
  const pw = join(dir, 'admin.pw');
  writeFileSync(pw, 'first-admin-pw\n', { mode: 0o600 });
  const made = await cliJson(['init', '--data', data, '--admin', 'root', '--password-file', pw]);
  assert.equal(made.created, true);
  assert.deepEqual([made.user.login, made.user.isAdmin, made.user.hasPassword], ['root', true, true]);
  assert.equal((await cliJson(['db', 'status', '--data', data])).schemaVersion, LATEST);

  const again = await cliJson(['init', '--data', data, '--admin', 'root', '--password-file', pw]);
  assert.equal(again.created, false, 'the same first administrator again is a no-op');
  const other = await runCli(['init', '--data', data, '--admin', 'mallory', '--password-stdin'], { input: 'x\n' });
  assert.equal(other.code, 1);
  assert.match(other.stderr, /already has an administrator \(root\)/);
  assert.deepEqual((await cliJson(['user', 'list', '--data', data])).map((u: { login: string }) => u.login), ['root']);
  assert.equal((await runCli(['init', '--data', data, '--admin', 'x'])).code, 2, 'a password is required');
});

test('backup copies a store into one checked file, never overwrites; restore refuses an occupied directory unless forced, and keeps what it replaces', async (t) => {
  const dir = tempDir(t);
  const data = join(dir, 'data');
  await cliJson(['user', 'add', 'jen', '--init', '--data', data]);
  await cliJson(['group', 'add', 'Ops', '--data', data]);
  const file = join(dir, 'elevate-backup.db');
  const b = await cliJson(['backup', '--data', data, '--to', file]);
  assert.deepEqual([b.schemaVersion, b.auditEntries, b.auditBrokenAtSeq, b.requests], [LATEST, 2, null, 0]);
  assert.ok(b.bytes > 0);
  assert.deepEqual(readdirSync(dir).sort(), ['data', 'elevate-backup.db', 'elevate-backup.db.mfa.key'], 'no staging files are left');
  // The key generated into the data directory goes with the backup, or its MFA secrets are lost.
  assert.equal(b.mfaKeyFile, `${file}.mfa.key`);
  assert.equal(statSync(b.mfaKeyFile).mode & 0o777, 0o600);
  assert.deepEqual(readFileSync(b.mfaKeyFile), readFileSync(join(data, 'mfa.key')));
  const again = await runCli(['backup', '--data', data, '--to', file]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /never overwrites/);
  assert.equal((await runCli(['backup', '--data', join(dir, 'nope'), '--to', join(dir, 'x.db')])).code, 1);

  // Into a new place: the users and the chain come back.
  const fresh = join(dir, 'fresh');
  const r = await cliJson(['restore', '--from', file, '--data', fresh]);
  assert.deepEqual([r.replaced, r.mfaKeyRestored], [null, true]);
  assert.deepEqual(readFileSync(join(fresh, 'mfa.key')), readFileSync(join(data, 'mfa.key')));
  assert.deepEqual((await cliJson(['user', 'list', '--data', fresh])).map((u: { login: string }) => u.login), ['jen']);
  assert.match((await runCli(['audit', 'verify', '--data', fresh])).stdout, /audit chain intact: 2 entries verified/);

  // Over the live store: refused, then forced, with the replaced store kept.
  await cliJson(['user', 'add', 'ann', '--data', data]);
  const occupied = await runCli(['restore', '--from', file, '--data', data]);
  assert.equal(occupied.code, 1);
  assert.match(occupied.stderr, /already holds an Elevate store; stop its server and pass --force/);
  assert.equal((await cliJson(['user', 'list', '--data', data])).length, 2, 'a refused restore changes nothing');
  const forced = await cliJson(['restore', '--from', file, '--data', data, '--force']);
  assert.match(forced.replaced, /elevate\.db\.replaced-/);
  assert.deepEqual((await cliJson(['user', 'list', '--data', data])).map((u: { login: string }) => u.login), ['jen']);
  assert.ok(existsSync(forced.replaced));

  // A backup someone altered is refused before anything changes.
  const tampered = join(dir, 'tampered.db');
  await cliJson(['backup', '--data', fresh, '--to', tampered]);
  const db = new (loadSqliteDriver())(tampered);
  db.prepare("update audit set action = 'account.removed' where seq = 1").run();
  db.close();
  const bad = await runCli(['restore', '--from', tampered, '--data', join(dir, 'other')]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /audit chain is broken at seq 1: it was changed after it was taken; nothing was restored/);
  assert.equal(existsSync(join(dir, 'other', 'elevate.db')), false);
});
