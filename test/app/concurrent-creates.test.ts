import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { upsertGroup } from '../../src/app/admin/groups.js';
import { LOCAL_OPERATOR } from '../../src/app/admin/require-admin.js';
import { upsertRole } from '../../src/app/admin/roles.js';
import { upsertUser } from '../../src/app/admin/users.js';
import { callerOf } from '../../src/app/authenticate.js';
import { createRequestUseCase } from '../../src/app/create-request.js';
import { HOLDING } from '../../src/domain/request/request.js';
import { runOutbox } from '../../src/app/outbox/run-outbox.js';
import type { ConfigOverrides } from '../../src/config/load.js';
import { FakeClock, type TestCore, makeCore } from '../support/harness.js';
import { dropDatabase, freshDatabase } from '../support/pg.js';
import { startSlapd, valuesOn } from '../support/slapd.js';

/**
 * Two nodes on one PostgreSQL database, one person asking for the same role on both at once: the
 * creates take turns on the person's account row, so the later one extends the earlier (which is
 * closed as superseded) instead of both becoming separate elevations.
 */
const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function twoNodes(config: ConfigOverrides = {}): Promise<[TestCore, TestCore, FakeClock]> {
  const database = await freshDatabase();
  cleanup.push(() => dropDatabase(database));
  const clock = new FakeClock();
  const a = await makeCore({ clock, config: { ...config, database } });
  cleanup.push(() => a.destroy());
  const b = await makeCore({ clock, demo: false, config: { ...config, database } });
  cleanup.push(() => b.destroy());
  return [a, b, clock];
}

async function raceCreates(a: TestCore, b: TestCore, clock: FakeClock, roleName: string): Promise<void> {
  const { jen, role } = await a.core.store.read(async (tx) => ({
    jen: callerOf((await tx.accounts.byLogin('jen'))!),
    role: (await tx.roles.byName(roleName))!,
  }));
  const ask = (t: TestCore) =>
    createRequestUseCase(t.core.deps, jen, { roleId: role.id, ttlSeconds: 600, justification: null, requestedAt: null, creationMethod: 'test' });
  for (let round = 0; round < 10; round++) {
    await Promise.all([ask(a), ask(b)]);
    const holding = await a.core.store.read((tx) => tx.requests.findByCreatorRole(jen.accountId, role.id, HOLDING));
    assert.equal(holding.length, 1, `round ${round}: ${holding.length} elevations held at once`);
    clock.advance(1000);
  }
}

test('simultaneous creates of one person for one role on two nodes end in a single elevation (embedded groups)', async () => {
  const [a, b, clock] = await twoNodes();
  await raceCreates(a, b, clock, 'Allow AD Access');
});

test('… and with the groups in an LDAP directory: both wait in Processing, and once confirmed one is Active', async () => {
  const slapd = await startSlapd();
  cleanup.push(() => slapd.stop());
  const corp = { url: slapd.url, bindDn: slapd.bindDn, bindPasswordFile: slapd.bindPasswordFile, userBase: slapd.people, timeoutMs: 2000 };
  const [a, b, clock] = await twoNodes({ directories: { corp } });
  const admins = `cn=admins,${slapd.groups}`;
  await upsertUser(a.core.deps, a.core.hasher, LOCAL_OPERATOR, { login: 'bob' }, 'create');
  await upsertGroup(a.core.deps, LOCAL_OPERATOR, { name: 'Directory Admins', directory: 'corp', dn: admins, memberAttribute: 'member' }, 'create');
  await upsertRole(a.core.deps, LOCAL_OPERATOR, { name: 'LDAP Admin', ttlSeconds: 3600, groups: ['Directory Admins'], candidates: ['bob'] }, 'create');
  const { bob, role } = await a.core.store.read(async (tx) => ({
    bob: callerOf((await tx.accounts.byLogin('bob'))!),
    role: (await tx.roles.byName('LDAP Admin'))!,
  }));
  const ask = (t: TestCore) =>
    createRequestUseCase(t.core.deps, bob, { roleId: role.id, ttlSeconds: 600, justification: null, requestedAt: null, creationMethod: 'test' });
  const outbox = (t: TestCore) => runOutbox(t.core.deps, { directoryFor: (n) => t.core.directories.get(n), leaseMs: 30_000 });
  for (let round = 0; round < 5; round++) {
    await Promise.all([ask(a), ask(b)]);
    // Both nodes work the outbox at once, as they would; jobs of one member go one after another.
    const open = () => a.core.store.read(async (tx) => (await tx.outbox.open(10)).length);
    for (let pass = 0; pass < 10 && (await open()) > 0; pass++) await Promise.all([outbox(a), outbox(b)]);
    assert.equal(await open(), 0, `round ${round}: jobs left`);
    const holding = await a.core.store.read((tx) => tx.requests.findByCreatorRole(bob.accountId, role.id, HOLDING));
    assert.deepEqual(holding.map((r) => r.status), ['Active'], `round ${round}`);
    assert.ok((await valuesOn(slapd, admins, 'member')).includes(`uid=bob,${slapd.people}`));
    clock.advance(1000);
  }
});
