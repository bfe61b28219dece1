import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { API, type TestApp, basic, makeApp, makeCore, roleId } from '../../support/harness.js';
import { loadSqliteDriver } from '../../../src/adapters/store/sqlite/sqlite-store.js';

// The driver the store uses.
const Database = loadSqliteDriver();

async function post(t: TestApp, login: string, url: string, payload: Record<string, string> = {}) {
  const res = await t.app.inject({ method: 'POST', url: `${API}/${url}`, headers: basic(login), payload });
  assert.ok(res.statusCode < 300, `${url}: ${res.statusCode} ${res.body}`);
  return res.body === '' ? null : res.json();
}

/** Runs statements on the test store's database directly, as an older Elevate left it. */
async function rawSql(t: TestApp, statements: readonly string[]): Promise<void> {
  if (t.database === undefined) {
    const db = new Database(join(t.dataDir, 'elevate.db'));
    try {
      for (const s of statements) db.exec(s);
    } finally {
      db.close();
    }
    return;
  }
  const c = new pg.Client({ connectionString: t.database });
  await c.connect();
  try {
    for (const s of statements) await c.query(s);
  } finally {
    await c.end();
  }
}

test('approvals decided before votes were rows read as before: migration 0010 turns each decision into its first vote', async () => {
  const t = await makeApp();
  let reopened: Awaited<ReturnType<typeof makeCore>> | undefined;
  try {
    const role = await roleId(t.app, 'ApprovalRole');
    const approvalOf = async (requestId: string) => (await t.core.store.read((tx) => tx.requests.byId(requestId)))!.approvalId!;
    const approved = await post(t, 'jen', 'pamrequests', { RoleId: role, RequestedTTL: '600', Justification: 'to approve' });
    const approvedAt = t.clock.now();
    await post(t, 'ann', `pamrequeststoapprove(guid'${await approvalOf(approved.RequestId)}')/Approve`, { Comment: 'fine' });
    t.clock.advance(60_000);
    const rejected = await post(t, 'jen', 'pamrequests', { RoleId: role, RequestedTTL: '600', Justification: 'to reject' });
    await post(t, 'ann', `pamrequeststoapprove(guid'${await approvalOf(rejected.RequestId)}')/Reject`, { Comment: 'not now' });
    const pending = await post(t, 'jen', 'pamrequests', { RoleId: role, RequestedTTL: '600', Justification: 'undecided' });
    const ann = (await t.core.store.read((tx) => tx.accounts.byLogin('ann')))!.id;
    const ids = { approved: await approvalOf(approved.RequestId), rejected: await approvalOf(rejected.RequestId), pending: await approvalOf(pending.RequestId) };
    const before = await t.core.store.read((tx) => tx.approvals.byId(ids.approved));
    assert.deepEqual(before!.votes, [{ approverId: ann, at: approvedAt, decision: 'approve', comment: 'fine', factor: null, stage: 0 }]);
    await t.close();

    // The store as Elevate left it before migration 0010: decisions in the approval's own columns only.
    // (and so before 0012, which adds approval stages: it is undone too, and both run again in order)
    await rawSql(t, [
      'drop table approval_votes',
      'drop table role_stage_approvers',
      'drop table role_stage_groups',
      'drop table role_approval_stages',
      'alter table approvals drop column stage',
      'alter table roles drop column justification_required',
      'alter table roles drop column justification_min_length',
      'alter table roles drop column ticket_pattern',
      'alter table requests drop column ticket_id',
      "delete from kysely_migration where name in ('0010-approval-votes', '0012-approval-stages')",
    ]);
    reopened = await makeCore({ dataDir: t.dataDir, clock: t.clock, demo: false });
    const read = (id: string) => reopened!.core.store.read((tx) => tx.approvals.byId(id));
    const a = await read(ids.approved);
    assert.deepEqual([a!.status, a!.decidedBy, a!.decidedAt, a!.comment], ['Approved', ann, approvedAt, 'fine']);
    assert.deepEqual(a!.votes, [{ approverId: ann, at: approvedAt, decision: 'approve', comment: 'fine', factor: null, stage: 0 }]);
    const r = await read(ids.rejected);
    assert.deepEqual(r!.votes.map((v) => [v.approverId, v.decision, v.comment]), [[ann, 'reject', 'not now']]);
    const p = await read(ids.pending);
    assert.deepEqual([p!.status, p!.votes], ['Pending', []]);
  } finally {
    await reopened?.close();
    await t.destroy();
  }
});
