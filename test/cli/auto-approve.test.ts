/**
 * Auto-approval rules through the CLI: `apply -f` with durations and day ranges, the dry-run plan,
 * the export round trip, refusals listed as apply errors, and `elevate roles` (plain and --json).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { startServer } from '../../src/main.js';
import { cliJson, runCli, tempDir } from './run-cli.js';

const FILE = `
users:
  - { login: jen, displayName: Jen, password: jen-pw }
  - { login: ann, password: ann-pw, isAdmin: true }
groups:
  - { name: Ops }
  - { name: On-call }
roles:
  - name: Ops Role
    ttl: 4h
    groups: [Ops]
    candidates: [jen]
    approval: { stages: [{ approvers: [ann], required: 1 }] }
    autoApprove:
      - name: on-call, short
        groups: [On-call]
        window: { days: Mon-Fri, from: "08:00", to: "18:00" }
        maxTtl: 2h
      - { name: with a ticket, ticketRequired: true }
`;

test('apply -f takes rules (durations, day ranges), plans them, and export round-trips them', async (t) => {
  const dir = tempDir(t);
  const d = ['--data', join(dir, 'data')];
  const f = join(dir, 'a.yaml');
  writeFileSync(f, FILE);
  const plan = await runCli(['apply', '-f', f, '--dry-run', '--init', ...d]);
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /^ {4}autoApprove: .*"on-call, short".*"maxTtlSeconds":7200/m);
  const applied = await runCli(['apply', '-f', f, ...d]);
  assert.equal(applied.code, 0, applied.stderr);
  const role = await cliJson(['role', 'show', 'Ops Role', ...d]);
  assert.deepEqual(role.autoApprove, [
    { name: 'on-call, short', groups: ['On-call'], window: { days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], from: '08:00', to: '18:00' }, maxTtlSeconds: 7200, ticketRequired: false },
    { name: 'with a ticket', groups: [], window: null, maxTtlSeconds: null, ticketRequired: true },
  ]);

  const out = join(dir, 'export.yaml');
  assert.equal((await runCli(['export', '-o', out, ...d])).code, 0);
  assert.match(readFileSync(out, 'utf8'), /autoApprove:/);
  assert.equal((await runCli(['apply', '-f', out, '--dry-run', ...d])).stdout, 'No changes: the store already matches the file.\n');

  writeFileSync(f, FILE.replace('maxTtl: 2h', 'maxTtl: 1h'));
  const change = await cliJson(['apply', '-f', f, '--dry-run', ...d]);
  assert.deepEqual(change.steps.map((s: { name: string; changes: { field: string }[] }) => [s.name, s.changes.map((c) => c.field)]), [['Ops Role', ['autoApprove']]]);

  // Refused with the other apply errors, naming the role; nothing changes.
  writeFileSync(f, FILE.replace('approval: { stages: [{ approvers: [ann], required: 1 }] }', 'approvalRequired: false'));
  const bad = await runCli(['apply', '-f', f, ...d]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /roles\[0\] \(Ops Role\): The auto-approval rules of role 'Ops Role' are not valid: a role without approval/);
  writeFileSync(f, FILE.replace('days: Mon-Fri', 'days: Mon-Funday'));
  const badDays = await runCli(['apply', '-f', f, ...d]);
  assert.equal(badDays.code, 1);
  assert.match(badDays.stderr, /roles\[0\]\.autoApprove\[0\]\.window\.days: 'Mon-Funday' is not a day/);
  assert.equal((await cliJson(['role', 'show', 'Ops Role', ...d])).autoApprove[0].maxTtlSeconds, 7200, 'unchanged');
});

test('roles shows the rules in words and the forecast (plain and --json); a request the rule approves is active at once', async (t) => {
  const dataDir = tempDir(t);
  const server = await startServer(loadConfig({ env: {}, overrides: { dataDir, port: 0, demo: true, logLevel: 'silent' } }));
  t.after(() => server.close());
  const admin = { env: { ELEVATE_SERVER: server.url, ELEVATE_USER: 'admin', ELEVATE_PASSWORD: 'admin' } };
  const jen = { env: { ELEVATE_SERVER: server.url, ELEVATE_USER: 'jen', ELEVATE_PASSWORD: 'jen' } };
  const f = join(dataDir, 'rules.yaml');
  // No window: the real clock decides nothing here.
  writeFileSync(f, 'groups: [{ name: On-call }]\nroles:\n  - name: ApprovalRole\n    autoApprove: [{ name: on-call, groups: [On-call], maxTtl: 30m }]\n');
  const applied = await runCli(['apply', '-f', f, '--data', dataDir], admin);
  assert.equal(applied.code, 0, applied.stderr);
  await server.core.deps.store.transaction(async (tx) => tx.groups.addMember((await tx.groups.byName('On-call'))!.id, (await tx.accounts.byLogin('jen'))!.id));

  const roles = await cliJson(['roles'], jen);
  const path = roles.find((r: { DisplayName: string }) => r.DisplayName === 'ApprovalRole').approvalPath;
  assert.deepEqual(path.autoApprove, [{ name: 'on-call', when: 'in group On-call, TTL at most 30m' }]);
  assert.equal(path.autoApproveForecast.rule, null, "the role's longest TTL is above 30m");
  const plain = (await runCli(['roles'], jen)).stdout;
  assert.match(plain, /^ApprovalRole: approval: 1 of \S+.*; auto-approved when: in group On-call, TTL at most 30m \(rule 'on-call'\)$/m);
  assert.match(plain, /^ApprovalRole: No rule would approve your request if you asked now for \d+ seconds without a ticket; a forecast/m);

  const asked = await runCli(['request', 'ApprovalRole', '--ttl', '30m', '--justification', 'pager'], jen);
  assert.equal(asked.code, 0, asked.stderr);
  assert.match(asked.stdout, /^approved by rule 'on-call' \(nobody was asked\)$/m);
  const said = await runCli(['request', 'ApprovalRole', '--ttl', '31m', '--justification', 'pager'], jen);
  assert.match(said.stdout, /waiting for an approver/);

  // The history names the rule beside the MIM entries (--json: AutoApprovedBy) and in a column of its own.
  const history = await cliJson(['requests'], jen);
  const [byRule, byPeople] = history.filter((r: { RequestedTTL: string }) => r.RequestedTTL === '1800' || r.RequestedTTL === '1860');
  assert.deepEqual([byRule.RequestStatus, byRule.AutoApprovedBy, byPeople.RequestStatus, 'AutoApprovedBy' in byPeople], ['Active', 'on-call', 'PendingApproval', false]);
  const table = (await runCli(['requests'], jen)).stdout;
  assert.match(table, /^REQUEST ID\s+ROLE\s+STATUS\s+CREATED\s+EXPIRES\s+TTL\s+JUSTIFICATION\s+WHY IT ENDED\s+APPROVED BY RULE$/m);
  assert.match(table, new RegExp(`^${byRule.RequestId}\\s+ApprovalRole\\s+Active\\s.*\\s30m\\s+pager\\s+on-call$`, 'm'));
  assert.match(table, new RegExp(`^${byPeople.RequestId}\\s+ApprovalRole\\s+PendingApproval\\s.*\\s31m\\s+pager$`, 'm'));
});
