/**
 * Destructive admin commands say what will change and ask first: without a terminal and without
 * --yes (or with --json and no --yes) they refuse with exit 2 and change nothing.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { startServer } from '../../src/main.js';
import { type CliResult, cliJson, runCli, tempDir } from './run-cli.js';

const refused = (r: CliResult, action: string) => {
  assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
  assert.match(r.stderr, new RegExp(`^elevate: refusing to ${action} without confirmation: pass --yes$`, 'm'));
};

async function store(t: TestContext): Promise<string[]> {
  const d = ['--data', tempDir(t)];
  for (const u of ['alice', 'jen', 'ann']) await cliJson(['user', 'add', u, '--display-name', u.toUpperCase(), '--init', ...d]);
  await cliJson(['group', 'add', 'Ops', ...d]);
  await cliJson(['group', 'add', 'Spare', ...d]);
  await cliJson(['role', 'add', 'Ops Role', '--ttl', '1h', '--approval', '--approver', 'alice', '--candidate', 'alice', '--candidate', 'jen', '--group', 'Ops', ...d]);
  await cliJson(['role', 'add', 'Db Role', '--ttl', '1h', '--candidate', 'alice', ...d]);
  await cliJson(['role', 'add', 'Other', '--ttl', '1h', '--candidate', 'jen', ...d]);
  return d;
}

const logins = async (d: string[]) => (await cliJson<{ login: string }[]>(['user', 'list', ...d])).map((u) => u.login).sort();

test('user remove: refused without a terminal and without --yes, nothing changes; --yes names the roles she leaves', async (t) => {
  const d = await store(t);
  const r = await runCli(['user', 'remove', 'alice', ...d]);
  refused(r, 'remove user alice');
  assert.match(r.stderr, /alice leaves role Ops Role \(candidate and approver\)/, 'the summary comes before the refusal');
  assert.equal(r.stdout, '');
  assert.deepEqual(await logins(d), ['alice', 'ann', 'jen']);

  const j = await runCli(['user', 'remove', 'alice', '--json', ...d]);
  assert.equal(j.code, 2);
  assert.deepEqual(JSON.parse(j.stdout), { error: { code: 'usage', message: 'refusing to remove user alice without confirmation: pass --yes', exitCode: 2 } });
  assert.deepEqual(await logins(d), ['alice', 'ann', 'jen']);

  const ok = await runCli(['user', 'remove', 'alice', '--yes', ...d]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, 'removed: user alice\n');
  assert.match(ok.stderr, /^This will remove user alice \(ALICE\)\.$/m);
  assert.match(ok.stderr, /^ {2}alice leaves role Ops Role \(candidate and approver\)$/m);
  assert.match(ok.stderr, /^ {2}alice leaves role Db Role \(candidate\)$/m);
  assert.doesNotMatch(ok.stderr, /role Other/);
  assert.match(ok.stderr, /no elevation ends/);
  assert.deepEqual(await logins(d), ['ann', 'jen']);
  assert.deepEqual((await cliJson(['role', 'show', 'Ops Role', ...d])).candidates, ['jen']);

  // An unknown user is the ordinary error, not a question.
  const ghost = await runCli(['user', 'remove', 'ghost', ...d]);
  assert.equal(ghost.code, 1);
  assert.doesNotMatch(ghost.stderr, /refusing/);
  assert.deepEqual(await cliJson(['user', 'remove', 'ann', '-y', ...d]), { removed: { user: 'ann' } });
});

test('role remove and group remove ask first; --yes proceeds', async (t) => {
  const d = await store(t);
  const r = await runCli(['role', 'remove', 'Ops Role', ...d]);
  refused(r, 'remove role Ops Role');
  assert.match(r.stderr, /candidates who can no longer request it: alice, jen/);
  assert.match(r.stderr, /approvers who no longer approve it: alice/);
  assert.match(r.stderr, /groups it no longer grants: Ops/);
  assert.equal((await cliJson(['role', 'show', 'Ops Role', ...d])).name, 'Ops Role');
  assert.deepEqual(await cliJson(['role', 'remove', 'Ops Role', '--yes', ...d]), { removed: { role: 'Ops Role' } });

  refused(await runCli(['group', 'remove', 'Spare', ...d]), 'remove group Spare');
  assert.equal((await cliJson(['group', 'show', 'Spare', ...d])).name, 'Spare');
  refused(await runCli(['group', 'remove', 'Spare', '--json', ...d]), 'remove group Spare');
  const g = await runCli(['group', 'remove', 'Spare', '--yes', ...d]);
  assert.equal(g.code, 0, g.stderr);
  assert.match(g.stderr, /This will remove group Spare/);
  assert.equal((await runCli(['group', 'show', 'Spare', ...d])).code, 1);
});

test('apply --prune asks only when the plan deletes something', async (t) => {
  const d = await store(t);
  const dir = tempDir(t);
  const file = join(dir, 'p.yaml');
  writeFileSync(file, 'users: [{ login: alice, displayName: ALICE }, { login: jen, displayName: JEN }, { login: ann, displayName: ANN }]\n');
  const r = await runCli(['apply', '-f', file, '--prune', ...d]);
  refused(r, 'apply a plan that deletes \\d+ item\\(s\\)');
  assert.match(r.stderr, /^- group Spare$/m);
  assert.equal((await cliJson(['group', 'show', 'Spare', ...d])).name, 'Spare', 'nothing changed');
  assert.equal((await runCli(['apply', '-f', file, '--prune', '--dry-run', ...d])).code, 0, 'a dry run asks nothing');
  assert.equal((await runCli(['apply', '-f', file, ...d])).code, 0, 'without --prune nothing is deleted, nothing is asked');
  const ok = await runCli(['apply', '-f', file, '--prune', '--yes', ...d]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal((await runCli(['group', 'show', 'Spare', ...d])).code, 1);
});

test('revoke and revoke --all: refused without --yes, the elevation stays; the summary names it', async (t) => {
  const dataDir = tempDir(t);
  const server = await startServer(loadConfig({ env: {}, overrides: { dataDir, port: 0, demo: true, logLevel: 'silent' } }));
  t.after(() => server.close());
  const jen = { env: { ELEVATE_SERVER: server.url, ELEVATE_USER: 'jen', ELEVATE_PASSWORD: 'jen' } };
  const d = ['--data', dataDir];
  const held = await cliJson(['request', 'Allow AD Access', '--ttl', '1h'], jen);
  refused(await runCli(['revoke', held.RequestId, '--reason', 'x', ...d]), `revoke request ${held.RequestId}`);
  const all = await runCli(['revoke', '--all', '--user', 'jen', '--reason', 'x', ...d]);
  refused(all, 'revoke 1 open request\\(s\\)');
  assert.match(all.stderr, new RegExp(`${held.RequestId}: the active elevation of jen to role Allow AD Access ends now`));
  assert.equal((await cliJson(['requests'], jen)).find((r: { RequestId: string }) => r.RequestId === held.RequestId).RequestStatus, 'Active');
  const ok = await runCli(['revoke', held.RequestId, '--reason', 'x', '--yes', ...d]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, /This will revoke 1 request\(s\):/);
  assert.match(ok.stdout, /Closed/);
});
