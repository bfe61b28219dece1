import { test } from 'node:test';
import assert from 'node:assert/strict';
import { upsertRole } from '../../src/app/admin/roles.js';
import { LOCAL_OPERATOR } from '../../src/app/admin/require-admin.js';
import { loadConfig } from '../../src/config/load.js';
import { startServer } from '../../src/main.js';
import { cliJson, runCli, tempDir } from './run-cli.js';

test('elevate break-glass list and review: the approver reviews, then the requester may use the role again', async (t) => {
  const server = await startServer(loadConfig({ env: {}, overrides: { dataDir: tempDir(t), port: 0, demo: true, logLevel: 'silent' } }));
  t.after(() => server.close());
  await upsertRole(server.core.deps, LOCAL_OPERATOR, { name: 'ApprovalRole', breakGlass: true }, 'update');
  const as = (login: string) => ({ env: { ELEVATE_SERVER: server.url, ELEVATE_USER: login, ELEVATE_PASSWORD: login } });

  const used = await cliJson(['request', 'ApprovalRole', '--ttl', '10m', '--justification', 'outage'], as('jen'));
  assert.equal(used.RequestStatus, 'Active');
  const again = await runCli(['request', 'ApprovalRole', '--ttl', '10m', '--justification', 'outage'], as('jen'));
  assert.equal(again.code, 1);
  assert.match(again.stderr, /has not been reviewed yet/);

  const listed = await runCli(['break-glass', 'list'], as('ann'));
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, new RegExp(`${used.RequestId}.*jen.*ApprovalRole`));
  assert.equal(((await cliJson(['break-glass', 'list', '--all'], as('admin'))) as unknown as unknown[]).length, 1);

  const reviewed = await runCli(['break-glass', 'review', used.RequestId, '--comment', 'restored service; warranted'], as('ann'));
  assert.equal(reviewed.code, 0, reviewed.stderr);
  assert.match((await runCli(['break-glass', 'list'], as('ann'))).stdout, /no break-glass use is waiting/);
  assert.equal((await runCli(['request', 'ApprovalRole', '--ttl', '10m', '--justification', 'next'], as('jen'))).code, 0);
});
