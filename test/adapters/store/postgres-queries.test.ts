import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { PostgresStore } from '../../../src/adapters/store/postgres/postgres-store.js';
import type { FilterExpr, RequestField } from '../../../src/ports/filter.js';
import { DAY, T0, seedHistory } from './query-fixtures.js';
import { dropDatabase, freshDatabase } from '../../support/pg.js';

/** The PostgreSQL counterpart of sqlite-queries: plans, bound parameters, claims and leases. */
const seen: { sql: string; params: readonly unknown[] }[] = [];
let url: string;
let store: PostgresStore;
before(async () => {
  url = await freshDatabase();
  store = new PostgresStore(url, { accountDomain: 'PRIV', poolSize: 4, statementTimeoutMs: 10_000, onQuery: (sql, params) => seen.push({ sql, params }) });
  await seedHistory(store);
  // Enough of ann's history that the planner has a reason to use an index for jen's.
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`insert into requests select 'x-' || id || '-' || g, 'ann', role_id, display_name, justification, creation_method, created_at + g, requested_ttl_seconds,
                 requested_at, 'Expired', null, expires_at, null, null, null, null, 1, null
                 from requests, generate_series(1, 200) g where creator_id = 'ann'`);
  await c.query('analyze');
  await c.end();
});

after(async () => {
  await store.close();
  await dropDatabase(url);
});

async function list(filter: FilterExpr<RequestField> | null) {
  seen.length = 0;
  const rows = await store.read((tx) => tx.requests.listByCreator('jen', { filter, orderBy: [], top: null, skip: 0 }));
  const q = seen.find((s) => /from "requests"/.test(s.sql))!;
  return { rows, q };
}

test('client values reach SQL only as bound parameters, on PostgreSQL too', async () => {
  const evil = "x' or 1=1 --";
  const { rows, q } = await list({ kind: 'compare', op: 'eq', field: 'justification', value: evil });
  assert.equal(rows.length, 0);
  assert.ok(!q.sql.includes(evil), q.sql);
  assert.ok(q.params.includes(evil));
});

test("the portal's active filter and the history range use the creator indexes", async () => {
  const active = await list({ kind: 'compare', op: 'gt', field: 'expiresAt', value: T0 + 20 * DAY });
  assert.deepEqual(active.rows.map((r) => r.status), ['Active', 'Active']);
  const plan = (await store.explain(active.q.sql, active.q.params)).join('\n');
  assert.match(plan, /(Index Scan using|Bitmap Index Scan on) requests_by_creator_(expires|created)/, plan);
  assert.doesNotMatch(plan, /Seq Scan on requests/, plan);
  const range = await list({
    kind: 'and',
    left: { kind: 'compare', op: 'gt', field: 'createdAt', value: T0 + 5 * DAY },
    right: { kind: 'compare', op: 'lt', field: 'createdAt', value: T0 + 15 * DAY },
  });
  assert.deepEqual(range.rows.map((r) => r.createdAt), [7, 9, 11, 13].map((i) => T0 + i * DAY));
  const rangePlan = (await store.explain(range.q.sql, range.q.params)).join('\n');
  assert.match(rangePlan, /(Index Scan using|Bitmap Index Scan on) requests_by_creator_created/, rangePlan);
});

test('a text with U+0000 cannot be stored here, and compares as it would: equal to nothing, ordered by its prefix', async () => {
  assert.equal((await list({ kind: 'compare', op: 'eq', field: 'justification', value: 'reason 1\0' })).rows.length, 0);
  assert.equal((await list({ kind: 'compare', op: 'ne', field: 'justification', value: 'reason 1\0' })).rows.length, 20);
  const above = await list({ kind: 'compare', op: 'gt', field: 'justification', value: 'reason 3\0x' });
  assert.deepEqual(above.rows.map((r) => r.justification).sort(), ['reason 31', 'reason 35', 'reason 37', 'reason 5', 'reason 7']);
});

test('concurrent claims of due requests take disjoint rows (FOR UPDATE SKIP LOCKED)', async () => {
  const now = T0 + 100 * DAY;
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let first: string[] = [];
  // Another node: a store of its own (one store's transactions share a group commit, in turn).
  const otherNode = new PostgresStore(url, { accountDomain: 'PRIV', poolSize: 2, statementTimeoutMs: 10_000 });
  const a = otherNode.transaction(async (tx) => {
    first = (await tx.requests.claimDue(now, 3)).map((r) => r.id);
    await held; // keep the rows locked while this node claims
  });
  await new Promise((r) => setTimeout(r, 200));
  const second = (await store.transaction((tx) => tx.requests.claimDue(now, 100))).map((r) => r.id);
  release();
  await a;
  await otherNode.close();
  assert.equal(first.length, 3);
  assert.ok(second.length > 0);
  assert.deepEqual(first.filter((id) => second.includes(id)), []);
});

test('a lease goes to one taker at a time, and to the next once it lapses', async () => {
  const takes = await Promise.all(Array.from({ length: 8 }, () => store.transaction((tx) => tx.settings.takeLease('test.lease', 1000, 2000))));
  assert.equal(takes.filter(Boolean).length, 1);
  assert.equal(await store.transaction((tx) => tx.settings.takeLease('test.lease', 1999, 3000)), false);
  assert.equal(await store.transaction((tx) => tx.settings.takeLease('test.lease', 2000, 3000)), true);
});

test('concurrent audit appends from many transactions form one unbroken chain', async () => {
  await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      store.transaction((tx) =>
        tx.audit.append({ at: T0 + i, actorId: null, action: 'request.created', targetType: 'request', targetId: `t${i}`, requestId: null, before: null, after: { i } }),
      ),
    ),
  );
  assert.deepEqual(await store.read((tx) => tx.audit.verifyChain()), { checked: 30, brokenAtSeq: null });
});

test("the audit chain's lock is taken at the end of a transaction, not at its first audited step", async () => {
  seen.length = 0;
  await store.transaction(async (tx) => {
    await tx.audit.append({ at: T0, actorId: null, action: 'group.created', targetType: 'request', targetId: 'a', requestId: null, before: null, after: null });
    for (let i = 0; i < 5; i++) await tx.requests.byId(`later-${i}`);
    await tx.audit.append({ at: T0, actorId: null, action: 'group.updated', targetType: 'request', targetId: 'b', requestId: null, before: null, after: null });
  });
  // Leaving out the group commit's own statements (BEGIN, SAVEPOINT, RELEASE, COMMIT).
  const statements = seen.map((s) => s.sql).filter((s) => !/^(begin|set local|savepoint|release|commit)\b/.test(s));
  const lock = statements.findIndex((s) => s.includes('pg_advisory_xact_lock'));
  // Every other writer on every node waits on this lock until the holder commits: it must only
  // cover the head read and the insert of the transaction's entries.
  assert.equal(lock, statements.length - 3, statements.join('\n'));
  assert.match(statements.at(-1)!, /insert into "audit"/);
  const listed = await store.read((tx) => tx.audit.list({ action: 'group.updated', limit: 1 }));
  assert.equal(listed.length, 1);
  assert.equal((await store.read((tx) => tx.audit.verifyChain())).brokenAtSeq, null);
});
