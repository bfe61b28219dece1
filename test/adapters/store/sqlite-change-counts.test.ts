import { type TestContext, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SQLITE_FILE, SqliteStore, loadSqliteDriver } from '../../../src/adapters/store/sqlite/sqlite-store.js';
import { tempDir } from '../../support/harness.js';
import { group } from './group-commit-contract.js';

const Driver = loadSqliteDriver();

async function rig(t: TestContext) {
  const dir = tempDir();
  const log: string[] = [];
  const store = SqliteStore.open(dir, { accountDomain: 'PRIV', onQuery: (s) => log.push(s) });
  await store.migrate();
  // Another connection, as the CLI or a second process would have.
  const other = new Driver(join(dir, SQLITE_FILE));
  other.pragma('busy_timeout = 5000');
  t.after(async () => {
    other.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const bump = (table: 'account_changes' | 'role_changes') => other.prepare(`update ${table} set n = n + 1 where id = 1`).run();
  return { store, log, bump };
}

test('change counts are answered from memory while nothing has committed since the last reading', async (t) => {
  const { store, log } = await rig(t);
  const first = await store.changeCounts();
  log.length = 0;
  for (let i = 0; i < 5; i++) assert.deepEqual(await store.changeCounts(), first);
  assert.deepEqual(log, [], 'no statement ran for an unchanged store');
});

test('a commit by another connection shows on the very next reading', async (t) => {
  const { store, bump } = await rig(t);
  const before = await store.changeCounts();
  bump('account_changes');
  assert.deepEqual(await store.changeCounts(), { accounts: before.accounts + 1, roles: before.roles });
  bump('role_changes');
  bump('role_changes');
  assert.deepEqual(await store.changeCounts(), { accounts: before.accounts + 1, roles: before.roles + 2 });
});

test("after this store's own write transaction the counts are read again", async (t) => {
  const { store, log } = await rig(t);
  await store.changeCounts();
  await store.transaction((tx) => tx.groups.insert(group('ops')));
  log.length = 0;
  await store.changeCounts();
  assert.equal(log.filter((s) => s.includes('account_changes')).length, 1, 'the counts were read after the commit');
});

test('a reading taken while a read transaction is open goes to the database, so a snapshot never stands for the latest commit', async (t) => {
  const { store, bump } = await rig(t);
  const before = await store.changeCounts();
  let inside: { accounts: number } | undefined;
  await store.read(async (tx) => {
    await tx.groups.list(); // the snapshot is taken here
    bump('account_changes');
    inside = await tx.accounts.changeCounts();
  });
  assert.equal(inside?.accounts, before.accounts, 'the read transaction saw its own snapshot');
  assert.equal((await store.changeCounts()).accounts, before.accounts + 1);
});
