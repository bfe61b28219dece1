import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../cli/run-cli.js';
import { API, TEST_MFA_KEY, basic, makeApp, type TestApp } from '../../support/harness.js';

// The server remembers each caller's role listing while nothing it reads has changed; the CLI
// (another process) changes roles and candidates in the same SQLite file or PostgreSQL database.
// The server's very next GET pamroles must show the change, with no restart and no wait.
async function cli(t: TestApp, args: readonly string[]): Promise<void> {
  const pg: { args: string[]; env: Record<string, string> } = t.database !== undefined ? { args: ['--database', t.database], env: { ELEVATE_MFA_KEY: TEST_MFA_KEY } } : { args: [], env: {} };
  const r = await runCli([...args, '--data', t.dataDir, ...pg.args], { env: pg.env });
  assert.equal(r.code, 0, r.stderr);
}

async function listing(t: TestApp, login: string): Promise<Map<string, string>> {
  const res = await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic(login) });
  assert.equal(res.statusCode, 200, res.body);
  const value = (res.json() as { value: { DisplayName: string; TTL: string }[] }).value;
  return new Map(value.map((r) => [r.DisplayName, r.TTL]));
}

test('a role or candidate the CLI changes shows in the server\'s very next role listing', async () => {
  const t = await makeApp();
  try {
    // Twice, so the second answer may come from memory.
    assert.equal((await listing(t, 'jen')).get('MFA Role'), '1800');
    assert.equal((await listing(t, 'jen')).get('MFA Role'), '1800');
    assert.equal((await listing(t, 'ann')).has('MFA Role'), false);

    await cli(t, ['role', 'set', 'MFA Role', '--ttl', '2700']);
    assert.equal((await listing(t, 'jen')).get('MFA Role'), '2700');

    // Candidates are another table: adding ann, then removing everyone.
    await cli(t, ['role', 'set', 'MFA Role', '--candidate', 'ann', '--candidate', 'jen']);
    assert.equal((await listing(t, 'ann')).get('MFA Role'), '2700');
    await cli(t, ['role', 'set', 'MFA Role', '--no-candidate']);
    assert.equal((await listing(t, 'jen')).has('MFA Role'), false);
    assert.equal((await listing(t, 'ann')).has('MFA Role'), false);
    // Other callers' listings and other roles are untouched.
    assert.equal((await listing(t, 'jen')).get('ApprovalRole'), '3600');
  } finally {
    await t.destroy();
  }
});
