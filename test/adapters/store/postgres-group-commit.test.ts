import { type TestContext, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { PostgresStore, type PostgresStoreOptions } from '../../../src/adapters/store/postgres/postgres-store.js';
import { DomainError } from '../../../src/domain/errors.js';
import type { StoreTx } from '../../../src/ports/store.js';
import { dropDatabase, freshDatabase } from '../../support/pg.js';
import { aFailingMemberFailsAlone, group } from './group-commit-contract.js';

/** The PostgreSQL counterpart of sqlite-group-commit: the same GroupCommit, on a pooled connection. */

/** Groups never stop early here, so how many commits a burst takes does not depend on the machine's speed. */
const NO_TIME_LIMIT = { maxMembers: 100, maxMs: 60_000 };
/** 'Elevat' in ASCII: the audit chain's advisory lock (postgres-store.ts). */
const AUDIT_CHAIN_LOCK = 0x456c65766174;

interface Rig {
  readonly store: PostgresStore;
  /** Every statement the store ran, in order (logged once it has returned). */
  readonly log: string[];
  commits(): number;
  /** A second connection, outside the store: sees only what has been committed. */
  readonly other: pg.Client;
  committedNames(): Promise<string[]>;
}

async function rig(t: TestContext, opts: Partial<PostgresStoreOptions> = {}): Promise<Rig> {
  const url = await freshDatabase();
  const log: string[] = [];
  const store = new PostgresStore(url, {
    accountDomain: 'PRIV',
    poolSize: 3,
    statementTimeoutMs: 10_000,
    groupLimits: NO_TIME_LIMIT,
    onQuery: (s) => log.push(s),
    onConnectionError: () => {},
    ...opts,
  });
  const other = new pg.Client({ connectionString: url });
  await other.connect();
  t.after(async () => {
    await other.end();
    await store.close();
    await dropDatabase(url);
  });
  return {
    store,
    log,
    other,
    commits: () => log.filter((s) => s === 'commit').length,
    committedNames: async () => (await other.query<{ name: string }>('select name from groups order by name')).rows.map((r) => r.name),
  };
}

const entry = (targetId: string) => ({ at: 1, actorId: null, action: 'group.updated' as const, targetType: 'group' as const, targetId, requestId: null, before: null, after: { n: targetId } });
const reasonCode = (o: PromiseSettledResult<unknown>) => ((o as PromiseRejectedResult).reason as DomainError).code;

test('on PostgreSQL, transactions that arrive together share one COMMIT, run serially, and each settles only after it', async (t) => {
  const r = await rig(t);
  const before = r.commits();
  const names = Array.from({ length: 30 }, (_, i) => `g${String(i).padStart(2, '0')}`);
  const seenBefore: number[] = [];
  const commitsAtSettle: number[] = [];
  await Promise.all(
    names.map((name, i) =>
      r.store
        .transaction(async (tx) => {
          seenBefore[i] = (await tx.groups.list()).length;
          await tx.groups.insert(group(name));
          await tx.audit.append(entry(name));
        })
        .then(() => {
          commitsAtSettle[i] = r.commits() - before;
        }),
    ),
  );
  assert.equal(r.commits() - before, 1, 'thirty transactions queued together take one commit');
  assert.deepEqual(seenBefore, names.map((_, i) => i), 'each sees exactly the writes of those before it');
  assert.deepEqual(commitsAtSettle, names.map(() => 1), 'none settled before the COMMIT had returned');
  assert.deepEqual(await r.committedNames(), names);
  const chain = await r.store.read((tx) => tx.audit.verifyChain());
  assert.deepEqual(chain, { checked: 30, brokenAtSeq: null });
});

test('on PostgreSQL, a failing member is rolled back to its savepoint and fails alone; its neighbours commit', async (t) => {
  const r = await rig(t);
  await aFailingMemberFailsAlone(r.store, r.committedNames, () => r.log.filter((s) => s === 'rollback to savepoint member').length);
  assert.equal(r.commits(), 1);
});

test('on PostgreSQL, a failed COMMIT rejects every member of the group, and the store carries on', async (t) => {
  const r = await rig(t);
  // A deferred foreign key is checked at COMMIT: a trigger makes the group named "poison" break it.
  await r.other.query(`create table probe (group_id text references groups(id) deferrable initially deferred);
    create function poison() returns trigger language plpgsql as $$ begin insert into probe values ('nowhere'); return new; end $$;
    create trigger poison after insert on groups for each row when (new.name = 'poison') execute function poison();`);
  const outcomes = await Promise.allSettled(['a', 'poison', 'c'].map((n) => r.store.transaction((tx) => tx.groups.insert(group(n)))));
  assert.deepEqual(outcomes.map((o) => o.status), ['rejected', 'rejected', 'rejected']);
  for (const o of outcomes) assert.equal(reasonCode(o), 'Conflict');
  assert.deepEqual(await r.committedNames(), [], 'nothing of the group was committed');
  await r.store.transaction((tx) => tx.groups.insert(group('after')));
  assert.deepEqual(await r.committedNames(), ['after']);
});

test('on PostgreSQL, a group whose connection is killed before COMMIT acknowledges nobody, not even members that had finished', async (t) => {
  const r = await rig(t);
  const killGroupConnection = () =>
    r.other.query(`select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and state like 'idle in transaction%'`);
  const settled: string[] = [];
  const outcomes = await Promise.allSettled(
    ['a', 'b', 'c'].map((n) =>
      r.store
        .transaction(async (tx) => {
          await tx.groups.insert(group(n));
          if (n === 'b') {
            await killGroupConnection();
            await tx.groups.list(); // the connection is gone: this fails, and with it the transaction
          }
        })
        .finally(() => settled.push(n)),
    ),
  );
  assert.deepEqual(outcomes.map((o) => o.status), ['rejected', 'rejected', 'fulfilled'], 'a finished before b, c ran in the next group');
  assert.equal(reasonCode(outcomes[0]!), 'StoreUnavailable');
  assert.deepEqual(await r.committedNames(), ['c']);
});

test('on PostgreSQL, a member waiting for a lock held outside its group does not hold up the group; it runs again alone', async (t) => {
  const r = await rig(t, { groupLockTimeoutMs: 100 });
  // Another node's transaction holds the audit chain's lock (every audited write takes it).
  await r.other.query('select pg_advisory_lock($1::bigint)', [AUDIT_CHAIN_LOCK]);
  let released = false;
  const order: string[] = [];
  const write = (name: string, audited: boolean) =>
    r.store
      .transaction(async (tx: StoreTx) => {
        await tx.groups.insert(group(name));
        if (audited) await tx.audit.append(entry(name));
      })
      .then(() => order.push(`${name}${released ? ' after release' : ''}`));
  const all = Promise.all([write('a', false), write('w', true), write('c', false)]);
  // a and c commit while the lock is still held: w gave up its place after the lock timeout.
  const deadline = Date.now() + 5_000;
  while (order.length < 2 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
  assert.deepEqual([...order].sort(), ['a', 'c']);
  released = true;
  await r.other.query('select pg_advisory_unlock($1::bigint)', [AUDIT_CHAIN_LOCK]);
  await all;
  assert.deepEqual(order.slice(2), ['w after release']);
  assert.deepEqual(await r.committedNames(), ['a', 'c', 'w']);
  const audit = await r.store.read((tx) => tx.audit.list({ limit: 10 }));
  assert.deepEqual(audit.map((e) => e.targetId), ['w']);
});
