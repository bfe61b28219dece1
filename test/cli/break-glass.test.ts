import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_TOTP_SECRET } from '../../src/app/demo.js';
import { upsertRole } from '../../src/app/admin/roles.js';
import { LOCAL_OPERATOR } from '../../src/app/admin/require-admin.js';
import { loadConfig } from '../../src/config/load.js';
import { startServer } from '../../src/main.js';
import { Secret, TOTP } from 'otpauth';
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

test('elevate roles says a break-glass role asks no approval (cap, MFA, review), plain and --json; a review with approver MFA takes --otp', async (t) => {
  const dataDir = tempDir(t);
  const server = await startServer(loadConfig({ env: {}, overrides: { dataDir, port: 0, demo: true, logLevel: 'silent', breakGlassMaxTtlSeconds: 900 } }));
  t.after(() => server.close());
  await upsertRole(server.core.deps, LOCAL_OPERATOR, { name: 'ApprovalRole', breakGlass: true, mfaRequired: true, approverMfaRequired: true }, 'update');
  const as = (login: string) => ({ env: { ELEVATE_SERVER: server.url, ELEVATE_USER: login, ELEVATE_PASSWORD: login } });

  const roles = await cliJson(['roles'], as('jen'));
  const glass = roles.find((r: { DisplayName: string }) => r.DisplayName === 'ApprovalRole');
  assert.deepEqual(glass.approvalPath.breakGlass, { maxTtlSeconds: 900, mfaRequired: true, reviewRequired: true });
  assert.equal(roles.find((r: { DisplayName: string }) => r.DisplayName === 'Allow AD Access').approvalPath, null);
  const plain = (await runCli(['roles'], as('jen'))).stdout;
  assert.match(plain, /^ApprovalRole: break-glass: no approval asked; at most 15m; MFA still required; audited as break-glass; each use reviewed afterwards by one of ann \(with MFA\)$/m);
  assert.doesNotMatch(plain, /^ApprovalRole: approval:/m, 'not listed as if an approval were needed');

  // The use, then its review: without a code (no terminal to ask on) refused; with --otp recorded.
  const use = await cliJson(['request', 'ApprovalRole', '--ttl', '10m', '--justification', 'outage'], as('jen'));
  assert.equal(use.RequestStatus, 'PendingMFA');
  const jenCode = new TOTP({ secret: Secret.fromBase32(DEMO_TOTP_SECRET) }).generate();
  assert.equal((await cliJson(['verify-mfa', use.RequestId, '--otp', jenCode], as('jen'))).RequestStatus, 'Active');
  const secret = (await cliJson(['user', 'totp', 'ann', '--data', dataDir])).secret as string;
  const refused = await runCli(['break-glass', 'review', use.RequestId, '--comment', 'fine'], as('ann'));
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /passes MFA[\s\S]*--otp/);
  const code = new TOTP({ secret: Secret.fromBase32(secret) }).generate();
  const done = await cliJson(['break-glass', 'review', use.RequestId, '--comment', 'fine', '--otp', code], as('ann'));
  assert.equal(done.factor, 'totp');
});
