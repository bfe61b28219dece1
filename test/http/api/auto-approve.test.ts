import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDeclaration } from '../../../src/app/admin/apply.js';
import { LOCAL_OPERATOR } from '../../../src/app/admin/require-admin.js';
import { WEEKDAYS } from '../../../src/domain/role/auto-approve.js';
import { WIRE_WEEKDAYS } from '../../../src/wire/auto-approve.js';
import { appPerTest, basic, roleId, type TestApp } from '../../support/harness.js';
import { REQUEST_KEYS, assertElement, assertODataError, createForm, createJson, get, listApprovals, snapshot } from './helpers.js';

// Prod DB: jen and carol may ask, ann approves. Rule 'on-call, short': members of On-call (jen),
// Mon-Fri 08:00-18:00 server time (UTC here), TTL at most 2h. The clock starts Monday 10:00 UTC.
const HOUR = 3600_000;
const RULE = { name: 'on-call, short', groups: ['On-call'], window: { days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], from: '08:00', to: '18:00' }, maxTtlSeconds: 7200 };
const PROD = { name: 'Prod DB', ttlSeconds: 4 * 3600, groups: ['Prod DB Access'], candidates: ['jen', 'carol'], approvalRequired: true, approvers: ['ann'], autoApprove: [RULE] };

async function setUp(t: TestApp, role: Record<string, unknown> = PROD): Promise<string> {
  await applyDeclaration(t.core.deps, t.core.hasher, LOCAL_OPERATOR, {
    users: [{ login: 'carol', displayName: 'Carol', email: null, password: 'carol' }],
    groups: [{ name: 'Prod DB Access' }, { name: 'On-call' }],
  });
  await t.core.deps.store.transaction(async (tx) => {
    await tx.groups.addMember((await tx.groups.byName('On-call'))!.id, (await tx.accounts.byLogin('jen'))!.id);
  });
  const res = await t.app.inject({ method: 'POST', url: '/api/admin/roles', headers: basic('admin'), payload: role });
  assert.equal(res.statusCode, 201, res.body);
  return roleId(t.app, String(role.name));
}

const json = async (t: TestApp, url: string, login: string) => {
  const res = await get(t.app, url, login);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
};

describe('auto-approval rules', () => {
  const t = appPerTest({ config: { timeZone: 'UTC' } });

  test('a request a rule matches is approved by it: answered as for a role without approval, and the rule is recorded', async () => {
    const rid = await setUp(t());
    const res = await createForm(t().app, 'jen', { RoleId: rid, RequestedTTL: 3600, Justification: 'pager' });
    const req = assertElement(res);
    assert.equal(req.RequestStatus, 'Active');
    assert.deepEqual(Object.keys(req).sort(), [...REQUEST_KEYS].sort(), 'the MIM shape is unchanged');
    assert.deepEqual(await listApprovals(t().app, 'ann'), [], 'no approver is asked');

    const audit = (await json(t(), `/api/admin/audit?requestId=${req.RequestId}`, 'admin')).value as { action: string; after: { autoApprovedBy?: string } }[];
    assert.equal(audit.find((e) => e.action === 'request.created')?.after.autoApprovedBy, 'on-call, short');
    assert.equal(audit.filter((e) => e.action.startsWith('approval.')).length, 0, 'no approval object');

    const progress = await json(t(), `/api/me/requests/${req.RequestId}/approval`, 'jen');
    assert.equal(progress.autoApprovedBy, 'on-call, short');
    assert.equal(progress.openStage, null);
    const timeline = await json(t(), `/api/admin/requests/${req.RequestId}/timeline`, 'admin');
    assert.equal(timeline.request.autoApprovedBy, 'on-call, short');
  });

  test('a request no rule matches waits for its approvers as before', async () => {
    const rid = await setUp(t());
    const notMember = assertElement(await createForm(t().app, 'carol', { RoleId: rid, RequestedTTL: 3600, Justification: 'x' }));
    assert.equal(notMember.RequestStatus, 'PendingApproval');
    const tooLong = assertElement(await createForm(t().app, 'jen', { RoleId: rid, RequestedTTL: 7201, Justification: 'x' }));
    assert.equal(tooLong.RequestStatus, 'PendingApproval', 'TTL above the limit');
    t().clock.advance(9 * HOUR); // 19:00
    const late = assertElement(await createForm(t().app, 'jen', { RoleId: rid, RequestedTTL: 600, Justification: 'x' }));
    assert.equal(late.RequestStatus, 'PendingApproval', 'after hours');
    assert.equal((await json(t(), `/api/me/requests/${tooLong.RequestId}/approval`, 'jen')).autoApprovedBy, null);
    assert.deepEqual((await listApprovals(t().app, 'ann')).map((a) => a.FIMRequestID.Value).sort(), [notMember.RequestId, tooLong.RequestId, late.RequestId].sort());
  });

  test('outside the window (Saturday) the rule does not apply', async () => {
    const rid = await setUp(t());
    t().clock.advance(-2 * 24 * HOUR); // Saturday 3 January, 10:00
    const req = assertElement(await createForm(t().app, 'jen', { RoleId: rid, RequestedTTL: 600, Justification: 'x' }));
    assert.equal(req.RequestStatus, 'PendingApproval');
  });

  test('a ticket rule approves a request with a ticket matching the role pattern', async () => {
    const rid = await setUp(t(), { ...PROD, ticketPattern: '^INC[0-9]{4}$', autoApprove: [{ name: 'with ticket', ticketRequired: true, maxTtlSeconds: 1800 }] });
    assert.equal(assertElement(await createJson(t().app, 'carol', { RoleId: rid, RequestedTTL: '1800', Justification: 'x', TicketId: 'INC0001' })).RequestStatus, 'Active');
    assert.equal(assertElement(await createJson(t().app, 'jen', { RoleId: rid, RequestedTTL: '3600', Justification: 'x', TicketId: 'INC0002' })).RequestStatus, 'PendingApproval');
    assertODataError(await createJson(t().app, 'jen', { RoleId: rid, RequestedTTL: '600', Justification: 'x', TicketId: 'nope' }), 400);
  });

  test('the approval path lists the rules in words, and forecasts for the caller', async () => {
    const rid = await setUp(t());
    const jen = await json(t(), `/api/me/roles/${rid}/approval-path`, 'jen');
    assert.deepEqual(jen.autoApprove, [{ name: 'on-call, short', when: 'in group On-call, Mon-Fri 08:00-18:00, TTL at most 2h' }]);
    // The role's longest TTL (4h) is above the rule's limit: the forecast says no, and why it is only a forecast.
    assert.equal(jen.autoApproveForecast.rule, null);
    assert.equal(jen.autoApproveForecast.ttlSeconds, 4 * 3600);
    assert.match(jen.autoApproveForecast.note, /forecast/);
    const patched = await t().app.inject({ method: 'PATCH', url: '/api/admin/roles/Prod%20DB', headers: basic('admin'), payload: { name: 'Prod DB', ttlSeconds: 7200 } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal((await json(t(), `/api/me/roles/${rid}/approval-path`, 'jen')).autoApproveForecast.rule, 'on-call, short');
    assert.equal((await json(t(), `/api/me/roles/${rid}/approval-path`, 'carol')).autoApproveForecast.rule, null, 'not in On-call');
    t().clock.advance(9 * HOUR);
    assert.equal((await json(t(), `/api/me/roles/${rid}/approval-path`, 'jen')).autoApproveForecast.rule, null, 'after hours');
  });

  test('the admin API shows the rules back as written; null removes them', async () => {
    await setUp(t());
    const shown = await json(t(), '/api/admin/roles/Prod%20DB', 'admin');
    assert.deepEqual(shown.autoApprove, [{ ...RULE, ticketRequired: false }]);
    const res = await t().app.inject({ method: 'PATCH', url: '/api/admin/roles/Prod%20DB', headers: basic('admin'), payload: { name: 'Prod DB', autoApprove: null } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().autoApprove, []);
  });

  test('rules that could never apply or are malformed are 400 and change nothing', async () => {
    await setUp(t());
    const before = await snapshot(t().app);
    const patch = (payload: Record<string, unknown>) => t().app.inject({ method: 'PATCH', url: '/api/admin/roles/Prod%20DB', headers: basic('admin'), payload: { name: 'Prod DB', ...payload } });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ approvalRequired: false }, /without approval has nothing to auto-approve/],
      [{ breakGlass: true }, /break-glass role skips approval/],
      [{ autoApprove: [{ name: 'all' }] }, /no conditions/],
      [{ autoApprove: [{ name: 'x', window: { days: ['Mon'], from: '8am', to: '18:00' } }] }, /HH:MM/],
      [{ autoApprove: [{ name: 'x', window: { days: ['Monday'], from: '08:00', to: '18:00' } }] }, /days/],
      [{ autoApprove: [{ name: 'x', groups: ['Prod DB Access'] }] }, /the role itself grants/],
      [{ autoApprove: [{ name: 'x', maxTtlSeconds: 60 }, { name: 'X', ticketRequired: true }] }, /two auto-approval rules/],
      [{ autoApprove: [{ name: 'x', maxTtlSeconds: 0 }] }, /maxTtlSeconds/],
      [{ autoApprove: [{ name: 'x', colour: 'red' }] }, /colour/],
    ];
    for (const [payload, message] of cases) assert.match(assertODataError(await patch(payload), 400, JSON.stringify(payload)).message, message);
    const created = await t().app.inject({ method: 'POST', url: '/api/admin/roles', headers: basic('admin'), payload: { name: 'Plain', ttlSeconds: 60, autoApprove: [{ name: 'r', maxTtlSeconds: 60 }] } });
    assert.match(assertODataError(created, 400).message, /without approval/);
    assert.deepEqual(await snapshot(t().app), before, 'nothing stored');
  });

  test('the wire spells the days as the domain does', () => {
    assert.deepEqual([...WIRE_WEEKDAYS], [...WEEKDAYS]);
  });
});
