/**
 * The CLI for candidate groups and standing members of embedded groups (issue 14 §1): role set
 * --add-candidate-group/--remove-candidate-group, group add-member/remove-member/set-members saying
 * what changed, the refusals in plain words, and apply/export carrying both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliJson, runCli, tempDir } from './run-cli.js';

test('standing members and candidate groups from the command line', async (t) => {
  const dir = tempDir(t);
  const d = ['--data', dir];
  const file = join(dir, 'access.yaml');
  writeFileSync(
    file,
    [
      'users: [{ login: jen }, { login: ann }, { login: bob }]',
      'groups: [{ name: DBAs, members: [jen] }, { name: Prod Access }]',
      'roles: [{ name: Prod, ttl: 3600, groups: [Prod Access], candidateGroups: [DBAs] }]',
      '',
    ].join('\n'),
  );
  assert.equal((await runCli(['apply', '-f', file, '--init', ...d])).code, 0);

  const added = await runCli(['group', 'add-member', 'DBAs', 'ann', 'bob', ...d]);
  assert.equal(added.code, 0, added.stderr);
  assert.equal(added.stdout, 'added: ann to group DBAs\nadded: bob to group DBAs\nmembers now: ann, bob, jen\n');
  const removed = await cliJson(['group', 'remove-member', 'DBAs', 'jen', ...d]);
  assert.deepEqual([removed.removed, removed.members.map((m: { login: string }) => m.login)], [['jen'], ['ann', 'bob']]);
  assert.match((await runCli(['group', 'members', 'DBAs', ...d])).stdout, /^group DBAs is a standing group \(no role grants it\)\n.*ann/s);

  const granted = await runCli(['group', 'add-member', 'Prod Access', 'ann', ...d]);
  assert.equal(granted.code, 1);
  assert.match(granted.stderr, /Group 'Prod Access' is granted by role\(s\) 'Prod': its members come only from elevations/);

  const set = await cliJson(['role', 'set', 'Prod', '--remove-candidate-group', 'DBAs', ...d]);
  assert.deepEqual(set.role.candidateGroups, []);
  const back = await cliJson(['role', 'set', 'Prod', '--add-candidate-group', 'DBAs', ...d]);
  assert.deepEqual(back.role.candidateGroups, ['DBAs']);
  const loop = await runCli(['role', 'set', 'Prod', '--add-candidate-group', 'Prod Access', ...d]);
  assert.equal(loop.code, 1);
  assert.match(loop.stderr, /candidate group cannot be a group the role grants/);

  // The export applies as no change, members and candidate groups included.
  const out = join(dir, 'export.json');
  const exported = await runCli(['export', '--json', ...d]);
  assert.equal(exported.code, 0, exported.stderr);
  writeFileSync(out, exported.stdout);
  const doc = JSON.parse(exported.stdout) as { groups: { name: string; members?: string[] }[]; roles: { name: string; candidateGroups: string[] }[] };
  assert.deepEqual(doc.groups.find((g) => g.name === 'DBAs')?.members, ['ann', 'bob']);
  assert.deepEqual(doc.roles.find((r) => r.name === 'Prod')?.candidateGroups, ['DBAs']);
  const plan = await cliJson(['apply', '-f', out, '--dry-run', ...d]);
  assert.deepEqual(plan.steps, []);
});
