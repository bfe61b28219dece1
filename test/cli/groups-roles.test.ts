import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cliJson, runCli, tempDir } from './run-cli.js';

test('group add, list, show, set, members and remove round-trip', async (t) => {
  const d = ['--data', tempDir(t)];
  const added = await cliJson(['group', 'add', 'CORP Domain Admins', '--description', 'shadow of Domain Admins', '--init', ...d]);
  assert.deepEqual({ ...added.group, id: undefined }, { id: undefined, name: 'CORP Domain Admins', description: 'shadow of Domain Admins', directory: 'embedded', dn: null, memberAttribute: null, reconcile: 'report' });
  await cliJson(['group', 'add', 'Ops', ...d]);

  assert.deepEqual((await cliJson(['group', 'list', ...d])).map((g: { name: string }) => g.name).sort(), ['CORP Domain Admins', 'Ops']);
  assert.equal((await cliJson(['group', 'show', 'Ops', ...d])).description, null);

  const set = await cliJson(['group', 'set', 'Ops', '--description', 'operators', ...d]);
  assert.deepEqual([set.changed, set.group.description], [true, 'operators']);
  assert.equal((await cliJson(['group', 'set', 'Ops', '--description', 'operators', ...d])).changed, false);
  assert.equal((await cliJson(['group', 'set', 'Ops', '--description', '', ...d])).group.description, null, 'empty clears');

  const members = await cliJson(['group', 'members', 'Ops', ...d]);
  assert.deepEqual(members.members, []);
  assert.match((await runCli(['group', 'members', 'Ops', ...d])).stdout, /has no members/);

  assert.deepEqual(await cliJson(['group', 'remove', 'Ops', '--yes', ...d]), { removed: { group: 'Ops' } });
  const gone = await runCli(['group', 'show', 'Ops', ...d]);
  assert.equal(gone.code, 1);
  assert.equal(gone.stderr, "elevate: no group 'Ops'\n");
});

test('role add, list, show, set and remove round-trip', async (t) => {
  const d = ['--data', tempDir(t)];
  for (const u of ['jen', 'ann', 'bob']) await cliJson(['user', 'add', u, '--init', ...d]);
  for (const g of ['Ops', 'Audit']) await cliJson(['group', 'add', g, ...d]);

  const added = await cliJson([
    'role', 'add', 'Ops Role', '--ttl', '2h', '--description', 'run the ops', '--approval', '--approver', 'ann', '--approver-mfa',
    '--window', '8:00-18:00', '--time-zone', 'Europe/Paris', '--group', 'Ops', '--candidate', 'jen', '--candidate', 'bob', ...d,
  ]);
  assert.equal(added.changed, true);
  assert.deepEqual({ ...added.role, id: undefined }, {
    id: undefined,
    name: 'Ops Role',
    description: 'run the ops',
    ttlSeconds: 7200,
    mfaRequired: false,
    approvalRequired: true,
    approverMfaRequired: true,
    justificationRequired: false,
    justificationMinLength: 0,
    ticketPattern: null,
    breakGlass: false,
    window: { from: '08:00', to: '18:00', timeZone: 'Europe/Paris' },
    groups: ['Ops'],
    candidates: ['bob', 'jen'],
    candidateGroups: [],
    approvers: ['ann'],
    approval: null,
    autoApprove: [],
    notify: { expiryWarningMinutes: null, slackChannel: null, teamsChannel: null },
  });
  await cliJson(['role', 'add', 'Plain', '--ttl', '600', ...d]);

  const list = await cliJson(['role', 'list', ...d]);
  assert.deepEqual(list.map((r: { name: string }) => r.name).sort(), ['Ops Role', 'Plain']);
  assert.deepEqual(await cliJson(['role', 'show', 'Ops Role', ...d]), added.role);

  // A list flag replaces that list; other settings stay.
  const set = await cliJson(['role', 'set', 'Ops Role', '--candidate', 'ann', '--group', 'Audit', '--group', 'Ops', '--mfa', '--ttl', '1800', ...d]);
  assert.deepEqual([set.role.candidates, set.role.groups, set.role.mfaRequired, set.role.ttlSeconds], [['ann'], ['Audit', 'Ops'], true, 1800]);
  assert.deepEqual(set.role.approvers, ['ann']);
  assert.equal(set.role.window.timeZone, 'Europe/Paris');

  const zone = await cliJson(['role', 'set', 'Ops Role', '--time-zone', 'UTC', ...d]);
  assert.deepEqual(zone.role.window, { from: '08:00', to: '18:00', timeZone: 'UTC' }, 'a zone alone keeps the hours');

  const off = await cliJson(['role', 'set', 'Ops Role', '--no-window', '--no-mfa', '--no-approval', '--no-approver-mfa', '--no-approver', '--no-candidate', ...d]);
  assert.deepEqual(
    [off.role.window, off.role.mfaRequired, off.role.approvalRequired, off.role.approverMfaRequired, off.role.approvers, off.role.candidates],
    [null, false, false, false, [], []],
  );
  assert.equal((await cliJson(['role', 'set', 'Ops Role', '--no-window', ...d])).changed, false);

  const human = (await runCli(['role', 'list', ...d])).stdout.split('\n');
  assert.match(human[0]!, /^NAME\s+TTL\s+MFA\s+APPROVAL\s+WINDOW\s+GROUPS\s+CANDIDATES\s+APPROVERS$/);
  assert.match(human.find((l) => l.startsWith('Ops Role'))!, /^Ops Role\s+30m\s+no\s+no\s+any time\s+Audit, Ops\s+-\s+-$/);

  assert.deepEqual(await cliJson(['role', 'remove', 'Plain', '--yes', ...d]), { removed: { role: 'Plain' } });
  assert.deepEqual((await cliJson(['role', 'list', ...d])).map((r: { name: string }) => r.name), ['Ops Role']);
});

test('role commands refuse bad input with a clear message', async (t) => {
  const d = ['--data', tempDir(t), '--init'];
  const noTtl = await runCli(['role', 'add', 'R', ...d]);
  assert.equal(noTtl.code, 2);
  assert.match(noTtl.stderr, /required option '--ttl/);

  const badTtl = await runCli(['role', 'add', 'R', '--ttl', 'soon', ...d]);
  assert.equal(badTtl.code, 2);
  assert.match(badTtl.stderr, /30m, 2h/);

  const badWindow = await runCli(['role', 'add', 'R', '--ttl', '60', '--window', '8-18', ...d]);
  assert.equal(badWindow.code, 2);
  assert.match(badWindow.stderr, /--window must look like 08:00-18:00/);

  const unknownGroup = await runCli(['role', 'add', 'R', '--ttl', '60', '--group', 'Nope', ...d]);
  assert.equal(unknownGroup.code, 1);
  assert.equal(unknownGroup.stderr, "elevate: no group 'Nope'\n");

  const noApprover = await runCli(['role', 'add', 'R', '--ttl', '60', '--approval', ...d]);
  assert.equal(noApprover.code, 1);
  assert.match(noApprover.stderr, /names no approvers/);
});

test('role set --add-candidate/--remove-candidate (and approvers, groups) edit one entry, keeping the rest', async (t) => {
  const dir = tempDir(t);
  const d = ['--data', join(dir, 'data')];
  for (const u of ['jen', 'ann', 'bob']) await cliJson(['user', 'add', u, '--init', ...d]);
  await cliJson(['group', 'add', 'G1', ...d]);
  await cliJson(['group', 'add', 'G2', ...d]);
  await cliJson(['role', 'add', 'R', '--ttl', '1h', '--candidate', 'jen', '--candidate', 'ann', '--group', 'G1', ...d]);
  const r = await cliJson(['role', 'set', 'R', '--add-candidate', 'bob', '--remove-candidate', 'jen', '--add-group', 'G2', '--add-approver', 'ann', ...d]);
  assert.deepEqual([r.role.candidates, r.role.groups, r.role.approvers], [['ann', 'bob'], ['G1', 'G2'], ['ann']]);
  const missing = await runCli(['role', 'set', 'R', '--remove-candidate', 'jen', ...d]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^elevate: 'jen' is not in the candidates of role 'R' \(ann, bob\)$/m);
});
