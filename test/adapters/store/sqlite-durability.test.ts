import { type TestContext, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { SQLITE_FILE, SqliteStore } from '../../../src/adapters/store/sqlite/sqlite-store.js';
import { tempDir } from '../../support/harness.js';

/** A migrated store in a fresh directory, removed after the test, and a reader of its pragmas. */
async function openStore(t: TestContext) {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = SqliteStore.open(dir, { accountDomain: 'PRIV' });
  t.after(() => store.close());
  await store.migrate();
  const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(store.kysely())).rows[0] as object)[0];
  return { dir, store, pragma };
}

/**
 * A power-cut test (LazyFS) found the store sound with synchronous=FULL and losing acknowledged
 * writes with NORMAL, which syncs the WAL only at checkpoints. Lowering it must fail here.
 */
test('an opened SQLite store runs in WAL mode with synchronous=FULL', async (t) => {
  const { pragma } = await openStore(t);
  assert.equal(await pragma('synchronous'), 2, 'synchronous must stay FULL (2): 1 is NORMAL, which loses commits on power loss');
  assert.equal(await pragma('journal_mode'), 'wal');
});

/**
 * The WAL is copied back into the database once the store is idle (idle-checkpoint.ts), not inside
 * a COMMIT every 4 MB: a write stays in the WAL alone until no other follows for a moment, and then
 * reaches the database file.
 */
test('the WAL checkpoint waits for the store to be idle, then runs', async (t) => {
  const { dir, store, pragma } = await openStore(t);
  assert.equal(await pragma('wal_autocheckpoint'), 10_000);
  const file = join(dir, SQLITE_FILE);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  await store.transaction((tx) => tx.settings.set('first', 'x'));
  await sleep(1000);
  const settled = readFileSync(file);
  await store.transaction((tx) => tx.settings.set('probe', 'y'.repeat(64)));
  assert.ok(readFileSync(file).equals(settled), 'a commit writes the WAL only');
  assert.ok(!readFileSync(file).includes('yyyyyyyy'));
  await sleep(1000);
  assert.ok(readFileSync(file).includes('y'.repeat(64)), 'the idle checkpoint copied the write into the database');
});
