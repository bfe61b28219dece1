import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { callerOf } from '../../src/app/authenticate.js';
import { createRequestUseCase } from '../../src/app/create-request.js';
import { HOLDING } from '../../src/app/lifecycle.js';
import { FakeClock, type TestCore, makeCore } from '../support/harness.js';
import { dropDatabase, freshDatabase } from '../support/pg.js';

/**
 * Two nodes on one PostgreSQL database, one person asking for the same role on both at once: the
 * creates take turns on the account's row, so the later one extends the earlier (which is closed
 * as superseded) instead of both becoming separate elevations.
 */
const cores: TestCore[] = [];
let database: string | undefined;
after(async () => {
  for (const c of cores) await c.destroy();
  if (database) await dropDatabase(database);
});

test('simultaneous creates of one person for one role on two nodes end in a single elevation', async () => {
  database = await freshDatabase();
  const clock = new FakeClock();
  cores.push(await makeCore({ clock, config: { database } }));
  cores.push(await makeCore({ clock, demo: false, config: { database } }));
  const [a, b] = cores as [TestCore, TestCore];
  const { jen, role } = await a.core.store.read(async (tx) => ({
    jen: callerOf((await tx.accounts.byLogin('jen'))!),
    role: (await tx.roles.byName('Allow AD Access'))!,
  }));
  const ask = (t: TestCore) =>
    createRequestUseCase(t.core.deps, jen, { roleId: role.id, ttlSeconds: 600, justification: null, requestedAt: null, creationMethod: 'test' });

  for (let round = 0; round < 10; round++) {
    await Promise.all([ask(a), ask(b)]);
    const holding = await a.core.store.read((tx) => tx.requests.findByCreatorRole(jen.accountId, role.id, HOLDING));
    assert.equal(holding.length, 1, `round ${round}: ${holding.length} elevations held at once`);
    clock.advance(1000);
  }
});
