/**
 * `db copy` reads each table in pages by key (copy-store.ts, pagesOf): each page starts after the
 * last key of the one before, an index seek, where OFFSET would skip every earlier row again for
 * each page. Every row comes exactly once, in key order, also where pages split a composite key's
 * first column, and no statement skips rows by OFFSET.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { pagesOf } from '../../../src/adapters/store/copy-store.js';
import { SqliteStore } from '../../../src/adapters/store/sqlite/sqlite-store.js';
import { tempDir } from '../../support/harness.js';

test('keyset pages return every row once, in key order, without OFFSET', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const seen: { sql: string; params: readonly unknown[] }[] = [];
  const store = SqliteStore.open(dir, { accountDomain: 'PRIV', onQuery: (sql, params) => seen.push({ sql, params }) });
  t.after(() => store.close());
  await store.migrate();
  const users = Array.from({ length: 250 }, (_, i) => `u${String(i).padStart(3, '0')}`);
  await store.transaction(async (tx) => {
    for (const u of users) await tx.accounts.insert({ id: u, login: u, displayName: u, email: null, passwordHash: null, isAdmin: false, disabled: false, lock: null });
    for (const g of ['ga', 'gb', 'gc']) {
      await tx.groups.insert({ id: g, name: g, description: null, directory: 'embedded', dn: null, memberAttribute: null, reconcile: 'off' });
      for (const u of users) await tx.groups.addMember(g, u);
    }
  });
  const db = store.kysely();
  const all = async <T>(it: AsyncIterable<T[]>) => {
    const pages: T[][] = [];
    for await (const p of it) pages.push(p);
    return pages;
  };

  seen.length = 0;
  // 750 members in pages of 100: page boundaries fall inside a group (the key's first column).
  const pages = await all(pagesOf(db, 'group_members', ['group_id', 'account_id'], 100));
  assert.deepEqual(pages.map((p) => p.length), [100, 100, 100, 100, 100, 100, 100, 50]);
  const rows = pages.flat().map((r) => `${r.group_id}/${r.account_id}`);
  assert.deepEqual(rows, ['ga', 'gb', 'gc'].flatMap((g) => users.map((u) => `${g}/${u}`)));
  const reads = seen.filter((s) => /from "group_members"/.test(s.sql));
  assert.equal(reads.length, 8);
  for (const r of reads) assert.doesNotMatch(r.sql, /offset/i);
  // The third page starts after the second's last key.
  assert.deepEqual(reads[2]!.params.slice(0, 2), ['ga', users[199]]);

  // A single-column key, with an exact multiple of the page size: one more read finds nothing.
  seen.length = 0;
  const accounts = await all(pagesOf(db, 'accounts', ['id'], 50));
  assert.deepEqual(accounts.flat().map((a) => a.id), users);
  assert.equal(seen.filter((s) => /from "accounts"/.test(s.sql)).length, 6);
});
