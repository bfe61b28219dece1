import { test } from 'node:test';
import assert from 'node:assert/strict';
import { upsertRole } from '../../src/app/admin/roles.js';
import { LOCAL_OPERATOR } from '../../src/app/admin/require-admin.js';
import { loadConfig } from '../../src/config/load.js';
import { startServer } from '../../src/main.js';
import { cliJson, runCli, tempDir } from './run-cli.js';

test('elevate request --ticket sends TicketId; a role that needs one refuses without it, with the reason', async (t) => {
  const server = await startServer(loadConfig({ env: {}, overrides: { dataDir: tempDir(t), port: 0, demo: true, logLevel: 'silent' } }));
  t.after(() => server.close());
  await upsertRole(server.core.deps, LOCAL_OPERATOR, { name: 'Allow AD Access', justificationRequired: true, ticketPattern: '^INC[0-9]{6}$' }, 'update');
  const jen = { env: { ELEVATE_SERVER: server.url, ELEVATE_USER: 'jen', ELEVATE_PASSWORD: 'jen' } };

  const refused = await runCli(['request', 'Allow AD Access', '--ttl', '10m', '--justification', 'patch'], jen);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /needs a ticket reference \(TicketId\)/);
  const bad = await runCli(['request', 'Allow AD Access', '--ttl', '10m', '--justification', 'patch', '--ticket', 'CHG1'], jen);
  assert.match(bad.stderr, /does not match/);
  const noWhy = await runCli(['request', 'Allow AD Access', '--ttl', '10m', '--ticket', 'INC000042'], jen);
  assert.match(noWhy.stderr, /needs a justification/);

  const created = await cliJson(['request', 'Allow AD Access', '--ttl', '10m', '--justification', 'patch', '--ticket', 'INC000042'], jen);
  assert.equal(created.RequestStatus, 'Active');
});
