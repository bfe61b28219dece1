import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { upsertGroup } from '../../src/app/admin/groups.js';
import { LOCAL_OPERATOR } from '../../src/app/admin/require-admin.js';
import { upsertRole } from '../../src/app/admin/roles.js';
import { upsertUser } from '../../src/app/admin/users.js';
import { callerOf } from '../../src/app/authenticate.js';
import { closeRequestUseCase } from '../../src/app/close-request.js';
import { createRequestUseCase } from '../../src/app/create-request.js';
import { readBacklog } from '../../src/app/backlog.js';
import { runOutbox } from '../../src/app/outbox/run-outbox.js';
import type { PamRequest } from '../../src/domain/request/request.js';
import type { Directory } from '../../src/ports/directory.js';
import type { Store, StoreTx } from '../../src/ports/store.js';
import { type TestCore, makeCore } from '../support/harness.js';
import { type Slapd, setValues, startSlapd, valuesOn } from '../support/slapd.js';

let slapd: Slapd;
let t: TestCore;
let admins: string;
let bobDn: string;

before(async () => {
  slapd = await startSlapd();
  admins = `cn=admins,${slapd.groups}`;
  bobDn = `uid=bob,${slapd.people}`;
  t = await makeCore({
    demo: false,
    config: {
      directories: {
        corp: { url: slapd.url, bindDn: slapd.bindDn, bindPasswordFile: slapd.bindPasswordFile, userBase: slapd.people, timeoutMs: 1000 },
      },
    },
  });
  const deps = t.core.deps;
  await upsertUser(deps, t.core.hasher, LOCAL_OPERATOR, { login: 'bob' }, 'create');
  await upsertGroup(deps, LOCAL_OPERATOR, { name: 'Directory Admins', directory: 'corp', dn: admins, memberAttribute: 'member' }, 'create');
  await upsertRole(deps, LOCAL_OPERATOR, { name: 'LDAP Admin', ttlSeconds: 3600, groups: ['Directory Admins'], candidates: ['bob'] }, 'create');
});

after(async () => {
  process.kill(slapd.pid, 'SIGCONT'); // in case a test left it paused
  await t.destroy();
  await slapd.stop();
});

const outbox = () => runOutbox(t.core.deps, { directoryFor: (n) => t.core.directories.get(n) });
const status = async (id: string) => (await t.core.store.transaction((tx) => tx.requests.byId(id)))!.status;

async function request(ttlSeconds = 600): Promise<PamRequest> {
  const bob = await t.core.store.transaction(async (tx) => callerOf((await tx.accounts.byLogin('bob'))!));
  const role = (await t.core.store.transaction((tx) => tx.roles.byName('LDAP Admin')))!;
  return (await createRequestUseCase(t.core.deps, bob, { roleId: role.id, ttlSeconds, justification: null, requestedAt: null, creationMethod: 'test' })).request;
}

test('a grant is Processing until the directory confirms it, and Active after; close revokes it', async () => {
  const r = await request();
  assert.equal(r.status, 'Processing', 'not Active before the directory answered');
  assert.ok(!(await valuesOn(slapd, admins, 'member')).includes(bobDn));

  const report = await outbox();
  assert.equal(report.applied, 1);
  assert.equal(await status(r.id), 'Active');
  assert.ok((await valuesOn(slapd, admins, 'member')).includes(bobDn));

  const bob = await t.core.store.transaction(async (tx) => callerOf((await tx.accounts.byLogin('bob'))!));
  assert.equal((await closeRequestUseCase(t.core.deps, bob, r.id)).status, 'Closing');
  await outbox();
  assert.equal(await status(r.id), 'Closed');
  assert.ok(!(await valuesOn(slapd, admins, 'member')).includes(bobDn));
});

test('a directory that is down through an expiry keeps the revoke retrying, Closing meanwhile, until it succeeds', async () => {
  const r = await request(60);
  await outbox();
  assert.equal(await status(r.id), 'Active');

  process.kill(slapd.pid, 'SIGSTOP'); // the directory hangs: connections time out
  t.clock.advance(61_000);
  await t.tick();
  assert.equal(await status(r.id), 'Closing');
  const failed = await outbox();
  assert.equal(failed.applied, 0);
  assert.equal(failed.failed.length, 1);
  assert.equal(failed.failed[0]!.kind, 'revoke');
  const job = (await t.core.store.transaction((tx) => tx.outbox.open(10)))[0]!;
  assert.equal(job.attempts, 1);
  assert.ok(job.lastError && job.lastError.length > 0);

  // Not retried before its backoff has passed, then retried with a longer one.
  assert.equal((await outbox()).failed.length, 0);
  t.clock.advance(1_000);
  assert.equal((await outbox()).failed[0]?.attempts, 2);
  assert.equal(await status(r.id), 'Closing');
  // The lateness metric an operator alerts on rises while the revoke is unconfirmed.
  const behind = await readBacklog(t.core.deps);
  assert.deepEqual(
    { openRevokes: behind.openRevokes, failingJobs: behind.failingJobs, revocationLatenessMs: behind.revocationLatenessMs },
    { openRevokes: 1, failingJobs: 1, revocationLatenessMs: 2_000 },
  );

  process.kill(slapd.pid, 'SIGCONT');
  t.clock.advance(2_000);
  const ok = await outbox();
  assert.equal(ok.applied, 1);
  assert.equal(await status(r.id), 'Expired');
  assert.ok(!(await valuesOn(slapd, admins, 'member')).includes(bobDn));
  assert.equal(ok.expiryLatenessMs[0], 4_000, 'lateness runs from the expiry to the confirmed revoke, not to the state change');
  assert.equal((await t.core.store.transaction((tx) => tx.outbox.open(10))).length, 0);
  const caughtUp = await readBacklog(t.core.deps);
  assert.equal(caughtUp.revocationLatenessMs, 0);
  assert.equal(caughtUp.openRevokes, 0);
});

/**
 * A store that runs every transaction callback twice, the first attempt rolled back, as PostgreSQL
 * does when it retries a serialisation failure: whatever a callback adds to a report must count once.
 */
function retryingEveryTransaction(store: Store): Store {
  const rolledBack = new Error('rolled back to force a retry');
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'transaction') {
        return async <T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> => {
          await target.transaction(async (tx) => (await fn(tx), Promise.reject(rolledBack))).catch((e: unknown) => {
            if (e !== rolledBack) throw e;
          });
          return target.transaction(fn);
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

test('a job recorded in a transaction the store retries is counted once: applied, failed and lateness', async () => {
  const deps = { ...t.core.deps, store: retryingEveryTransaction(t.core.store) };
  const run = (directoryFor: (n: string) => Directory | undefined) => runOutbox(deps, { directoryFor });
  const r = await request(60);
  const granted = await run((n) => t.core.directories.get(n));
  assert.deepEqual({ applied: granted.applied, failed: granted.failed.length }, { applied: 1, failed: 0 });
  assert.equal(await status(r.id), 'Active');

  t.clock.advance(61_000);
  await t.tick();
  const failing = await run(() => undefined); // the directory is not configured on this node
  assert.deepEqual({ applied: failing.applied, failed: failing.failed.map((f) => f.attempts) }, { applied: 0, failed: [1] });

  t.clock.advance(1_000);
  const revoked = await run((n) => t.core.directories.get(n));
  assert.deepEqual({ applied: revoked.applied, failed: revoked.failed.length, lateness: revoked.expiryLatenessMs }, { applied: 1, failed: 0, lateness: [2_000] });
  assert.equal(await status(r.id), 'Expired');
  assert.ok(!(await valuesOn(slapd, admins, 'member')).includes(bobDn));
});

test('a revoke never overtakes the grant before it, and removing an absent member is success', async () => {
  await setValues(slapd, admins, 'member', [`uid=alice,${slapd.people}`]);
  const r = await request();
  const bob = await t.core.store.transaction(async (tx) => callerOf((await tx.accounts.byLogin('bob'))!));
  await closeRequestUseCase(t.core.deps, bob, r.id); // closed before the grant went out
  // A lease that lapses at once: the worker below may take the same jobs again.
  const jobs = await t.core.store.transaction((tx) => tx.outbox.claim(t.clock.now(), t.clock.now(), 10));
  assert.deepEqual(jobs.map((j) => j.kind), ['grant'], 'only the first job of a member is offered');
  await outbox(); // grant
  await outbox(); // revoke
  assert.equal(await status(r.id), 'Closed');
  assert.deepEqual(await valuesOn(slapd, admins, 'member'), [`uid=alice,${slapd.people}`]);
});

test('the reconciler removes standing access in enforce mode and only reports it in report mode', async () => {
  const { reconcileGroups } = await import('../../src/app/outbox/reconcile.js');
  const carolDn = `uid=carol,${slapd.people}`;
  const alice = `uid=alice,${slapd.people}`;
  await setValues(slapd, admins, 'member', [alice, carolDn]); // carol added by hand, no grant
  const reconcile = () => reconcileGroups(t.core.deps, (n) => t.core.directories.get(n));

  // report (the default): drift is audited, the directory is left alone
  const reported = await reconcile();
  assert.deepEqual(reported.map((d) => [d.login, d.kind, d.outcome]).sort(), [['alice', 'extra', 'reported'], ['carol', 'extra', 'reported']]);
  assert.deepEqual(await valuesOn(slapd, admins, 'member'), [alice, carolDn].sort());

  // enforce: a lost grant is re-added and standing access removed; both are audited
  await upsertGroup(t.core.deps, LOCAL_OPERATOR, { name: 'Directory Admins', reconcile: 'enforce' }, 'update');
  const r = await request();
  await outbox();
  await setValues(slapd, admins, 'member', [alice, carolDn]); // bob's grant "lost" at the directory
  const enforced = await reconcile();
  assert.deepEqual(enforced.map((d) => [d.login, d.kind, d.outcome]).sort(), [
    ['alice', 'extra', 'corrected'],
    ['bob', 'missing', 'corrected'],
    ['carol', 'extra', 'corrected'],
  ]);
  assert.deepEqual(await valuesOn(slapd, admins, 'member'), [bobDn]);
  const audit = await t.core.store.transaction((tx) => tx.audit.list({ action: 'reconcile.extra.corrected', limit: 10 }));
  assert.deepEqual(audit.map((e) => e.targetId).sort(), ['Directory Admins/alice', 'Directory Admins/carol']);
  assert.equal(await status(r.id), 'Active');
  assert.deepEqual(await reconcile(), [], 'nothing left to correct');
});
