import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../cli/run-cli.js';
import { API, TEST_MFA_KEY, basic, makeApp, type TestApp } from '../../support/harness.js';

// The server keeps verified credentials in memory; the CLI (another process) changes accounts in
// the same store, SQLite file or PostgreSQL database, while it runs. The server's very next call
// must see the change, with no restart and no wait.
async function cli(t: TestApp, args: readonly string[], input?: string): Promise<void> {
  // On PostgreSQL the nodes share the test MFA key; on SQLite it lives in the data directory.
  const pg: { args: string[]; env: Record<string, string> } = t.database !== undefined ? { args: ['--database', t.database], env: { ELEVATE_MFA_KEY: TEST_MFA_KEY } } : { args: [], env: {} };
  const r = await runCli([...args, '--data', t.dataDir, ...pg.args], { env: pg.env, ...(input !== undefined && { input }) });
  assert.equal(r.code, 0, r.stderr);
}

const roles = (t: TestApp, who: Record<string, string>) => t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: who });

test('an account the CLI disables, locks or gives a new password is refused on the server\'s next call', async () => {
  const t = await makeApp();
  try {
    // Cached credentials first, on a call that needs them again right after.
    assert.equal((await roles(t, basic('ann'))).statusCode, 200);
    assert.equal((await roles(t, basic('ann'))).statusCode, 200);
    await cli(t, ['user', 'set', 'ann', '--disabled']);
    assert.equal((await roles(t, basic('ann'))).statusCode, 401);
    await cli(t, ['user', 'set', 'ann', '--enabled']);
    assert.equal((await roles(t, basic('ann'))).statusCode, 200);

    assert.equal((await roles(t, basic('jen'))).statusCode, 200);
    await cli(t, ['user', 'lock', 'jen', '--reason', 'test']);
    assert.equal((await roles(t, basic('jen'))).statusCode, 401);
    await cli(t, ['user', 'unlock', 'jen']);
    assert.equal((await roles(t, basic('jen'))).statusCode, 200);

    // A change to another account leaves ann's cached sign-in valid; a new password ends it.
    assert.equal((await roles(t, basic('ann'))).statusCode, 200);
    await cli(t, ['user', 'set', 'ann', '--password-stdin'], 'changed\n');
    assert.equal((await roles(t, basic('ann'))).statusCode, 401);
    assert.equal((await roles(t, basic('ann', 'changed'))).statusCode, 200);
  } finally {
    await t.destroy();
  }
});
