import { type TestContext, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import type SQLite from 'better-sqlite3';
import { SQLITE_FILE, SqliteStore, type SqliteStoreOptions, loadSqliteDriver, sqliteDriverPath } from '../../../src/adapters/store/sqlite/sqlite-store.js';
import { GroupCommit, type GroupSession } from '../../../src/adapters/store/group-commit.js';
import { DomainError } from '../../../src/domain/errors.js';
import type { StoreTx } from '../../../src/ports/store.js';
import { tempDir } from '../../support/harness.js';
import { aFailingMemberFailsAlone, group } from './group-commit-contract.js';

// The driver the store uses (loaded the way the store loads it, so a child process can load the same one).
const Driver = loadSqliteDriver();

/** Groups never stop early here, so how many commits a burst takes does not depend on the machine's speed. */
const NO_TIME_LIMIT = { maxMembers: 100, maxMs: 60_000 };

interface Rig {
  readonly store: SqliteStore;
  readonly dir: string;
  /** Every statement the store ran, in order. */
  readonly log: string[];
  commits(): number;
  /** A second connection: sees only what has been committed. */
  committedNames(): string[];
}

async function rig(t: TestContext, opts: Partial<SqliteStoreOptions> = {}): Promise<Rig> {
  const dir = tempDir();
  const log: string[] = [];
  const store = SqliteStore.open(dir, { accountDomain: 'PRIV', groupLimits: NO_TIME_LIMIT, onQuery: (s) => log.push(s), ...opts });
  await store.migrate();
  const other = new Driver(join(dir, SQLITE_FILE), { readonly: true });
  t.after(async () => {
    other.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    store,
    dir,
    log,
    commits: () => log.filter((s) => s === 'commit').length,
    committedNames: () => (other.prepare('select name from groups order by name').all() as { name: string }[]).map((r) => r.name),
  };
}


test('transactions that arrive together share one COMMIT, run serially, and each settles only once its writes are committed', async (t) => {
  const r = await rig(t);
  const commitsBefore = r.commits();
  const names = Array.from({ length: 30 }, (_, i) => `g${String(i).padStart(2, '0')}`);
  const seenBefore: number[] = [];
  const visibleAtResolve: boolean[] = [];
  await Promise.all(
    names.map((name, i) =>
      r.store
        .transaction(async (tx) => {
          // Serial execution: each sees exactly the writes of the ones before it.
          seenBefore[i] = (await tx.groups.list()).length;
          await tx.groups.insert(group(name));
        })
        .then(() => {
          visibleAtResolve[i] = r.committedNames().includes(name);
        }),
    ),
  );
  assert.equal(r.commits() - commitsBefore, 1, 'thirty transactions queued together take one commit');
  assert.deepEqual(seenBefore, names.map((_, i) => i));
  assert.deepEqual(visibleAtResolve, names.map(() => true), 'no transaction resolves before its commit');
  assert.deepEqual(r.committedNames(), names);
});

test('a group takes at most maxMembers transactions; the rest commit in the next group', async (t) => {
  const r = await rig(t, { groupLimits: { maxMembers: 4, maxMs: 60_000 } });
  const before = r.commits();
  await Promise.all(Array.from({ length: 10 }, (_, i) => r.store.transaction((tx) => tx.groups.insert(group(`g${i}`)))));
  assert.equal(r.commits() - before, 3);
  assert.equal(r.committedNames().length, 10);
});

test('a group stops taking members after maxMs, however many are queued', async (t) => {
  const r = await rig(t, { groupLimits: { maxMembers: 100, maxMs: 5 } });
  const before = r.commits();
  const slow = async (tx: StoreTx, name: string) => {
    await new Promise((res) => setTimeout(res, 10));
    await tx.groups.insert(group(name));
  };
  await Promise.all(Array.from({ length: 3 }, (_, i) => r.store.transaction((tx) => slow(tx, `g${i}`))));
  assert.equal(r.commits() - before, 3, 'each member outlasts the bound, so each commits alone');
});

test('a failing transaction inside a group fails alone and leaves nothing behind; its neighbours commit', async (t) => {
  const r = await rig(t);
  await aFailingMemberFailsAlone(r.store, r.committedNames, () => r.log.filter((s) => s === 'rollback to member').length);
});

test('a failed COMMIT rejects every member of the group, and the store carries on', async (t) => {
  const dir = tempDir();
  // A deferred foreign key is checked at COMMIT: a trigger makes the group named "poison" break it.
  const setup = SqliteStore.open(dir, { accountDomain: 'PRIV' });
  await setup.migrate();
  await setup.close();
  const db = new Driver(join(dir, SQLITE_FILE));
  db.exec(`create table probe (group_id text references groups(id) deferrable initially deferred);
    create trigger poison after insert on groups when new.name = 'poison' begin insert into probe values ('nowhere'); end;`);
  db.close();
  const store = SqliteStore.open(dir, { accountDomain: 'PRIV', groupLimits: NO_TIME_LIMIT });
  const other = new Driver(join(dir, SQLITE_FILE), { readonly: true });
  t.after(async () => {
    other.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const names = () => (other.prepare('select name from groups order by name').all() as { name: string }[]).map((x) => x.name);

  const outcomes = await Promise.allSettled(['a', 'poison', 'c'].map((n) => store.transaction((tx) => tx.groups.insert(group(n)))));
  assert.deepEqual(outcomes.map((o) => o.status), ['rejected', 'rejected', 'rejected']);
  for (const o of outcomes) assert.equal(((o as PromiseRejectedResult).reason as DomainError).code, 'Conflict');
  assert.deepEqual(names(), [], 'nothing of the group was committed');

  await store.transaction((tx) => tx.groups.insert(group('after')));
  assert.deepEqual(names(), ['after']);
});

test('a group waits for the write lock another process holds (busy_timeout), then commits', async (t) => {
  const r = await rig(t);
  const holder = spawn(process.execPath, ['-e', `
    const db = new (require(process.argv[2]))(process.argv[1]);
    db.exec('begin immediate'); console.log('locked');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 700);
    db.exec('commit'); db.close();`, join(r.dir, SQLITE_FILE), sqliteDriverPath()], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  await once(holder.stdout!, 'data');
  const started = Date.now();
  await Promise.all(['x', 'y', 'z'].map((n) => r.store.transaction((tx) => tx.groups.insert(group(n)))));
  assert.ok(Date.now() - started >= 300, 'the group waited for the other process');
  assert.deepEqual(r.committedNames(), ['x', 'y', 'z']);
  await once(holder, 'exit');
});

/** SQLite itself rolls the whole transaction back on some errors (SQLITE_FULL, IOERR, NOMEM); this member does what that does. */
test('when SQLite ends the whole transaction mid-group, every member is rejected, even those that succeeded before', async (t) => {
  const dir = tempDir();
  const db = new Driver(join(dir, 'g.db'));
  t.after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  db.exec('create table t (x text)');
  const groups = new GroupCommit<SQLite.Database>(async (body) => {
    const session: GroupSession<SQLite.Database> = { conn: db, exec: async (s) => void db.exec(s), inTransaction: () => db.inTransaction };
    await body(session);
  }, NO_TIME_LIMIT);
  const outcomes = await Promise.allSettled([
    groups.run(async (c) => c.exec(`insert into t values ('before')`)),
    groups.run(async (c) => {
      c.exec(`insert into t values ('mine')`);
      c.exec('rollback'); // as SQLITE_FULL may do; the member swallows nothing, but even if it did:
      return 'claims success';
    }),
    groups.run(async (c) => c.exec(`insert into t values ('after')`)),
  ]);
  assert.deepEqual(outcomes.map((o) => o.status), ['rejected', 'rejected', 'fulfilled']);
  assert.deepEqual(db.prepare('select x from t').all(), [{ x: 'after' }], 'the next group ran and committed on its own');
});

test('audit appends of a group, with a member rolled back between them, form one unbroken chain', async (t) => {
  const r = await rig(t);
  const entry = (targetId: string) => ({ at: 1, actorId: null, action: 'group.updated' as const, targetType: 'group' as const, targetId, requestId: null, before: null, after: { n: targetId } });
  const appendTwice = (name: string, fail = false) =>
    r.store.transaction(async (tx) => {
      await tx.audit.append(entry(`${name}-1`));
      await tx.audit.append(entry(`${name}-2`));
      if (fail) throw new DomainError('Conflict', 'rolled back after appending');
    });
  const outcomes = await Promise.allSettled([appendTwice('a'), appendTwice('b', true), appendTwice('c'), appendTwice('d')]);
  assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  const { list, chain } = await r.store.read(async (tx) => ({
    list: await tx.audit.list({ limit: 100 }),
    chain: await tx.audit.verifyChain(),
  }));
  assert.deepEqual(list.map((e) => [e.seq, e.targetId]), [[1, 'a-1'], [2, 'a-2'], [3, 'c-1'], [4, 'c-2'], [5, 'd-1'], [6, 'd-2']]);
  assert.deepEqual(chain, { checked: 6, brokenAtSeq: null });
});
