/**
 * The bulk statements of the set-based expiry pass their rows as ONE JSON parameter
 * (src/adapters/store/kysely/json-rows.ts), read back by each store's own JSON functions: these run
 * them on the store the suite runs on (ELEVATE_TEST_STORE) with none, one and many rows, text that
 * JSON must escape, and the pair another grant keeps.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import type { PamRequest } from '../../../src/domain/request/request.js';
import type { GroupAccount, StoreTx } from '../../../src/ports/store.js';
import { type TestCore, makeCore } from '../../support/harness.js';

const T0 = Date.UTC(2026, 0, 1);
const ODD = `it's "quoted" \\ back, tab\t, line\u2028, é ✓ 𝄞`;
let t: TestCore;

const account = (id: string) => ({ id, login: id, displayName: id, email: null, passwordHash: null, isAdmin: false, disabled: false, lock: null });
const group = (id: string) => ({ id, name: id, description: null, directory: 'embedded', dn: null, memberAttribute: null, reconcile: 'off' as const });
const role = (id: string, groupIds: string[], candidateIds: string[]) => ({
  id, name: id, description: null, ttlSeconds: 3600, mfaRequired: false, approvalRequired: false, approverMfaRequired: false,
    breakGlass: false, window: null, groupIds, candidateIds, approverIds: [],
  justificationRequired: false, justificationMinLength: 0, ticketPattern: null, stages: [],
});

function request(i: number, creatorId: string, roleId: string, status: PamRequest['status']): PamRequest {
  return {
    id: `req-${String(i).padStart(5, '0')}`, creatorId, roleId, displayName: 'R', justification: i % 2 ? ODD : null, creationMethod: 'test',
    createdAt: T0 + i, requestedTtlSeconds: 3600, requestedAt: T0 + i, status, startedAt: T0 + i, expiresAt: T0 + i + 3_600_000,
    pendingUntil: null, endReason: null, endedAt: null, endNote: null, approvalId: null, ticketId: null, breakGlass: false, version: 1,
  };
}

const USERS = Array.from({ length: 300 }, (_, i) => `u${String(i).padStart(3, '0')}`);

/** 300 people, each Active in role A (groups g1, g2); the first 10 also Active in B (g2, g3), the next 10 Expired in B. */
async function seed(tx: StoreTx): Promise<PamRequest[]> {
  for (const u of USERS) await tx.accounts.insert(account(u));
  for (const g of ['g1', 'g2', 'g3']) await tx.groups.insert(group(g));
  await tx.roles.insert(role('A', ['g1', 'g2'], USERS));
  await tx.roles.insert(role('B', ['g2', 'g3'], USERS));
  const out: PamRequest[] = [];
  for (const [i, u] of USERS.entries()) {
    out.push(request(i, u, 'A', 'Active'));
    if (i < 20) out.push(request(1000 + i, u, 'B', i < 10 ? 'Active' : 'Expired'));
    for (const g of ['g1', 'g2', ...(i < 10 ? ['g3'] : [])]) await tx.groups.addMember(g, u);
  }
  for (const r of out) await tx.requests.insert(r);
  return out;
}

beforeEach(async () => {
  t = await makeCore({ demo: false });
});
afterEach(async () => {
  await t.destroy();
});

const ended = (r: PamRequest, i: number): PamRequest => ({ ...r, status: 'Expired', endReason: 'expired', endedAt: T0 + 5_000_000 + i, endNote: i % 3 ? `${ODD} ${i}` : null, version: r.version + 2 });

test('updateMany writes none, one and many rows exactly, text escaped through JSON included', async () => {
  const s = t.core.deps.store;
  const rows = (await s.transaction(seed)).filter((r) => r.roleId === 'A');
  await s.transaction((tx) => tx.requests.updateMany([]));
  await s.transaction((tx) => tx.requests.updateMany([{ before: rows[0]!, after: ended(rows[0]!, 0) }]));
  const many = rows.slice(1, 251);
  await s.transaction((tx) => tx.requests.updateMany(many.map((r, i) => ({ before: r, after: ended(r, i + 1) }))));
  await s.read(async (tx) => {
    assert.deepEqual(await tx.requests.byId(rows[0]!.id), ended(rows[0]!, 0));
    for (const [i, r] of many.entries()) assert.deepEqual(await tx.requests.byId(r.id), ended(r, i + 1));
    for (const r of rows.slice(251)) assert.deepEqual(await tx.requests.byId(r.id), r);
    // An ended request leaves the scheduler's queue and the holdings.
    assert.equal((await tx.requests.findByCreatorRole(rows[0]!.creatorId, 'A', ['Processing', 'Active'])).length, 0);
  });
});

test('updateMany over a stale version anywhere throws Conflict and writes nothing', async () => {
  const s = t.core.deps.store;
  const rows = (await s.transaction(seed)).slice(0, 40);
  await assert.rejects(
    s.transaction((tx) => tx.requests.updateMany(rows.map((r, i) => ({ before: i === 33 ? { ...r, version: 7 } : r, after: ended(r, i) })))),
    (e: Error & { code?: string }) => e.code === 'Conflict',
  );
  await s.read(async (tx) => {
    for (const r of rows) assert.deepEqual(await tx.requests.byId(r.id), r);
  });
});

test('heldGroups answers, of the pairs asked, those a Processing or Active request still grants', async () => {
  const s = t.core.deps.store;
  await s.transaction(seed);
  const pair = (groupId: string, accountId: string): GroupAccount => ({ groupId, accountId });
  const key = (p: GroupAccount) => `${p.groupId}/${p.accountId}`;
  const held = (pairs: GroupAccount[]) => s.read(async (tx) => (await tx.requests.heldGroups(pairs)).map(key).sort());
  assert.deepEqual(await held([]), []);
  assert.deepEqual(await held([pair('g3', 'u000')]), ['g3/u000'], 'B grants g3 to u000');
  assert.deepEqual(await held([pair('g3', 'u015')]), [], "u015's B has expired");
  assert.deepEqual(await held([pair('g3', 'u100')]), [], 'u100 never held B');
  // End every A request: g2 stays with the ten whose B still grants it, g1 goes for everyone.
  await s.transaction(async (tx) => {
    const as = (await Promise.all(USERS.map((u) => tx.requests.findByCreatorRole(u, 'A', ['Active'])))).flat();
    await tx.requests.updateMany(as.map((r, i) => ({ before: r, after: ended(r, i) })));
  });
  const asked = USERS.flatMap((u) => [pair('g1', u), pair('g2', u), pair('g2', u)]);
  assert.deepEqual(await held(asked), USERS.slice(0, 10).map((u) => `g2/${u}`).sort());
});

test('removeMembers removes exactly the pairs given: none, one, many', async () => {
  const s = t.core.deps.store;
  await s.transaction(seed);
  const members = (g: string) => s.read(async (tx) => (await tx.groups.members(g)).sort());
  await s.transaction((tx) => tx.groups.removeMembers([]));
  assert.equal((await members('g1')).length, 300);
  await s.transaction((tx) => tx.groups.removeMembers([{ groupId: 'g3', accountId: 'u004' }]));
  assert.deepEqual(await members('g3'), USERS.slice(0, 10).filter((u) => u !== 'u004'));
  // Many, with a pair given twice and one that is no member: the rest of g1 and all of g2 stay.
  const gone = USERS.slice(0, 200);
  await s.transaction((tx) => tx.groups.removeMembers([...gone.map((u) => ({ groupId: 'g1', accountId: u })), { groupId: 'g1', accountId: 'u000' }, { groupId: 'g3', accountId: 'u299' }]));
  assert.deepEqual(await members('g1'), USERS.slice(200));
  assert.equal((await members('g2')).length, 300);
});

test('audit appends of none, one and many entries chain and read back exactly', async () => {
  const s = t.core.deps.store;
  const entry = (i: number) => ({
    at: T0 + i, actorId: i % 2 ? null : `actor ${ODD}`, action: 'reconcile.extra.reported' as const, targetType: 'request' as const,
    targetId: `t${i}`, requestId: i % 3 ? null : `r${i}`, before: i % 4 ? null : { i, text: ODD, list: [1, null, 'x'] }, after: { n: i, big: 1_764_900_000_123 },
  });
  await s.transaction((tx) => tx.audit.appendMany([]));
  await s.transaction((tx) => tx.audit.appendMany([entry(0)]));
  await s.transaction((tx) => tx.audit.appendMany(Array.from({ length: 700 }, (_, i) => entry(i + 1))));
  const listed = await s.read((tx) => tx.audit.list({ action: 'reconcile.extra.reported', limit: 1000 }));
  assert.equal(listed.length, 701);
  for (const [i, e] of listed.entries()) {
    const { hash: _h, seq, ...rest } = e;
    assert.deepEqual(rest, entry(i));
    assert.equal(seq, listed[0]!.seq + i);
  }
  assert.equal((await s.read((tx) => tx.audit.verifyChain())).brokenAtSeq, null);
});

test('notifications added in bulk read back exactly and fan out in the order given: none, one and many', async () => {
  const s = t.core.deps.store;
  const n = (i: number) => ({
    // Ids out of order on purpose: the order given, not the ids, decides `seq`.
    id: `n-${String((i * 7919) % 1000).padStart(4, '0')}-${i}`, kind: 'elevation-ended' as const, requestId: `r${i}`, createdAt: T0 + i, notBefore: T0 + (i % 3),
    detail: { status: 'Expired' as const, expiresAt: i % 2 ? T0 + i : null, endReason: null, endNote: i % 5 ? null : ODD, actorId: null, comment: null },
  });
  await s.transaction((tx) => tx.notifications.addMany([]));
  await s.transaction((tx) => tx.notifications.addMany([n(0)]));
  await s.transaction((tx) => tx.notifications.addMany(Array.from({ length: 600 }, (_, i) => n(i + 1))));
  // In a write transaction: on PostgreSQL the fan-out claims its rows (FOR UPDATE SKIP LOCKED).
  const due = await s.transaction((tx) => tx.notifications.toFanOut(T0 + 10, 1000));
  assert.deepEqual(due, Array.from({ length: 601 }, (_, i) => n(i)));
});
