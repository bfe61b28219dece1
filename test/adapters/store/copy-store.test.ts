import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { cliJson, runCli } from '../../cli/run-cli.js';
import { CheckpointFile } from '../../../src/adapters/audit/checkpoint-file.js';
import { checkpointVerifier, generateSigningKey, loadSigningKey } from '../../../src/adapters/crypto/ed25519-checkpoint-keys.js';
import { LOCAL_OPERATOR } from '../../../src/app/admin/require-admin.js';
import { signCheckpoint } from '../../../src/app/audit/sign-checkpoint.js';
import { verifyAuditTrail } from '../../../src/app/audit/verify-audit-trail.js';
import { openCore } from '../../../src/main.js';
import { API, FAST_HASHER, type TestApp, basic, makeApp, roleId, tempDir, testConfig } from '../../support/harness.js';
import { dropDatabase, emptyDatabase } from '../../support/pg.js';

const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function post(t: TestApp, login: string, url: string, payload: Record<string, string> = {}) {
  const res = await t.app.inject({ method: 'POST', url: `${API}/${url}`, headers: basic(login), payload });
  assert.ok(res.statusCode < 300, `${url}: ${res.statusCode} ${res.body}`);
  return res.body === '' ? null : res.json();
}

/** An embedded store with requests in several states, approvals and audit, as a real installation has. */
let jenToken = '';

async function populatedSqlite(): Promise<TestApp> {
  const t = await makeApp({ store: 'sqlite' });
  cleanup.push(() => t.destroy());
  const ad = await roleId(t.app, 'Allow AD Access');
  const appr = await roleId(t.app, 'ApprovalRole');
  await post(t, 'jen', 'pamrequests', { RoleId: ad, RequestedTTL: '600', Justification: 'active' });
  const closed = await post(t, 'ann', 'pamrequests', { RoleId: ad, RequestedTTL: '600', Justification: 'closed soon' });
  await post(t, 'ann', `pamrequests(guid'${closed.RequestId}')/Close`);
  await post(t, 'jen', 'pamrequests', { RoleId: appr, RequestedTTL: '600', Justification: 'pending' });
  const scheduled = new Date(t.clock.now() + 3_600_000).toISOString();
  await post(t, 'ann', 'pamrequests', { RoleId: ad, RequestedTTL: '600', RequestedTime: scheduled, Justification: 'scheduled' });
  const approvals = await t.app.inject({ method: 'GET', url: `${API}/pamrequeststoapprove`, headers: basic('ann') });
  await post(t, 'ann', `pamrequeststoapprove(guid'${approvals.json().value[0].ApprovalObjectID.Value}')/Approve`, { Comment: 'ok' });
  await post(t, 'jen', 'pamrequests', { RoleId: appr, RequestedTTL: '600', Justification: 'pending again' });
  // A failed MFA attempt on record (mfa_attempts) and an outstanding enrolment code (mfa_enrolment_codes).
  const mfa = await post(t, 'jen', 'pamrequests', { RoleId: await roleId(t.app, 'MFA Role'), RequestedTTL: '600' });
  const wrong = await t.app.inject({ method: 'POST', url: `${API}/pamrequests(guid'${mfa.RequestId}')/VerifyMFA`, headers: basic('jen'), payload: { Code: '000000' } });
  assert.equal(wrong.statusCode, 403);
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/admin/users/ann/mfa/enrolment-code', headers: basic('admin') })).statusCode, 201);
  // A role with an approval path of two stages, one of them by group, and a candidate group (issue 14's tables).
  const staged = { name: 'Staged', ttlSeconds: 600, groups: ['Approved Operators'], candidates: ['jen'], candidateGroups: ['Business Hours Ops'], approval: { stages: [{ approvers: ['ann'], approverGroups: ['MFA Protected Share'] }, { approvers: ['admin'] }] } };
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/admin/roles', headers: basic('admin'), payload: staged })).statusCode, 201);
  // A break-glass use and its review (break_glass_reviews).
  const glass = { name: 'Glass', ttlSeconds: 600, breakGlass: true, approvalRequired: true, approvers: ['ann'], groups: ['Approved Operators'], candidates: ['jen'] };
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/admin/roles', headers: basic('admin'), payload: glass })).statusCode, 201);
  const used = await post(t, 'jen', 'pamrequests', { RoleId: await roleId(t.app, 'Glass'), RequestedTTL: '600', Justification: 'outage' });
  const reviewed = await t.app.inject({ method: 'POST', url: `/api/me/break-glass/${used.RequestId}/review`, headers: basic('ann'), payload: { comment: 'warranted' } });
  assert.equal(reviewed.statusCode, 201, reviewed.body);
  // An API token (api_tokens): it must keep working on the copy.
  const token = await t.app.inject({ method: 'POST', url: '/api/me/tokens', headers: basic('jen'), payload: { name: 'ci', scopes: 'read' } });
  assert.equal(token.statusCode, 201);
  jenToken = (token.json() as { token: string }).token;
  t.clock.advance(700_000); // the first elevations expire
  await t.tick();
  return t;
}

async function countRows(url: string): Promise<Record<string, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const out: Record<string, number> = {};
    for (const table of ['accounts', 'roles', 'role_approval_stages', 'role_stage_approvers', 'role_stage_groups', 'role_candidate_groups', 'requests', 'approvals', 'approval_votes', 'audit', 'settings']) {
      out[table] = Number((await c.query(`select count(*) as n from ${table}`)).rows[0].n);
    }
    return out;
  } finally {
    await c.end();
  }
}

test('db copy moves every row of an embedded store into PostgreSQL, verified, and the copy serves the same data', async () => {
  const source = await populatedSqlite();
  const before = await source.app.inject({ method: 'GET', url: `${API}/pamrequests`, headers: basic('jen') });
  const auditBefore = await source.core.store.read((tx) => tx.audit.verifyChain());
  // A signed checkpoint travels with the audit trail, so the copy still proves its tail is whole.
  const keyFile = join(source.dataDir, 'audit.key');
  generateSigningKey(keyFile);
  const { signer, publicKey } = loadSigningKey(keyFile);
  const verifier = checkpointVerifier([publicKey]);
  const signed = await signCheckpoint(source.core.deps, { signer, verifier, log: new CheckpointFile(join(source.dataDir, 'audit-checkpoints.jsonl')) });
  assert.equal(signed.kind, 'signed');
  // An audit export sink's cursor travels too, so the copy resumes the export where it stood.
  const now = source.clock.now();
  await source.core.deps.store.transaction(async (tx) => {
    await tx.auditExport.claim('archive', 'node-a', now, now + 1000);
    await tx.auditExport.advance('archive', 'node-a', 3, 0, now);
  });
  await source.close();

  const target = await emptyDatabase();
  cleanup.push(() => dropDatabase(target));
  const report = await cliJson(['db', 'copy', '--from', `sqlite:${source.dataDir}`, '--to', target]);
  const byTable = Object.fromEntries(report.tables.map((t: { table: string; rows: number }) => [t.table, t.rows]));
  assert.equal(report.auditChecked, auditBefore.checked);
  assert.ok(auditBefore.checked >= 10 && auditBefore.brokenAtSeq === null);
  assert.deepEqual(await countRows(target), {
    accounts: 3, roles: 6, role_approval_stages: 2, role_stage_approvers: 2, role_stage_groups: 1, role_candidate_groups: 1, requests: byTable.requests, approvals: byTable.approvals, approval_votes: byTable.approval_votes, audit: auditBefore.checked, settings: byTable.settings,
  });
  assert.ok(byTable.requests >= 5 && byTable.approvals >= 2);
  assert.equal(byTable.approval_votes, 1, "ann's approval is copied as the vote it is folded from");
  // The notification outbox travels too: nothing told is told again, nothing untold is lost.
  assert.ok(byTable.notifications >= 5, `notifications copied: ${byTable.notifications}`);
  assert.equal(byTable.notification_deliveries, 0, 'no worker ran, so nothing was fanned out');

  // The copied store answers the API exactly as the embedded one did.
  // Secrets stay sealed with the source's key, so the copy is opened with that key.
  assert.equal(byTable.mfa_totp, 1, "jen's authenticator is copied");
  assert.equal(byTable.mfa_attempts, 1, "jen's failed attempt is copied");
  assert.equal(byTable.mfa_enrolment_codes, 1, "ann's enrolment code is copied");
  assert.equal(byTable.api_tokens, 1, "jen's API token is copied");
  assert.equal(byTable.break_glass_reviews, 1, "ann's break-glass review is copied");
  const copy = await makeApp({ demo: false, clock: source.clock, config: { database: target, mfaKeyFile: join(source.dataDir, 'mfa.key') } });
  cleanup.push(() => copy.close());
  const after = await copy.app.inject({ method: 'GET', url: `${API}/pamrequests`, headers: basic('jen') });
  assert.deepEqual(after.json(), before.json());
  const viaToken = await copy.app.inject({ method: 'GET', url: `${API}/pamrequests`, headers: { authorization: `Bearer ${jenToken}` } });
  assert.deepEqual(viaToken.json(), before.json(), 'the copied token still works');
  assert.equal(byTable.audit_checkpoints, 1);
  assert.equal(byTable.audit_export_cursors, 1);
  assert.deepEqual((await copy.core.store.read((tx) => tx.auditExport.all())).map((c) => [c.sink, c.auditSeq]), [['archive', 3]]);
  const trail = await verifyAuditTrail(copy.core.deps, LOCAL_OPERATOR, { verifier, sources: [] });
  assert.deepEqual([trail.intact, trail.checkpoint?.seq, trail.checkpoint?.where], [true, auditBefore.checked, 'the store'], trail.problems.join('; '));
  const statuses = (after.json().value as { RequestStatus: string }[]).map((r) => r.RequestStatus).sort();
  assert.ok(statuses.includes('Expired') && statuses.includes('PendingApproval'), statuses.join());
  // And it keeps working: a new audit entry chains on, an outbox id or audit seq does not collide.
  await post(copy, 'jen', 'pamrequests', { RoleId: await roleId(copy.app, 'Allow AD Access'), RequestedTTL: '600' });
  const chain = await copy.core.store.read((tx) => tx.audit.verifyChain());
  assert.ok(chain.checked > auditBefore.checked && chain.brokenAtSeq === null, JSON.stringify(chain));
});

test('db copy refuses a target that holds data, and leaves it as it was', async () => {
  const source = await populatedSqlite();
  await source.close();
  const target = await emptyDatabase();
  cleanup.push(() => dropDatabase(target));
  await cliJson(['db', 'copy', '--from', `sqlite:${source.dataDir}`, '--to', target]);
  const counts = await countRows(target);
  const again = await runCli(['db', 'copy', '--from', `sqlite:${source.dataDir}`, '--to', target]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /not empty \(table accounts has rows\)/);
  assert.deepEqual(await countRows(target), counts);
});

test('db copy names a bad source or an unreachable target without printing the password', async () => {
  const missing = await runCli(['db', 'copy', '--from', 'sqlite:/nonexistent-elevate', '--to', 'postgres://u:s3cret@127.0.0.1:1/x']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no embedded store/);
  const source = await populatedSqlite();
  await source.close();
  const down = await runCli(['db', 'copy', '--from', `sqlite:${source.dataDir}`, '--to', 'postgres://u:s3cret@127.0.0.1:1/x']);
  assert.equal(down.code, 1);
  assert.match(down.stderr, /cannot copy into postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x/);
  assert.doesNotMatch(down.stderr + down.stdout, /s3cret/);
  const usage = await runCli(['db', 'copy', '--from', source.dataDir, '--to', 'postgres://x@127.0.0.1:1/x']);
  assert.equal(usage.code, 2);
});

test('db migrate brings an empty PostgreSQL database to the current schema, idempotently', async () => {
  const target = await emptyDatabase();
  cleanup.push(() => dropDatabase(target));
  for (let i = 0; i < 2; i++) {
    const r = await cliJson(['db', 'migrate', '--init', '--database', target]);
    assert.equal(r.migrated, true);
  }
  const c = new pg.Client({ connectionString: target });
  await c.connect();
  try {
    const cols = (await c.query(`select column_name from information_schema.columns where table_name = 'outbox' order by column_name`)).rows.map((r) => r.column_name);
    assert.ok(cols.includes('claimed_until'));
  } finally {
    await c.end();
  }
});

test('db migrate against an unreachable database fails in one line that names it without the password', async () => {
  const r = await runCli(['db', 'migrate', '--database', 'postgres://elevate:s3cret@127.0.0.1:1/x']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^elevate: cannot open the PostgreSQL postgres:\/\/elevate:\*\*\*@127\.0\.0\.1:1\/x: .*ECONNREFUSED/);
  assert.doesNotMatch(r.stderr + r.stdout, /s3cret/);
});

test('on PostgreSQL a node refuses to start without a configured MFA key, since nodes must share it', async () => {
  const target = await emptyDatabase();
  cleanup.push(() => dropDatabase(target));
  const dataDir = tempDir();
  cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  await assert.rejects(openCore(testConfig(dataDir, { database: target }), { hasher: FAST_HASHER }), (e: Error) => {
    assert.equal(e.name, 'ConfigError');
    assert.match(e.message, /every node must seal MFA secrets with the same key: set mfaKeyFile or mfaKey/);
    return true;
  });
  assert.equal(existsSync(join(dataDir, 'mfa.key')), false, 'no per-node key was generated');
});
