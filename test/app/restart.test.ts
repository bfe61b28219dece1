import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeRequestUseCase } from '../../src/app/close-request.js';
import { createRequestUseCase } from '../../src/app/create-request.js';
import { callerOf } from '../../src/app/authenticate.js';
import type { Core } from '../../src/app/core.js';
import { FakeClock, type TestCore, makeCore } from '../support/harness.js';

const MIN = 60_000;
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups) await c();
});

async function caller(core: Core, login: string) {
  const a = await core.deps.store.transaction((tx) => tx.accounts.byLogin(login));
  return callerOf(a!);
}

async function role(core: Core, name: string) {
  return (await core.deps.store.transaction((tx) => tx.roles.byName(name)))!;
}

async function members(core: Core, group: string) {
  return core.deps.store.transaction(async (tx) => {
    const g = await tx.groups.byName(group);
    return tx.groups.members(g!.id);
  });
}

async function status(core: Core, id: string) {
  return (await core.deps.store.transaction((tx) => tx.requests.byId(id)))!.status;
}

/** Closes the store and opens a new core on the same data directory, as a restarted server would. */
async function restart(t: TestCore, clock: FakeClock): Promise<TestCore> {
  await t.close();
  const next = await makeCore({ clock, dataDir: t.dataDir, demo: false });
  cleanups.push(next.destroy);
  return next;
}

test('scheduled and active requests survive a restart, and what fell due while down happens at once', async () => {
  const clock = new FakeClock();
  let t = await makeCore({ clock });
  const jen = await caller(t.core, 'jen');
  const plain = await role(t.core, 'Allow AD Access');

  const active = await createRequestUseCase(t.core.deps, jen, {
    roleId: plain.id, ttlSeconds: 600, justification: 'fix the DC', requestedAt: null, creationMethod: 'test',
  });
  assert.equal(active.request.status, 'Active');
  const scheduled = await createRequestUseCase(t.core.deps, jen, {
    roleId: (await role(t.core, 'Business Hours')).id, ttlSeconds: 600, justification: null,
    requestedAt: clock.now() + 30 * MIN, creationMethod: 'test',
  });
  assert.equal(scheduled.request.status, 'Scheduled');
  assert.deepEqual(await members(t.core, 'CORP Domain Admins'), [jen.accountId]);

  // Down for 5 minutes: nothing is due yet; after the restart both are exactly as before.
  clock.advance(5 * MIN);
  t = await restart(t, clock);
  assert.equal((await t.tick()).processed, 0);
  assert.equal(await status(t.core, active.request.id), 'Active');
  assert.equal(await status(t.core, scheduled.request.id), 'Scheduled');

  // Down for 40 minutes: the expiry (at +10 min) and the scheduled start (at +30 min) both fell due.
  clock.advance(40 * MIN);
  t = await restart(t, clock);
  const report = await t.tick();
  assert.equal(await status(t.core, active.request.id), 'Expired');
  assert.deepEqual(await members(t.core, 'CORP Domain Admins'), []);
  // The scheduled request counts its TTL from its requested start: 10 of its 10 minutes are gone
  // by +45, so it ends without ever granting access rather than running late.
  assert.equal(await status(t.core, scheduled.request.id), 'Expired');
  assert.deepEqual(await members(t.core, 'Business Hours Ops'), []);
  assert.equal(report.expiryLatenessMs.length, 1);
  assert.equal(report.expiryLatenessMs[0], 35 * MIN, 'lateness is measured as actual minus due');
});

test('a scheduled start due during the downtime still grants the rest of its time', async () => {
  const clock = new FakeClock();
  let t = await makeCore({ clock });
  const jen = await caller(t.core, 'jen');
  const r = await createRequestUseCase(t.core.deps, jen, {
    roleId: (await role(t.core, 'Allow AD Access')).id, ttlSeconds: 3600, justification: null,
    requestedAt: clock.now() + 10 * MIN, creationMethod: 'test',
  });
  assert.equal(r.request.status, 'Scheduled');
  clock.advance(20 * MIN);
  t = await restart(t, clock);
  await t.tick();
  const after = (await t.core.deps.store.transaction((tx) => tx.requests.byId(r.request.id)))!;
  assert.equal(after.status, 'Active');
  assert.equal(after.startedAt, r.request.requestedAt);
  assert.equal(after.expiresAt, r.request.requestedAt + 3600_000);
  assert.deepEqual(await members(t.core, 'CORP Domain Admins'), [jen.accountId]);
  await closeRequestUseCase(t.core.deps, jen, r.request.id);
  assert.deepEqual(await members(t.core, 'CORP Domain Admins'), []);
});

test('an approval that timed out while the server was down expires at start', async () => {
  const clock = new FakeClock();
  let t = await makeCore({ clock });
  const jen = await caller(t.core, 'jen');
  const r = await createRequestUseCase(t.core.deps, jen, {
    roleId: (await role(t.core, 'ApprovalRole')).id, ttlSeconds: 600, justification: null, requestedAt: null, creationMethod: 'test',
  });
  assert.equal(r.request.status, 'PendingApproval');
  clock.advance(25 * 60 * MIN);
  t = await restart(t, clock);
  await t.tick();
  assert.equal(await status(t.core, r.request.id), 'Expired');
  const approval = await t.core.deps.store.transaction((tx) => tx.approvals.byId(r.request.approvalId!));
  assert.equal(approval!.status, 'Expired');
});
