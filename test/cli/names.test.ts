import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.js';
import { startServer } from '../../src/main.js';
import { type CliResult, cliJson, runCli, tempDir } from './run-cli.js';

/** A real demo server (jen, ann; Allow AD Access, ApprovalRole, ...); the admin commands work on its data directory. */
async function demo(t: TestContext): Promise<{ d: string[]; as: (login: string) => { env: Record<string, string> } }> {
  const dataDir = tempDir(t);
  const server = await startServer(loadConfig({ env: {}, overrides: { dataDir, port: 0, demo: true, logLevel: 'silent' } }));
  t.after(() => server.close());
  return { d: ['--data', dataDir], as: (login) => ({ env: { ELEVATE_SERVER: server.url, ELEVATE_USER: login, ELEVATE_PASSWORD: login } }) };
}

/** Exit 1 with exactly this one line on stderr (no summary, no prompt before it). */
const refused = (r: CliResult, line: string) => {
  assert.equal(r.code, 1, `exit code; stderr: ${r.stderr}`);
  assert.equal(r.stderr, `elevate: ${line}\n`);
};

test('user commands take a login in any case, and suggest the closest one', async (t) => {
  const { d } = await demo(t);
  assert.equal((await cliJson(['user', 'show', 'JEN', ...d])).login, 'jen');
  const set = await cliJson(['user', 'set', 'Jen', '--display-name', 'Jen Doe', ...d]);
  assert.deepEqual([set.user.login, set.user.displayName], ['jen', 'Jen Doe']);
  assert.equal((await cliJson(['user', 'lock', 'ANN', '--reason', 'audit', ...d])).user.login, 'ann');
  assert.equal((await cliJson(['user', 'unlock', 'Ann', ...d])).login, 'ann');
  assert.deepEqual(await cliJson(['user', 'mfa-unlock', 'ANN', ...d]), { unlocked: { user: 'ann' } });
  refused(await runCli(['user', 'show', 'jem', ...d]), "no user 'jem'; did you mean 'jen'?");
  refused(await runCli(['user', 'set', 'anne', '--admin', ...d]), "no user 'anne'; did you mean 'ann'?");
  refused(await runCli(['user', 'remove', 'jenn', '--yes', ...d]), "no user 'jenn'; did you mean 'jen'?");
  refused(await runCli(['user', 'show', 'zzzzzz', ...d]), "no user 'zzzzzz'");
  // --json: the same message, as a JSON error on stdout.
  const asJson = await runCli(['user', 'show', 'jem', '--json', ...d]);
  assert.equal(asJson.code, 1);
  assert.match(JSON.parse(asJson.stdout).error.message, /^no user 'jem'; did you mean 'jen'\?$/);
});

test('role commands take role, login and group names in any case, and suggest the closest one', async (t) => {
  const { d } = await demo(t);
  assert.equal((await cliJson(['role', 'show', 'allow ad access', ...d])).name, 'Allow AD Access');
  const edited = await cliJson(['role', 'set', 'approvalrole', '--add-approver', 'JEN', '--remove-candidate', 'Jen', '--add-group', 'corp domain admins', ...d]);
  assert.deepEqual([edited.role.name, edited.role.approvers, edited.role.candidates, edited.role.groups], ['ApprovalRole', ['ann', 'jen'], [], ['Approved Operators', 'CORP Domain Admins']]);
  const added = await cliJson(['role', 'add', 'Night Ops', '--ttl', '1h', '--candidate', 'ANN', '--group', 'business hours ops', ...d]);
  assert.deepEqual([added.role.candidates, added.role.groups], [['ann'], ['Business Hours Ops']]);
  refused(await runCli(['role', 'show', 'Alow AD Access', ...d]), "no role 'Alow AD Access'; did you mean 'Allow AD Access'?");
  refused(await runCli(['role', 'set', 'MFA Rol', '--ttl', '1h', ...d]), "no role 'MFA Rol'; did you mean 'MFA Role'?");
  refused(await runCli(['role', 'set', 'MFA Role', '--add-candidate', 'anm', ...d]), "no user 'anm'; did you mean 'ann'?");
  refused(await runCli(['role', 'add', 'Other', '--ttl', '1h', '--group', 'CORP Domain Admin', ...d]), "no group 'CORP Domain Admin'; did you mean 'CORP Domain Admins'?");
  refused(await runCli(['role', 'remove', 'Night Op', '--yes', ...d]), "no role 'Night Op'; did you mean 'Night Ops'?");
  assert.deepEqual(await cliJson(['role', 'remove', 'night ops', '--yes', ...d]), { removed: { role: 'Night Ops' } });
});

test('group commands and revoke --all take names in any case, and suggest the closest one', async (t) => {
  const { d, as } = await demo(t);
  assert.equal((await cliJson(['group', 'show', 'corp domain admins', ...d])).name, 'CORP Domain Admins');
  assert.equal((await cliJson(['group', 'set', 'CORP DOMAIN ADMINS', '--description', 'x', ...d])).group.name, 'CORP Domain Admins');
  refused(await runCli(['group', 'members', 'CORP Domain Admin', ...d]), "no group 'CORP Domain Admin'; did you mean 'CORP Domain Admins'?");
  refused(await runCli(['group', 'remove', 'Aproved Operators', '--yes', ...d]), "no group 'Aproved Operators'; did you mean 'Approved Operators'?");
  await cliJson(['group', 'add', 'Spare', ...d]);
  assert.deepEqual(await cliJson(['group', 'remove', 'SPARE', '--yes', ...d]), { removed: { group: 'Spare' } });

  const held = await cliJson(['request', 'allow ad access', '--ttl', '1h'], as('jen'));
  refused(await runCli(['revoke', '--all', '--role', 'Allow AD Acess', '--reason', 'x', '--yes', ...d]), "no role 'Allow AD Acess'; did you mean 'Allow AD Access'?");
  refused(await runCli(['revoke', '--all', '--user', 'jem', '--reason', 'x', '--yes', ...d]), "no user 'jem'; did you mean 'jen'?");
  const ended = await cliJson(['revoke', '--all', '--role', 'ALLOW AD ACCESS', '--user', 'JEN', '--reason', 'x', '--yes', ...d]);
  assert.deepEqual(ended.map((r: { requestId: string }) => r.requestId), [held.RequestId]);
});

test('two names equal but for case are both offered, never one picked', async (t) => {
  const { d } = await demo(t);
  await cliJson(['group', 'add', 'Ops', ...d]);
  await cliJson(['group', 'add', 'OPS', ...d]);
  assert.equal((await cliJson(['group', 'show', 'OPS', ...d])).name, 'OPS', 'an exact match wins');
  refused(await runCli(['group', 'show', 'ops', ...d]), "no group 'ops'; did you mean 'OPS' or 'Ops'?");
});

test('user remove and role remove refuse at once, with what to do instead, before any prompt', async (t) => {
  const { d, as } = await demo(t);
  await cliJson(['request', 'Allow AD Access', '--ttl', '1h'], as('jen'));
  // No --yes and no terminal: before, these stopped at "refusing ... without confirmation" (exit 2)
  // and the real refusal came only after confirming.
  refused(await runCli(['user', 'remove', 'jen', ...d]), "User 'jen' has request history, which the audit trail refers to; disable the user instead (elevate user set jen --disabled).");
  refused(
    await runCli(['role', 'remove', 'Allow AD Access', ...d]),
    "Role 'Allow AD Access' is active for 1 person now; end it first (elevate revoke --all --role 'Allow AD Access' --reason …).",
  );
  await cliJson(['revoke', '--all', '--role', 'Allow AD Access', '--reason', 'done', '--yes', ...d]);
  refused(await runCli(['role', 'remove', 'allow ad access', '--yes', ...d]), "Role 'Allow AD Access' has request history; remove its candidates instead so nobody can request it (elevate role set 'Allow AD Access' --no-candidate).");
  // Nothing changed.
  assert.equal((await cliJson(['user', 'show', 'jen', ...d])).disabled, false);
  assert.equal((await cliJson(['role', 'show', 'Allow AD Access', ...d])).name, 'Allow AD Access');
  // Someone without history is still asked first.
  const asked = await runCli(['user', 'remove', 'ann', ...d]);
  assert.equal(asked.code, 2);
  assert.match(asked.stderr, /^This will remove user ann \(Ann\)\.\n[\s\S]*elevate: refusing to remove user ann without confirmation: pass --yes\n$/);
});
