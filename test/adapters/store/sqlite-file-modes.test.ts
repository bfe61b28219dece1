/**
 * The store's files hold password hashes and session data (issue 11, finding 7c): they are created
 * readable by the owner only, even in a data directory that already exists with wider permissions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SQLITE_FILE, SqliteStore, dataDirWarning } from '../../../src/adapters/store/sqlite/sqlite-store.js';
import { tempDir } from '../../support/harness.js';

const mode = (p: string) => statSync(p).mode & 0o777;

async function openAndWrite(dir: string): Promise<void> {
  const store = SqliteStore.open(dir, { accountDomain: 'PRIV' });
  try {
    await store.migrate();
    await store.transaction((tx) => tx.settings.set('probe', 'x'));
    for (const f of [SQLITE_FILE, `${SQLITE_FILE}-wal`, `${SQLITE_FILE}-shm`]) assert.equal(mode(join(dir, f)).toString(8), '600', f);
  } finally {
    await store.close();
  }
}

test('every store file is 0600 in a data directory that existed already (umask 022)', async () => {
  const old = process.umask(0o022);
  const parent = tempDir();
  try {
    const dir = join(parent, 'data');
    mkdirSync(dir, { mode: 0o755 });
    await openAndWrite(dir);
    assert.match(dataDirWarning(dir) ?? '', /readable by other users/);
    chmodSync(dir, 0o700);
    assert.equal(dataDirWarning(dir), null);
  } finally {
    process.umask(old);
    rmSync(parent, { recursive: true, force: true });
  }
});

test('a store file left 0644 by an older version is narrowed to 0600 when opened', async () => {
  const old = process.umask(0o022);
  const dir = tempDir();
  try {
    await openAndWrite(dir);
    chmodSync(join(dir, SQLITE_FILE), 0o644);
    writeFileSync(join(dir, 'other'), '');
    await openAndWrite(dir);
  } finally {
    process.umask(old);
    rmSync(dir, { recursive: true, force: true });
  }
});
