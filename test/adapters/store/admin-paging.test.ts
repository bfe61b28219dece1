/**
 * The admin lists and the dashboard on a large store (issue 18): 20,000 users and 50,000 requests
 * seeded directly in SQL. The store searches, counts and slices (LIMIT/OFFSET, COUNT, GROUP BY),
 * pages are disjoint and complete, and the plans use the indexes. On SQLite, or on PostgreSQL with
 * ELEVATE_TEST_STORE=postgres.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { PostgresStore } from '../../../src/adapters/store/postgres/postgres-store.js';
import { SqliteStore, loadSqliteDriver } from '../../../src/adapters/store/sqlite/sqlite-store.js';
import type { Account } from '../../../src/domain/account/account.js';
import type { NamePageQuery, RowsPage, Store } from '../../../src/ports/store.js';
import { tempDir } from '../../support/harness.js';
import { TEST_STORE, dropDatabase, freshDatabase } from '../../support/pg.js';

const USERS = 20_000;
const REQUESTS = 50_000;

const seen: { sql: string; params: readonly unknown[] }[] = [];
const onQuery = (sql: string, params: readonly unknown[]) => void seen.push({ sql, params });
let store: Store;
let explain: (sql: string, params: readonly unknown[]) => Promise<string>;
let cleanUp: () => Promise<void>;

// Portable SQL (SQLite and PostgreSQL): user i is u<i>, 'Person <i>', u<i>@corp.example; request i
// belongs to user (i mod 20,000)+1; one in 100 is Active, one PendingApproval, one PendingMFA, one
// Processing, one Scheduled; the rest ended long ago.
const SEED = `
  with recursive n(i) as (select 1 union all select i + 1 from n where i < ${USERS})
  insert into accounts (id, login, login_key, display_name, email, password_hash, is_admin, disabled)
  select 'id-' || i, 'u' || i, 'u' || i, 'Person ' || i, 'u' || i || '@corp.example', null, 0, 0 from n;
  insert into roles (id, name, ttl_seconds, mfa_required, approval_required) values ('role-1', 'R', 3600, 0, 0);
  with recursive n(i) as (select 1 union all select i + 1 from n where i < ${REQUESTS})
  insert into requests (id, creator_id, role_id, display_name, justification, creation_method, created_at, requested_ttl_seconds,
                        requested_at, status, started_at, expires_at, version, break_glass)
  select 'r-' || i, 'id-' || ((i % ${USERS}) + 1), 'role-1', 'R', null, 'test', i, 3600, i,
         case i % 100 when 0 then 'Active' when 1 then 'PendingApproval' when 2 then 'PendingMFA' when 3 then 'Processing' when 4 then 'Scheduled' else 'Expired' end,
         null, 0, 1, 0 from n;`;

before(async () => {
  if (TEST_STORE === 'postgres') {
    const url = await freshDatabase();
    const s = new PostgresStore(url, { accountDomain: 'PRIV', poolSize: 2, statementTimeoutMs: 30_000, onQuery });
    cleanUp = async () => {
      await s.close();
      await dropDatabase(url);
    };
    await s.migrate();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(SEED);
      await c.query('vacuum analyze');
    } finally {
      await c.end();
    }
    store = s;
    explain = async (q, p) => (await s.explain(q, p)).join('\n');
  } else {
    const dir = tempDir();
    const s = SqliteStore.open(dir, { accountDomain: 'PRIV', onQuery });
    cleanUp = async () => {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    };
    await s.migrate();
    const db = new (loadSqliteDriver())(join(dir, 'elevate.db'));
    db.exec(SEED);
    db.close();
    store = s;
    explain = async (q, p) => s.explain(q, p).join('\n');
  }
  // A few names that only an escaped LIKE tells apart: % and _ are text, not wildcards.
  await store.transaction(async (tx) => {
    for (const [login, displayName] of [['sale', 'Half Price 50%'], ['sale2', 'Half Price 500'], ['under_score', 'x'], ['underscore', 'y']] as const) {
      await tx.accounts.insert({ id: `id-${login}`, login, displayName, email: null, passwordHash: null, isAdmin: false, disabled: false, lock: null });
    }
    // 250 groups and 250 more roles, for their pages.
    for (let i = 0; i < 250; i++) {
      const n = String(i).padStart(3, '0');
      await tx.groups.insert({ id: `g-${n}`, name: `Group ${n}`, description: i % 10 === 0 ? 'Tier ZERO' : null, directory: 'embedded', dn: null, memberAttribute: null, reconcile: 'off' });
      await tx.roles.insert({
        id: `role-p${n}`, name: `Paged ${n}`, description: i % 25 === 0 ? 'On CALL' : null, ttlSeconds: 3600, mfaRequired: false, approvalRequired: false,
        approverMfaRequired: false, breakGlass: false, justificationRequired: false, justificationMinLength: 0, ticketPattern: null,
        window: null, groupIds: [`g-${n}`], candidateIds: [], approverIds: [], stages: [],
      });
    }
  });
});

after(async () => cleanUp());

/** The query that ran for `fn`, matched by its text, with its bound parameters. */
async function traced<T>(fn: () => Promise<T>, pattern: RegExp): Promise<{ out: T; q: { sql: string; params: readonly unknown[] } }> {
  seen.length = 0;
  const out = await fn();
  const q = seen.find((s) => pattern.test(s.sql));
  assert.ok(q, `no query matching ${pattern} among ${seen.map((s) => s.sql).join('\n')}`);
  return { out, q };
}

const page = (search: string | null, skip: number, top: number | null) => store.read((tx) => tx.accounts.page({ search, skip, top }));

test('paging through 20,004 users: pages are disjoint, complete and in login order', async () => {
  const all = await store.read((tx) => tx.accounts.list());
  assert.equal(all.length, USERS + 4);
  const ids: string[] = [];
  let skip = 0;
  let pages = 0;
  for (;;) {
    const p = await page(null, skip, 1000);
    assert.equal(p.total, USERS + 4);
    ids.push(...p.rows.map((a) => a.id));
    pages++;
    skip += p.rows.length;
    if (p.rows.length < 1000) break;
  }
  assert.equal(pages, 21);
  assert.equal(new Set(ids).size, ids.length, 'no row on two pages');
  assert.deepEqual(ids, all.map((a) => a.id), 'every row once, in the order of the whole list');
  assert.deepEqual((await page(null, USERS + 4, 10)).rows, [], 'past the end: empty');
  assert.equal((await page(null, 19_999, null)).rows.length, 5, 'no top: all the rest');
});

test('search is case-insensitive over login, name and email, and counts every match', async () => {
  const all = await store.read((tx) => tx.accounts.list());
  const expect = (s: string) => all.filter((a: Account) => [a.login, a.displayName, a.email].some((f) => f != null && f.toLowerCase().includes(s)));
  for (const s of ['u123', 'person 1999', '@corp.example', 'zzz']) {
    const want = expect(s);
    const first = await page(s, 0, 7);
    assert.equal(first.total, want.length, s);
    assert.deepEqual(first.rows.map((a) => a.login), want.slice(0, 7).map((a) => a.login), s);
    const rest = await page(s, 7, null);
    assert.deepEqual([...first.rows, ...rest.rows].map((a) => a.id), want.map((a) => a.id), `${s}: two pages make the whole answer`);
  }
  // The store is given lower-case text (searchText folds it); the stored names keep their case.
  assert.deepEqual((await page('half price 50%', 0, null)).rows.map((a) => a.login), ['sale']);
  assert.deepEqual((await page('under_', 0, null)).rows.map((a) => a.login), ['under_score']);
});

test('search text reaches SQL only as a bound parameter', async () => {
  const evil = "x' or 1=1 --";
  const { out, q } = await traced(() => page(evil, 0, 10), /from "accounts"/);
  assert.equal(out.total, 0);
  assert.ok(!q.sql.includes(evil), q.sql);
  assert.ok(q.params.some((p) => typeof p === 'string' && p.includes(evil)));
});

test('a page of users is read through the login index, not sorted from the whole table', async () => {
  const { q } = await traced(() => page(null, 0, 50), /order by "login_key"/);
  const plan = await explain(q.sql, q.params);
  if (TEST_STORE === 'postgres') {
    assert.match(plan, /Index Scan using accounts_login_key_key/, plan);
    assert.doesNotMatch(plan, /Seq Scan|Sort/, plan);
  } else {
    assert.match(plan, /SCAN accounts USING INDEX sqlite_autoindex_accounts/, plan);
    assert.doesNotMatch(plan, /TEMP B-TREE/, plan);
  }
});

test('who holds what: 1,000 held elevations joined, paged disjoint and complete, searched, through requests_holding', async () => {
  const pageOf = (search: string | null, skip: number, top: number | null) => store.read((tx) => tx.requests.holdingsPage({ search, skip, top }));
  const all = (await pageOf(null, 0, null)).rows;
  assert.equal(all.length, 1000, '500 Active and 500 Processing');
  assert.ok(all.every((h) => h.roleName === 'R' && (h.status === 'Active' || h.status === 'Processing') && h.login === `u${h.accountId.slice(3)}`));
  const logins = all.map((h) => h.login!);
  assert.deepEqual(logins, [...logins].sort(), 'by login within the role');
  const ids: string[] = [];
  for (let skip = 0; skip < 1000; skip += 300) {
    const p = await pageOf(null, skip, 300);
    assert.equal(p.total, 1000);
    ids.push(...p.rows.map((h) => h.requestId));
  }
  assert.deepEqual(ids, all.map((h) => h.requestId), 'pages of 300 make the whole list, each row once');
  const found = await pageOf('u12', 0, 5);
  const want = all.filter((h) => h.login!.includes('u12'));
  assert.equal(found.total, want.length);
  assert.deepEqual(found.rows.map((h) => h.requestId), want.slice(0, 5).map((h) => h.requestId));
  assert.equal((await pageOf('person 1', 0, 1)).total, all.filter((h) => h.displayName!.toLowerCase().includes('person 1')).length);

  const { q } = await traced(() => pageOf(null, 0, 25), /order by/);
  const plan = await explain(q.sql, q.params);
  if (TEST_STORE === 'postgres') assert.match(plan, /requests_holding/, plan);
  else assert.match(plan, /USING (COVERING )?INDEX requests_holding/, plan);
});

test('groups and roles are searched, counted and paged by the store, by name', async () => {
  for (const kind of ['groups', 'roles'] as const) {
    type Named = { list(): Promise<{ id: string }[]>; page(q: NamePageQuery): Promise<RowsPage<{ id: string }>> };
    const all = await store.read((tx) => (tx[kind] as Named).list());
    const got: string[] = [];
    for (let skip = 0; skip < all.length; skip += 40) {
      const p = await store.read((tx) => (tx[kind] as Named).page({ search: null, skip, top: 40 }));
      assert.equal(p.total, all.length);
      got.push(...p.rows.map((x) => x.id));
    }
    assert.deepEqual(got, all.map((x) => x.id), `${kind}: pages of 40 make the whole list, each once, by name`);
  }
  const tier = await store.read((tx) => tx.groups.page({ search: 'tier zero', skip: 0, top: 3 }));
  assert.deepEqual([tier.total, tier.rows.map((g) => g.name)], [25, ['Group 000', 'Group 010', 'Group 020']]);
  const oncall = await store.read((tx) => tx.roles.page({ search: 'on call', skip: 8, top: 5 }));
  assert.deepEqual([oncall.total, oncall.rows.map((r) => [r.name, r.groupIds])], [10, [['Paged 200', ['g-200']], ['Paged 225', ['g-225']]]]);
});

test('the dashboard counts open requests by status without loading them, through the partial indexes', async () => {
  const { out } = await traced(() => store.read((tx) => tx.requests.countOpenByStatus()), /group by "status"/);
  assert.deepEqual(out, { Active: 500, Processing: 500, PendingApproval: 500, PendingMFA: 500, Scheduled: 500 });
  const plans = await Promise.all(seen.filter((s) => /group by "status"/.test(s.sql)).map((s) => explain(s.sql, s.params)));
  assert.equal(plans.length, 2);
  for (const [plan, index] of [[plans[0]!, 'requests_holding'], [plans[1]!, 'requests_waiting']] as const) {
    if (TEST_STORE === 'postgres') {
      assert.match(plan, new RegExp(`(Index Only Scan using|Index Scan using|Bitmap Index Scan on) ${index}`), plan);
      assert.doesNotMatch(plan, /Seq Scan on requests/, plan);
    } else {
      assert.match(plan, new RegExp(`USING (COVERING )?INDEX ${index}`), plan);
      assert.doesNotMatch(plan, /SCAN requests\b(?! USING)/, plan);
    }
  }
});
