import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { SqliteStore } from '../../../src/adapters/store/sqlite/sqlite-store.js';
import type { FilterExpr, RequestField } from '../../../src/ports/filter.js';
import { DAY, T0, request, seedHistory } from './query-fixtures.js';
import { tempDir } from '../../support/harness.js';

const dir = tempDir();

const seen: { sql: string; params: readonly unknown[] }[] = [];
let store: SqliteStore;

before(async () => {
  store = SqliteStore.open(dir, { accountDomain: 'PRIV', onQuery: (sql, params) => seen.push({ sql, params }) });
  await store.migrate();
  await seedHistory(store);
});

after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function list(filter: FilterExpr<RequestField> | null) {
  seen.length = 0;
  const rows = await store.transaction((tx) => tx.requests.listByCreator('jen', { filter, orderBy: [], top: null, skip: 0 }));
  const q = seen.find((s) => /from "requests"/.test(s.sql))!;
  return { rows, q };
}

test('client values reach SQL only as bound parameters', async () => {
  const evil = "x' or 1=1 --";
  const { rows, q } = await list({ kind: 'compare', op: 'eq', field: 'justification', value: evil });
  assert.equal(rows.length, 0);
  assert.ok(!q.sql.includes(evil), q.sql);
  assert.ok(q.params.includes(evil));
});

test('the portal\'s active filter and the history range compile to indexed lookups', async () => {
  const active = await list({ kind: 'compare', op: 'gt', field: 'expiresAt', value: T0 + 20 * DAY });
  assert.deepEqual(active.rows.map((r) => r.status), ['Active', 'Active']);
  const plan = store.explain(active.q.sql, active.q.params).join('\n');
  assert.match(plan, /USING INDEX requests_by_creator_(expires|created)/, plan);
  assert.doesNotMatch(plan, /SCAN requests\b(?! USING)/, plan);

  const range = await list({
    kind: 'and',
    left: { kind: 'compare', op: 'gt', field: 'createdAt', value: T0 + 5 * DAY },
    right: { kind: 'compare', op: 'lt', field: 'createdAt', value: T0 + 15 * DAY },
  });
  assert.deepEqual(range.rows.map((r) => r.createdAt), [7, 9, 11, 13].map((i) => T0 + i * DAY));
  assert.match(store.explain(range.q.sql, range.q.params).join('\n'), /USING INDEX requests_by_creator_created/);
});

test('unset times compare as the .NET minimum date, as in MIM', async () => {
  // Expired rows here have no expiry recorded (null), which the wire shows as 0001-01-01.
  const unset = await list({ kind: 'compare', op: 'lt', field: 'expiresAt', value: T0 });
  assert.ok(unset.rows.length > 0);
  assert.ok(unset.rows.every((r) => r.expiresAt === null));
});

test('ne is null-safe: rows without a justification are "not equal" to any text', async () => {
  const { rows } = await list({ kind: 'compare', op: 'ne', field: 'justification', value: 'reason 1' });
  assert.equal(rows.length, 19);
  assert.ok(rows.some((r) => r.justification === null));
});

test('a stale version is refused and nothing is written', async () => {
  const r = (await store.transaction((tx) => tx.requests.byId(request(1, 'jen', 'Expired').id)))!;
  await assert.rejects(
    store.transaction((tx) => tx.requests.update({ ...r, status: 'Closed', version: r.version })),
    (e: Error & { code?: string }) => e.code === 'Conflict',
  );
  assert.equal((await store.transaction((tx) => tx.requests.byId(r.id)))!.status, 'Expired');
});

test('the scheduler queue is read through its partial index', async () => {
  seen.length = 0;
  await store.transaction((tx) => tx.requests.claimDue(T0 + 100 * DAY, 10));
  const q = seen.find((s) => /"due_at"/.test(s.sql))!;
  assert.match(store.explain(q.sql, q.params).join('\n'), /USING INDEX requests_due/);
});

test("whether a group is still held is probed in requests_holding, never by reading the person's history", async () => {
  const plans: string[] = [];
  const planOf = (pattern: RegExp) => {
    const q = seen.find((s) => pattern.test(s.sql))!;
    plans.push(store.explain(q.sql, q.params).join('\n'));
  };
  seen.length = 0;
  await store.read((tx) => tx.requests.isGroupHeldBy('g-1', 'jen', 'none'));
  planOf(/"role_groups"/);
  seen.length = 0;
  await store.read((tx) => tx.requests.heldGroups([{ groupId: 'g-1', accountId: 'jen' }]));
  planOf(/role_groups/);
  for (const plan of plans) {
    assert.match(plan, /INDEX requests_holding/, plan);
    assert.doesNotMatch(plan, /requests_by_creator/, plan);
  }
});
