import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDeclaration } from '../../src/app/admin/apply.js';
import { upsertRole } from '../../src/app/admin/roles.js';
import { LOCAL_OPERATOR } from '../../src/app/admin/require-admin.js';
import { loadConfig } from '../../src/config/load.js';
import { startServer } from '../../src/main.js';
import { type CliResult, cliJson, runCli, tempDir } from './run-cli.js';

const failed = (r: CliResult, code: number, message: RegExp) => {
  assert.equal(r.code, code, `exit code; stderr: ${r.stderr}`);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
};

test('approve/reject by requester login (any case, DOMAIN\\login or DOMAIN.login) with --role; several refuse, none suggests', async (t) => {
  const server = await startServer(loadConfig({ env: {}, overrides: { dataDir: tempDir(t), port: 0, demo: true, logLevel: 'silent' } }));
  t.after(() => server.close());
  const as = (login: string) => ({ env: { ELEVATE_SERVER: server.url, ELEVATE_USER: login, ELEVATE_PASSWORD: login } });
  const [jen, ann, bob] = [as('jen'), as('ann'), as('bob')];
  await applyDeclaration(server.core.deps, server.core.hasher, LOCAL_OPERATOR, { users: [{ login: 'bob', displayName: 'Bob', email: null, password: 'bob' }], groups: [{ name: 'Second Group' }] });
  await upsertRole(server.core.deps, LOCAL_OPERATOR, { name: 'Second Role', ttlSeconds: 3600, groups: ['Second Group'], candidates: ['jen', 'bob'], approval: { stages: [{ approvers: ['ann'], required: 1 }] } }, 'create');

  const first = await cliJson(['request', 'ApprovalRole', '--ttl', '1h'], jen);
  const second = await cliJson(['request', 'Second Role', '--ttl', '1h'], jen);
  const bobs = await cliJson(['request', 'Second Role', '--ttl', '1h'], bob);
  for (const r of [first, second, bobs]) assert.equal(r.RequestStatus, 'PendingApproval');
  const pending = await cliJson(['approvals'], ann);
  const approvalOf = (requestId: string) => pending.find((a: { FIMRequestID: { Value: string } }) => a.FIMRequestID.Value === requestId).ApprovalObjectID.Value;

  // Two of jen's wait: refuse, list them (requester, role, requested time, id), change nothing.
  const several = await runCli(['approve', 'JEN'], ann);
  failed(several, 2, /^elevate: 2 requests from 'JEN' are waiting for you; name one with --role or by its id:\nREQUESTOR\s+ROLE\s+REQUESTED TIME\s+APPROVAL ID\n/);
  assert.match(several.stderr, new RegExp(`^PRIV\\.jen\\s+ApprovalRole\\s+\\S.*\\s${approvalOf(first.RequestId)}$`, 'm'));
  assert.match(several.stderr, new RegExp(`^PRIV\\.jen\\s+Second Role\\s+\\S.*\\s${approvalOf(second.RequestId)}$`, 'm'));
  const severalJson = await runCli(['reject', 'jen', '--json'], ann);
  assert.equal(severalJson.code, 2);
  assert.deepEqual({ ...JSON.parse(severalJson.stdout).error, message: undefined }, { code: 'Ambiguous', exitCode: 2, message: undefined });
  assert.equal((await cliJson(['approvals'], ann)).length, 3, 'nothing was decided');

  // None: did-you-mean over the pending requesters' logins; a role they did not ask for names the ones they did.
  failed(await runCli(['approve', 'jne'], ann), 1, /^elevate: nothing from 'jne' is waiting for you; did you mean 'jen'\?$/m);
  failed(await runCli(['approve', 'PRIV\\jne'], ann), 1, /did you mean 'jen'\?$/m);
  failed(await runCli(['approve', 'bob', '--role', 'approvalrole'], ann), 1, /^elevate: nothing from 'bob' for role 'approvalrole' is waiting for you; did you mean --role 'Second Role'\?$/m);
  failed(await runCli(['approve', 'nobody'], ann), 1, /^elevate: nothing from 'nobody' is waiting for you \(see: elevate approvals\)$/m);
  const noneJson = await runCli(['approve', 'jne', '--json'], ann);
  assert.deepEqual(JSON.parse(noneJson.stdout), { error: { code: 'NothingWaiting', message: "nothing from 'jne' is waiting for you; did you mean 'jen'?", exitCode: 1 } });
  failed(await runCli(['approve', first.RequestId, '--role', 'ApprovalRole'], ann), 2, /--role goes with a requester's login/);
  failed(await runCli(['approve', 'ann'], jen), 1, /^elevate: nothing from 'ann' is waiting for you/);

  // Exactly one: decided, saying whose request for which role.
  const byDomain = await runCli(['approve', 'priv\\jen', '--role', 'second ROLE'], ann);
  assert.equal(byDomain.code, 0, byDomain.stderr);
  assert.equal(byDomain.stdout, "approved PRIV.jen's request for Second Role\n");
  assert.deepEqual(await cliJson(['reject', 'PRIV.JEN', '--json'], ann), { rejected: approvalOf(first.RequestId) });
  assert.equal((await runCli(['approve', 'Bob'], ann)).stdout, "approved PRIV.bob's request for Second Role\n");
  assert.deepEqual(await cliJson(['approvals'], ann), []);
  const status = async (who: { env: Record<string, string> }, id: string) => (await cliJson(['requests'], who)).find((r: { RequestId: string }) => r.RequestId === id).RequestStatus;
  assert.equal(await status(jen, first.RequestId), 'Rejected');
  assert.notEqual(await status(jen, second.RequestId), 'PendingApproval');
  assert.notEqual(await status(bob, bobs.RequestId), 'PendingApproval');
});
