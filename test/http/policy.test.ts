/**
 * Policy as code over the admin API (issue 18 §2): plan, apply all or nothing, prune, export that
 * round-trips. Runs on SQLite and, with ELEVATE_TEST_STORE=postgres, on PostgreSQL.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appPerTest, basic, roleId } from '../support/harness.js';
import { createForm } from './api/helpers.js';

const post = (url: string, payload: unknown, login = 'admin') => ({ method: 'POST' as const, url: `/api/admin/policy/${url}`, headers: basic(login), payload: payload as object });

describe('policy plan, apply and export', () => {
  const t = appPerTest();
  const state = async () => {
    const res = await t().app.inject({ method: 'GET', url: '/api/admin/policy/export', headers: basic('admin') });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { users: { login: string; disabled: boolean }[]; groups: { name: string }[]; roles: { name: string; ttlSeconds: number }[] };
  };
  const auditLength = async () => ((await t().app.inject({ method: 'GET', url: '/api/admin/audit?limit=10000', headers: basic('admin') })).json().value as unknown[]).length;

  test('a file with a bad entry after valid ones changes nothing and lists every problem', async () => {
    const before = await state();
    const audit = await auditLength();
    const res = await t().app.inject(
      post('apply', {
        users: [{ login: 'carol', password: 'carol' }, { login: 'dave', password: 'dave' }],
        groups: [{ name: 'New Group' }],
        roles: [
          { name: 'Ghostly', ttlSeconds: 600, approvalRequired: true, approvers: ['ghost'] },
          { name: 'Quick', ttlSeconds: 600, groups: ['No Such Group'] },
        ],
      }),
    );
    assert.equal(res.statusCode, 400, res.body);
    const message = res.json()['odata.error'].message.value as string;
    assert.match(message, /^Nothing was changed; 2 problem\(s\)/);
    assert.match(message, /roles\[0\] \(Ghostly\): There is no user 'ghost'\./);
    assert.match(message, /roles\[1\] \(Quick\): There is no group 'No Such Group'\./);
    assert.deepEqual(await state(), before, 'carol, dave and the group were rolled back with the rest');
    assert.equal(await auditLength(), audit, 'no audit entry outlives the rollback');
  });

  test('plan shows each step field by field and changes nothing; apply then does exactly that', async () => {
    const before = await state();
    const decl = { users: [{ login: 'carol', displayName: 'Carol' }], roles: [{ name: 'Allow AD Access', ttlSeconds: 1800 }] };
    const plan = await t().app.inject(post('plan', decl));
    assert.equal(plan.statusCode, 200, plan.body);
    const body = plan.json();
    assert.equal(body.applied, false);
    const ttlBefore = before.roles.find((r) => r.name === 'Allow AD Access')!.ttlSeconds;
    assert.deepEqual(body.steps.find((s: { kind: string }) => s.kind === 'role'), {
      action: 'change',
      kind: 'role',
      name: 'Allow AD Access',
      changes: [{ field: 'ttlSeconds', from: ttlBefore, to: 1800 }],
    });
    const carol = body.steps.find((s: { kind: string }) => s.kind === 'user');
    assert.equal(carol.action, 'create');
    assert.ok(carol.changes.some((c: { field: string; to: unknown }) => c.field === 'displayName' && c.to === 'Carol'));
    assert.deepEqual(await state(), before, 'a plan changes nothing');

    const applied = await t().app.inject(post('apply', decl));
    assert.equal(applied.statusCode, 200, applied.body);
    assert.deepEqual(applied.json().steps, body.steps, 'apply does what the plan said');
    assert.equal((await state()).roles.find((r) => r.name === 'Allow AD Access')!.ttlSeconds, 1800);
  });

  test('export round-trips: its own plan has no steps, and it carries no password', async () => {
    const res = await t().app.inject({ method: 'GET', url: '/api/admin/policy/export', headers: basic('admin') });
    assert.doesNotMatch(res.body, /password|scrypt|\$/i);
    const plan = await t().app.inject(post('plan', res.json()));
    assert.equal(plan.statusCode, 200, plan.body);
    assert.deepEqual(plan.json().steps, []);
  });

  test('prune removes what is not declared, disables a user with history, and never the caller', async () => {
    const doc = await state();
    await t().app.inject(post('apply', { users: [{ login: 'carol' }], groups: [{ name: 'Spare' }], roles: [{ name: 'Spare Role', ttlSeconds: 60 }] }));
    const plan = await t().app.inject(post('plan', { ...doc, users: doc.users.filter((u) => u.login !== 'admin'), prune: true }));
    assert.equal(plan.statusCode, 200, plan.body);
    const steps = plan.json().steps as { action: string; kind: string; name: string }[];
    assert.deepEqual(
      steps.filter((s) => s.action === 'delete').map((s) => `${s.kind} ${s.name}`),
      ['user carol', 'group Spare', 'role Spare Role'],
    );
    assert.ok(!steps.some((s) => s.name === 'admin'), "the caller's own account is never pruned");

    // jen has history: she is kept (the audit trail refers to her) but disabled.
    await createForm(t().app, 'jen', { RoleId: await roleId(t().app, 'Allow AD Access'), RequestedTTL: 600, Justification: 'x' });
    const withoutJen = { ...doc, users: doc.users.filter((u) => u.login !== 'jen'), prune: true };
    const refused = await t().app.inject(post('apply', withoutJen));
    assert.equal(refused.statusCode, 400, refused.body);
    assert.match(refused.json()['odata.error'].message.value, /prune user 'jen': 'jen' holds or waits for access/);
    assert.equal((await state()).users.find((u) => u.login === 'jen')!.disabled, false, 'refused: nothing changed');

    const forced = await t().app.inject(post('apply', { ...withoutJen, force: true }));
    assert.equal(forced.statusCode, 200, forced.body);
    // The plan says what the forced prune ends, and what a deletion takes with it.
    const jenStep = forced.json().steps.find((s: { name: string }) => s.name === 'jen');
    assert.deepEqual([jenStep.action, jenStep.ends], ['change', [{ role: 'Allow AD Access', status: 'Active' }]]);
    const carolPlan = plan.json().steps.find((s: { name: string }) => s.name === 'carol');
    assert.deepEqual(carolPlan.takes, []);
    const after = await state();
    assert.equal(after.users.find((u) => u.login === 'jen')!.disabled, true);
    assert.deepEqual(after.roles.map((r) => r.name).sort(), doc.roles.map((r) => r.name).sort());
  });

  test('a malformed body is a 400 in the API error shape, and a non-admin is refused', async () => {
    const bad = await t().app.inject(post('apply', { roles: [{ name: 'R', ttlSecond: 60 }] }));
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json()['odata.error'].message.value, /Invalid body/);
    assert.equal((await t().app.inject(post('plan', {}, 'jen'))).statusCode, 403);
  });
});
