/**
 * The set-based expiry path (src/app/due/expire-batch.ts), on the store the suite runs on: a mixed
 * batch ends what the row-by-row engine would end, writes the same records, keeps groups another
 * elevation still grants, and leaves the audit chain intact.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { LOCAL_OPERATOR } from '../../../src/app/admin/require-admin.js';
import { verifyAuditTrail } from '../../../src/app/audit/verify-audit-trail.js';
import { closeRequestUseCase } from '../../../src/app/close-request.js';
import { type ExpiryBatch, expireBatch } from '../../../src/app/due/expire-batch.js';
import { Lifecycle } from '../../../src/app/lifecycle.js';
import { runDueWork } from '../../../src/app/run-due-work.js';
import { type TestCore, makeCore } from '../../support/harness.js';
import { GROUPS, ROLES, addLdapGroupToMixed, callerFor, elevate, membersOf, setUpRoles, stored } from './expiry-fixture.js';

const MIN = 60_000;
let t: TestCore;

beforeEach(async () => {
  t = await makeCore({ demo: false });
  await setUpRoles(t.core, ['u1', 'u2', 'u3', 'u4', 'u5', 'u6']);
});
afterEach(async () => {
  await t.destroy();
});

/** The audit actions written for one request, in order (memberships as `removed <group>`). */
async function trail(id: string): Promise<string[]> {
  const entries = await t.core.deps.store.read((tx) => tx.audit.list({ requestId: id, limit: 100 }));
  return entries.map((e) => (e.action.startsWith('membership.') ? `${e.action} ${(e.after as { group: string }).group}` : e.action));
}

test('a mixed batch: plain expiries end together, the rest go row by row, and shared groups stay while another elevation grants them', async () => {
  const c = t.core;
  const t0 = t.clock.now();
  // u1: Ops ends, Plus (which shares a group with Ops) stays for an hour.
  const u1ops = await elevate(c, 'u1', ROLES.ops, 600);
  const u1plus = await elevate(c, 'u1', ROLES.plus, 3600);
  // u2: Ops and Plus end in the same batch; their shared group goes, once.
  const u2ops = await elevate(c, 'u2', ROLES.ops, 600);
  const u2plus = await elevate(c, 'u2', ROLES.plus, 600);
  // u3: Mixed grants an LDAP group too, so its end goes through the outbox.
  const u3mixed = await elevate(c, 'u3', ROLES.mixed, 600);
  await addLdapGroupToMixed(c);
  // u4: closed by its owner after it was due and before the scheduler got to it.
  const u4ops = await elevate(c, 'u4', ROLES.ops, 600);
  // u5: extended before it ended, so the extension holds Ops' groups on.
  const u5ops = await elevate(c, 'u5', ROLES.ops, 600);
  // u6: a scheduled start falls due in the same batch.
  const u6plus = await elevate(c, 'u6', ROLES.plus, 3600, t0 + 10 * MIN + 30_000);
  assert.equal(u6plus.status, 'Scheduled');
  for (const r of [u1ops, u1plus, u2ops, u2plus, u3mixed, u4ops, u5ops]) assert.equal(r.status, 'Active');

  t.clock.set(t0 + 9 * MIN);
  const u5ext = await elevate(c, 'u5', ROLES.ops, 300);
  assert.equal((await stored(c, u5ops.id)).endReason, 'superseded');
  t.clock.set(t0 + 10 * MIN + 40_000);
  assert.equal((await closeRequestUseCase(c.deps, await callerFor(c, 'u4'), u4ops.id)).status, 'Closed');
  const u4closed = await stored(c, u4ops.id);

  t.clock.set(t0 + 11 * MIN);
  // Which requests the batch takes, seen in a transaction rolled back afterwards.
  const split = await c.deps.store
    .transaction(async (tx) => {
      const b = await expireBatch(new Lifecycle(c.deps, tx, t.clock.now()), await tx.requests.claimDue(t.clock.now(), 100));
      throw Object.assign(new Error('roll back'), { b });
    })
    .catch((e: { b?: ExpiryBatch }) => e.b!);
  assert.deepEqual(split.ended.map((e) => e.id).sort(), [u1ops.id, u2ops.id, u2plus.id].sort());
  assert.deepEqual(split.rest.map((r) => r.id).sort(), [u3mixed.id, u6plus.id].sort());
  assert.deepEqual(await membersOf(c, GROUPS.a), ['u1', 'u2', 'u3', 'u5']);

  const lastBefore = (await c.deps.store.read((tx) => tx.audit.list({ limit: 1_000 }))).reduce((m, e) => Math.max(m, e.seq), 0);
  const report = await runDueWork(c.deps);
  assert.deepEqual({ processed: report.processed, failed: report.failed, errors: report.errors }, { processed: 5, failed: 0, errors: [] });
  // Every expiry's lateness is measured, batched or not: due at +10 min, committed at +11 min.
  assert.deepEqual(report.expiryLatenessMs, [MIN, MIN, MIN, MIN]);

  for (const r of [u1ops, u2ops, u2plus]) {
    const s = await stored(c, r.id);
    assert.deepEqual(
      { status: s.status, endReason: s.endReason, endedAt: s.endedAt, expiresAt: s.expiresAt, version: s.version },
      { status: 'Expired', endReason: 'expired', endedAt: t0 + 11 * MIN, expiresAt: r.expiresAt, version: r.version + 2 },
    );
  }
  assert.equal((await stored(c, u1plus.id)).status, 'Active');
  assert.equal((await stored(c, u3mixed.id)).status, 'Closing', 'an LDAP group waits for the directory');
  assert.deepEqual(await stored(c, u4ops.id), u4closed, 'a request closed meanwhile is left exactly as it was');
  assert.equal((await stored(c, u5ext.id)).status, 'Active');
  assert.equal((await stored(c, u6plus.id)).status, 'Active');

  assert.deepEqual(await membersOf(c, GROUPS.a), ['u5']);
  assert.deepEqual(await membersOf(c, GROUPS.shared), ['u1', 'u5', 'u6']);
  assert.deepEqual(await membersOf(c, GROUPS.b), ['u1', 'u6']);
  const jobs = await c.deps.store.read((tx) => tx.outbox.open(10));
  assert.deepEqual(jobs.map((j) => ({ requestId: j.requestId, kind: j.kind })), [{ requestId: u3mixed.id, kind: 'revoke' }]);

  // One record per batched end, saying what the engine says row by row in three or more: from
  // Active to Expired, the groups removed, those kept for another elevation, and the lateness.
  const expired = async (id: string) => {
    const es = (await t.core.deps.store.read((tx) => tx.audit.list({ requestId: id, limit: 100 }))).filter((e) => e.seq > lastBefore);
    assert.deepEqual(es.map((e) => e.action), ['request.expired'], `${id}: one record`);
    return { before: es[0]!.before, after: es[0]!.after as { removed: string[]; kept?: string[] } & Record<string, unknown> };
  };
  assert.deepEqual(await expired(u1ops.id), {
    before: { status: 'Active', expiresAt: u1ops.expiresAt },
    after: { status: 'Expired', endReason: 'expired', account: 'u1', removed: [GROUPS.a], kept: [GROUPS.shared], latenessMs: MIN },
  });
  const u2 = [await expired(u2ops.id), await expired(u2plus.id)];
  assert.deepEqual(u2.flatMap((e) => e.after.removed).sort(), [GROUPS.a, GROUPS.b, GROUPS.shared].sort(), 'each group removed once, on one of them');
  assert.deepEqual(u2.flatMap((e) => [...e.after.removed, ...(e.after.kept ?? [])]).sort(), [GROUPS.a, GROUPS.shared, GROUPS.b, GROUPS.shared].sort());
  // The row-by-row path (an LDAP group: the outbox) keeps its records.
  assert.deepEqual((await trail(u3mixed.id)).slice(-2), ['request.expiry-reached', `membership.removed ${GROUPS.a}`]);

  const verified = await verifyAuditTrail(c.deps, LOCAL_OPERATOR, { verifier: null, sources: [] });
  assert.equal(verified.brokenAtSeq, null);
  assert.ok(verified.checked > 20);
});

test('a bulk update over a stale version throws Conflict and writes nothing', async () => {
  const c = t.core;
  const t0 = t.clock.now();
  const rs = [await elevate(c, 'u1', ROLES.ops, 600), await elevate(c, 'u2', ROLES.ops, 600), await elevate(c, 'u3', ROLES.plus, 600)];
  // The batch updates every row at once; a stale version anywhere fails the whole statement.
  await assert.rejects(
    c.deps.store.transaction(async (tx) => {
      const now = await tx.requests.byId(rs[0]!.id);
      await tx.requests.updateMany(rs.map((r, i) => ({ before: i === 1 ? { ...r, version: r.version - 1 } : r, after: { ...r, status: 'Expired' as const, version: r.version + 2 } })));
      return now;
    }),
    (e: Error & { code?: string }) => e.code === 'Conflict',
  );
  for (const r of rs) assert.equal((await stored(c, r.id)).status, 'Active');
  // The scheduler's batch over the same rows then goes through.
  t.clock.set(t0 + 20 * MIN);
  const report = await runDueWork(c.deps);
  assert.equal(report.processed, 3);
  for (const r of rs) assert.equal((await stored(c, r.id)).status, 'Expired');
  assert.deepEqual(await membersOf(c, GROUPS.shared), []);
});

test('bulk audit appends chain exactly as appends one by one', async () => {
  const c = t.core;
  const entry = (i: number) => ({ at: 1000 + i, actorId: null, action: 'reconcile.extra.reported' as const, targetType: 'request' as const, targetId: `r${i}`, requestId: null, before: { i }, after: null });
  await c.deps.store.transaction(async (tx) => {
    await tx.audit.append(entry(0));
    await tx.audit.appendMany([entry(1), entry(2), entry(3)]);
    await tx.audit.append(entry(4));
    await tx.audit.appendMany([]);
  });
  const chain = await c.deps.store.read((tx) => tx.audit.verifyChain());
  assert.equal(chain.brokenAtSeq, null);
  const listed = await c.deps.store.read((tx) => tx.audit.list({ action: 'reconcile.extra.reported', limit: 10 }));
  assert.deepEqual(listed.map((e) => e.targetId), ['r0', 'r1', 'r2', 'r3', 'r4']);
  assert.deepEqual(listed.map((e) => e.seq), [...listed.keys()].map((k) => listed[0]!.seq + k));
});
