/**
 * Two nodes on one PostgreSQL run the due work at the same moment over a few hundred elevations
 * that all end at once, in small batches so both take part. Each elevation ends exactly once
 * (claims skip rows another node holds), no group outlives the elevations that granted it even
 * when each node ends one of a person's two elevations sharing it, and the audit chain is one chain.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeRequestUseCase } from '../../../src/app/close-request.js';
import { runDueWork } from '../../../src/app/run-due-work.js';
import { FakeClock, type TestCore, makeCore } from '../../support/harness.js';
import { freshDatabase } from '../../support/pg.js';
import { GROUPS, ROLES, callerFor, elevate, membersOf, setUpRoles } from './expiry-fixture.js';

const MIN = 60_000;
const USERS = Array.from({ length: 60 }, (_, i) => `n${String(i).padStart(2, '0')}`);
const nodes: TestCore[] = [];

/** Two nodes on a database of their own, sharing one clock. */
async function twoNodes(): Promise<[TestCore, TestCore]> {
  const database = await freshDatabase();
  const clock = new FakeClock();
  const pair: [TestCore, TestCore] = [
    await makeCore({ clock, demo: false, store: 'postgres', config: { database } }),
    await makeCore({ clock, demo: false, store: 'postgres', config: { database } }),
  ];
  nodes.push(...pair);
  return pair;
}

after(async () => {
  for (const n of nodes) await n.close();
});

test('two nodes end every elevation exactly once, and shared groups go with the last of them', async () => {
  const [a, b] = await twoNodes();
  await setUpRoles(a.core, USERS);
  const ids: string[] = [];
  for (const u of USERS) {
    // Both of a person's elevations end together: whichever node ends the second must see the first ended.
    ids.push((await elevate(a.core, u, ROLES.ops, 600)).id, (await elevate(b.core, u, ROLES.plus, 600)).id);
  }
  assert.equal((await membersOf(a.core, GROUPS.shared)).length, USERS.length);
  a.clock.advance(11 * MIN);

  const [ra, rb] = await Promise.all([runDueWork(a.core.deps, { batchSize: 7 }), runDueWork(b.core.deps, { batchSize: 7 })]);
  assert.deepEqual([ra.failed, rb.failed], [0, 0]);
  assert.equal(ra.processed + rb.processed, ids.length);
  assert.ok(ra.processed > 0 && rb.processed > 0, `both nodes took part (${ra.processed} and ${rb.processed})`);
  assert.equal(ra.expiryLatenessMs.length + rb.expiryLatenessMs.length, ids.length);

  const { statuses, actions } = await a.core.deps.store.read(async (tx) => ({
    statuses: await Promise.all(ids.map(async (id) => (await tx.requests.byId(id))!.status)),
    actions: (await tx.audit.list({ limit: 100_000, since: a.clock.now() })).map((e) => `${e.requestId} ${e.action}`),
  }));
  assert.deepEqual(new Set(statuses), new Set(['Expired']));
  for (const id of ids) {
    assert.equal(actions.filter((x) => x === `${id} request.expired`).length, 1, `${id} ended once`);
  }
  const removed = (await a.core.deps.store.read((tx) => tx.audit.list({ action: 'request.expired', limit: 100_000, since: a.clock.now() }))).flatMap((e) => (e.after as { removed: string[] }).removed);
  assert.equal(removed.length, USERS.length * 3, 'each group of each person removed once, by one node');
  for (const g of Object.values(GROUPS).slice(0, 3)) assert.deepEqual(await membersOf(a.core, g), [], `${g} is empty`);
  assert.equal((await b.core.deps.store.read((tx) => tx.audit.verifyChain())).brokenAtSeq, null);
});

test("a close on one node and an expiry on the other, of one person's two elevations sharing a group, leave the group to neither", async () => {
  const [a, b] = await twoNodes();
  const users = USERS;
  await setUpRoles(a.core, users);
  const pairs: { login: string; closing: string; expiring: string }[] = [];
  for (const u of users) {
    const expiring = (await elevate(a.core, u, ROLES.plus, 600)).id;
    const closing = (await elevate(a.core, u, ROLES.ops, 3600)).id;
    pairs.push({ login: u, closing, expiring });
  }
  a.clock.advance(11 * MIN);
  // Each owner closes the elevation that is not due (the row-by-row path) while the other node ends
  // the due one (the batch): whichever commits second must see the first one's end.
  const closes = Promise.all(pairs.map(async (p) => closeRequestUseCase(a.core.deps, await callerFor(a.core, p.login), p.closing)));
  const [, due] = await Promise.all([closes, runDueWork(b.core.deps, { batchSize: 5 })]);
  assert.equal(due.failed, 0);
  const shared = new Set(await membersOf(a.core, GROUPS.shared));
  assert.deepEqual(users.filter((u) => shared.has(u)), [], 'nobody keeps the shared group');
  assert.equal((await b.core.deps.store.read((tx) => tx.audit.verifyChain())).brokenAtSeq, null);
});
