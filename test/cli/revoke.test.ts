import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.js';
import { type RunningServer, startServer } from '../../src/main.js';
import { type CliResult, cliJson, runCli, tempDir } from './run-cli.js';

/** A real demo server in this process; the admin commands work on its data directory beside it. */
async function demoServer(t: TestContext): Promise<{ server: RunningServer; dataDir: string; as: (login: string) => Record<string, string> }> {
  const dataDir = tempDir(t);
  const server = await startServer(loadConfig({ env: {}, overrides: { dataDir, port: 0, demo: true, logLevel: 'silent' } }));
  t.after(() => server.close());
  return { server, dataDir, as: (login) => ({ ELEVATE_SERVER: server.url, ELEVATE_USER: login, ELEVATE_PASSWORD: login }) };
}

const failed = (r: CliResult, code: number, message: RegExp) => {
  assert.equal(r.code, code, `exit code; stderr: ${r.stderr}`);
  assert.match(r.stderr, message);
};

test('elevate revoke ends an active elevation; jen reads why in elevate requests', async (t) => {
  const { dataDir, as } = await demoServer(t);
  const jen = { env: as('jen') };
  const d = ['--data', dataDir];
  const held = await cliJson(['request', 'Allow AD Access', '--ttl', '1h', '--justification', 'patch DC01'], jen);
  assert.equal(held.RequestStatus, 'Active');

  const revoked = await cliJson(['revoke', held.RequestId, '--reason', 'stolen laptop', '-y', ...d]);
  assert.deepEqual([revoked.requestId, revoked.status, revoked.endReason, revoked.endNote], [held.RequestId, 'Closed', 'revoked', 'stolen laptop']);
  const members = await cliJson(['group', 'members', 'CORP Domain Admins', ...d]);
  assert.deepEqual(members.members, [], 'jen is out of the group, and no grant expects her');

  const mine = await cliJson(['requests'], jen);
  const row = mine.find((r: { RequestId: string }) => r.RequestId === held.RequestId);
  assert.deepEqual([row.RequestStatus, row.EndReason, row.EndNote], ['Closed', 'revoked', 'stolen laptop']);
  assert.match((await runCli(['requests'], jen)).stdout, new RegExp(`^${held.RequestId}\\s+Allow AD Access\\s+Closed\\s.*revoked by an administrator: stolen laptop$`, 'm'));

  // Already ended: the server's words, exit 1. Misuse: exit 2.
  failed(await runCli(['revoke', held.RequestId, '--reason', 'again', ...d]), 1, /nothing left to revoke/);
  failed(await runCli(['revoke', held.RequestId, ...d]), 2, /--reason/);
  failed(await runCli(['revoke', '--reason', 'x', ...d]), 2, /give the id/);
  failed(await runCli(['revoke', 'not-a-guid', '--reason', 'x', ...d]), 2, /not a request id/);
  failed(await runCli(['revoke', held.RequestId, '--role', 'Allow AD Access', '--reason', 'x', ...d]), 2, /go with --all/);
  failed(await runCli(['revoke', '--all', '--reason', 'x', ...d]), 2, /--all needs/);
});

test('elevate revoke --all --role and --all --user end many at once', async (t) => {
  const { dataDir, as } = await demoServer(t);
  const d = ['--data', dataDir];
  const jenAd = await cliJson(['request', 'Allow AD Access', '--ttl', '1h'], { env: as('jen') });
  const annAd = await cliJson(['request', 'Allow AD Access', '--ttl', '1h'], { env: as('ann') });
  const jenApproval = await cliJson(['request', 'ApprovalRole', '--ttl', '1h'], { env: as('jen') });
  const byRole = await cliJson(['revoke', '--all', '--role', 'Allow AD Access', '--reason', 'domain compromise', '--yes', ...d]);
  assert.deepEqual(byRole.map((r: { requestId: string }) => r.requestId).sort(), [jenAd.RequestId, annAd.RequestId].sort());
  assert.deepEqual(await cliJson(['approvals'], { env: as('ann') }).then((a: unknown[]) => a.length), 1);
  const byUser = (await runCli(['revoke', '--all', '--user', 'jen', '--reason', 'leaver', '--yes', ...d])).stdout;
  assert.match(byUser, new RegExp(`^${jenApproval.RequestId}\\s+ApprovalRole\\s+jen\\s+Closed\\s`, 'm'));
  assert.deepEqual(await cliJson(['approvals'], { env: as('ann') }), [], 'the approver no longer sees it');
  assert.match((await runCli(['revoke', '--all', '--user', 'jen', '--reason', 'again', ...d])).stdout, /nothing was open/);
});

test('elevate user lock refuses sign-in and ends holdings; unlock restores sign-in, not the elevation', async (t) => {
  const { dataDir, as } = await demoServer(t);
  const d = ['--data', dataDir];
  const jen = { env: as('jen') };
  const held = await cliJson(['request', 'Allow AD Access', '--ttl', '1h'], jen);
  const locked = await cliJson(['user', 'lock', 'jen', '--reason', 'investigation', '--until', '2999-12-31T00:00:00Z', ...d]);
  assert.equal(locked.user.lock.reason, 'investigation');
  assert.equal(locked.user.lock.until, Date.parse('2999-12-31T00:00:00Z'));
  assert.deepEqual(locked.ended.map((r: { requestId: string; status: string }) => [r.requestId, r.status]), [[held.RequestId, 'Closed']]);
  assert.match((await runCli(['user', 'show', 'jen', ...d])).stdout, /^locked:\s+yes \(until .*: investigation\)$/m);
  failed(await runCli(['whoami'], jen), 1, /incorrect, or the account is disabled/);

  const unlocked = await cliJson(['user', 'unlock', 'jen', ...d]);
  assert.equal(unlocked.lock, null);
  assert.deepEqual(await cliJson(['whoami'], jen), { Username: 'PRIV\\jen' });
  const mine = await cliJson(['requests'], jen);
  assert.deepEqual(mine.map((r: { RequestStatus: string; EndReason?: string }) => [r.RequestStatus, r.EndReason]), [['Closed', 'account-locked']]);
  assert.deepEqual((await cliJson(['group', 'members', 'CORP Domain Admins', ...d])).members, []);
  failed(await runCli(['user', 'unlock', 'jen', ...d]), 1, /not locked/);
  failed(await runCli(['user', 'lock', 'jen', ...d]), 2, /--reason/);

  // Disabling does the same in the same transaction.
  await cliJson(['request', 'Allow AD Access', '--ttl', '1h'], jen);
  await cliJson(['user', 'set', 'jen', '--disabled', ...d]);
  assert.deepEqual((await cliJson(['group', 'members', 'CORP Domain Admins', ...d])).members, []);
});
