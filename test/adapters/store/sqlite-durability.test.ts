import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { sql } from 'kysely';
import { SqliteStore } from '../../../src/adapters/store/sqlite/sqlite-store.js';
import { tempDir } from '../../support/harness.js';

/**
 * A power-cut test (LazyFS) found the store sound with synchronous=FULL and losing acknowledged
 * writes with NORMAL, which syncs the WAL only at checkpoints. Lowering it must fail here.
 */
test('an opened SQLite store runs in WAL mode with synchronous=FULL', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = SqliteStore.open(dir, { accountDomain: 'PRIV' });
  t.after(() => store.close());
  await store.migrate();
  const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(store.kysely())).rows[0] as object)[0];
  assert.equal(await pragma('synchronous'), 2, 'synchronous must stay FULL (2): 1 is NORMAL, which loses commits on power loss');
  assert.equal(await pragma('journal_mode'), 'wal');
});
