/**
 * `elevate apply` all or nothing, `--dry-run` plans, `--prune`, `elevate export` round trip, and
 * JSON errors under --json (issue 18 §2 and §3).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliJson, runCli, tempDir } from './run-cli.js';

const GOOD = `
users:
  - { login: jen, displayName: Jen, password: jen-pw }
  - { login: ann, password: ann-pw, isAdmin: true }
groups:
  - { name: Ops }
roles:
  - name: Ops Role
    ttl: 2h
    window: "08:00-18:00"
    timeZone: Europe/Paris
    groups: [Ops]
    candidates: [jen]
    approval: { stages: [{ approvers: [ann], required: 1 }] }
`;

function setup(t: Parameters<typeof tempDir>[0]) {
  const dir = tempDir(t);
  const d = ['--data', join(dir, 'data')];
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  return { dir, d, file };
}

test('apply is all or nothing: approvers [ghost] after two valid users changes nothing and lists every problem', async (t) => {
  const { d, file } = setup(t);
  const bad = file('bad.yaml', `${GOOD}  - name: Bad Role\n    ttl: 1h\n    approvalRequired: true\n    approvers: [ghost]\n  - name: Worse\n    ttl: 1h\n    groups: [Nope]\n`);
  const r = await runCli(['apply', '-f', bad, '--init', ...d]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^elevate: Nothing was changed; 2 problem\(s\):$/m);
  assert.match(r.stderr, /roles\[1\] \(Bad Role\): There is no user 'ghost'\./);
  assert.match(r.stderr, /roles\[2\] \(Worse\): There is no group 'Nope'\./);
  assert.deepEqual(await cliJson(['user', 'list', ...d]), [], 'jen and ann were not created');
  assert.deepEqual(await cliJson(['group', 'list', ...d]), []);
  assert.deepEqual(await cliJson(['audit', ...d]), []);

  // With --json the same error is one JSON object on stdout.
  const j = await runCli(['apply', '-f', bad, '--json', ...d]);
  assert.equal(j.code, 1);
  const err = JSON.parse(j.stdout);
  assert.equal(err.error.code, 'BadRequest');
  assert.equal(err.error.exitCode, 1);
  assert.match(err.error.message, /There is no user 'ghost'/);
});

test('--dry-run prints the plan field by field (text and JSON) and changes nothing', async (t) => {
  const { d, file } = setup(t);
  const f = file('a.yaml', GOOD);
  const plan = await runCli(['apply', '-f', f, '--dry-run', '--init', ...d]);
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /^\+ user jen\n {4}displayName: "Jen"$/m);
  assert.match(plan.stdout, /^ {4}password: "set"$/m);
  assert.doesNotMatch(plan.stdout, /jen-pw|scrypt/);
  assert.match(plan.stdout, /^\+ role Ops Role\n(?: {4}.*\n)*? {4}ttlSeconds: 2h$/m);
  assert.match(plan.stdout, /^Plan: 4 to create, 0 to change, 0 to delete\.$/m);
  assert.deepEqual(await cliJson(['user', 'list', ...d]), []);

  const applied = await runCli(['apply', '-f', f, ...d]);
  assert.match(applied.stdout, /^Applied: 4 created, 0 changed, 0 deleted\.$/m);
  writeFileSync(f, GOOD.replace('ttl: 2h', 'ttl: 3h').replace('displayName: Jen', 'displayName: Jennifer'));
  const change = await runCli(['apply', '-f', f, '--dry-run', ...d]);
  assert.equal(change.stdout, '~ user jen\n    displayName: "Jen" -> "Jennifer"\n~ role Ops Role\n    ttlSeconds: 2h -> 3h\nPlan: 0 to create, 2 to change, 0 to delete.\n');
  const json = await cliJson(['apply', '-f', f, '--dry-run', ...d]);
  assert.equal(json.applied, false);
  assert.deepEqual(json.steps[1], { action: 'change', kind: 'role', name: 'Ops Role', changes: [{ field: 'ttlSeconds', from: 7200, to: 10800 }] });
  assert.equal((await cliJson(['role', 'show', 'Ops Role', ...d])).ttlSeconds, 7200, 'the dry run changed nothing');
});

test('export writes an apply file that round-trips, without secrets; --prune removes what it no longer declares', async (t) => {
  const { dir, d, file } = setup(t);
  await cliJson(['apply', '-f', file('a.yaml', GOOD), '--init', ...d]);
  await cliJson(['apply', '-f', file('b.yaml', 'users: [{ login: old }]\ngroups: [{ name: Old }]\nroles: [{ name: Old Role, ttl: 60 }]\n'), ...d]);
  const out = join(dir, 'export.yaml');
  const e = await runCli(['export', '-o', out, ...d]);
  assert.equal(e.code, 0, e.stderr);
  const text = readFileSync(out, 'utf8');
  assert.doesNotMatch(text, /password|scrypt|jen-pw/i);
  assert.match(text, /from: 08:00/);
  const again = await runCli(['apply', '-f', out, '--dry-run', ...d]);
  assert.equal(again.stdout, 'No changes: the store already matches the file.\n');

  const prune = await runCli(['apply', '-f', join(dir, 'a.yaml'), '--prune', '--dry-run', ...d]);
  assert.equal(
    prune.stdout,
    [
      '- user old',
      '    nothing else: no role names it',
      '- group Old',
      '    nothing else: no role names it',
      '- role Old Role',
      '    nothing else: it has no candidates, approvers or groups',
      'Plan: 0 to create, 0 to change, 3 to delete.\n',
    ].join('\n'),
  );
  const withoutPrune = await runCli(['apply', '-f', join(dir, 'a.yaml'), '--dry-run', ...d]);
  assert.match(withoutPrune.stdout, /^No changes/, 'without --prune nothing is deleted');
  await cliJson(['apply', '-f', join(dir, 'a.yaml'), '--prune', '--yes', ...d]);
  assert.deepEqual((await cliJson<{ login: string }[]>(['user', 'list', ...d])).map((u) => u.login).sort(), ['ann', 'jen']);
  assert.deepEqual((await cliJson<{ name: string }[]>(['role', 'list', ...d])).map((r) => r.name), ['Ops Role']);
});

test('the prune plan says what each deletion takes with it, in the dry run and in the confirmation', async (t) => {
  const { dir, d, file } = setup(t);
  await cliJson(['apply', '-f', file('a.yaml', GOOD), '--init', ...d]);
  const tied = `users: [{ login: old }]
groups: [{ name: Old }]
roles:
  - { name: Old Role, ttl: 60, candidates: [old, jen], approvalRequired: true, approvers: [ann], groups: [Old, Ops] }
  - { name: Old Stages, ttl: 60, approval: { stages: [{ approvers: [old], required: 1 }] } }
`;
  await cliJson(['apply', '-f', file('b.yaml', tied), ...d]);
  const expected = [
    '- user old',
    '    leaves role: Old Role',
    '    no longer approves role: Old Stages',
    '- group Old',
    '    no longer granted by role: Old Role',
    '- role Old Role',
    '    can no longer be requested by: jen, old',
    '    can no longer be approved by: ann',
    '    no longer grants group: Old, Ops',
    '- role Old Stages',
    '    can no longer be approved by: old',
    'Plan: 0 to create, 0 to change, 4 to delete.',
  ].join('\n');
  const plan = await runCli(['apply', '-f', join(dir, 'a.yaml'), '--prune', '--dry-run', ...d]);
  assert.equal(plan.stdout, `${expected}\n`);
  // Without a terminal or --yes: the same summary on stderr, then the refusal; nothing changed.
  const asked = await runCli(['apply', '-f', join(dir, 'a.yaml'), '--prune', ...d]);
  assert.equal(asked.code, 2);
  assert.equal(asked.stderr, `This will apply the plan:\n${expected}\nelevate: refusing to apply a plan that deletes 4 item(s) without confirmation: pass --yes\n`);
  const json = await cliJson(['apply', '-f', join(dir, 'a.yaml'), '--prune', '--dry-run', ...d]);
  assert.deepEqual(json.steps[0].takes, [
    { kind: 'role', name: 'Old Role', relation: 'candidate' },
    { kind: 'role', name: 'Old Stages', relation: 'approver' },
  ]);
  assert.deepEqual((await cliJson<{ name: string }[]>(['role', 'list', ...d])).map((r) => r.name).sort(), ['Old Role', 'Old Stages', 'Ops Role'], 'nothing was pruned');
});

test('usage errors share the format: elevate: <message> on stderr, JSON on stdout with --json', async () => {
  const r = await runCli(['apply', '--json']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^elevate: required option '-f, --file <file>' not specified$/m);
  assert.doesNotMatch(r.stderr, /^error:/m);
  assert.deepEqual(JSON.parse(r.stdout), { error: { code: 'usage', message: "required option '-f, --file <file>' not specified", exitCode: 2 } });
  const unknown = await runCli(['nonsense']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^elevate: unknown command 'nonsense'/);
});
