import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API, appPerTest, basic, roleId } from '../../support/harness.js';
import { assertElement, assertODataError, snapshot } from './helpers.js';

// A role that needs a justification of 10 characters and an INC/CHG ticket; TicketId is sent
// beside MIM's parameters, and the MIM shapes do not change.
const t = appPerTest();

async function ticketed(): Promise<string> {
  const res = await t().app.inject({
    method: 'PATCH',
    url: '/api/admin/roles/Allow%20AD%20Access',
    headers: basic('admin'),
    payload: { name: 'Allow AD Access', justificationRequired: true, justificationMinLength: 10, ticketPattern: '^(INC|CHG)[0-9]{6}$' },
  });
  assert.equal(res.statusCode, 200, res.body);
  return roleId(t().app, 'Allow AD Access');
}

const post = (payload: Record<string, string>) =>
  t().app.inject({ method: 'POST', url: `${API}/pamrequests`, headers: { ...basic('jen'), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(payload).toString() });

test('missing or mismatched context is a 400 in the OData error shape, and nothing is stored', async () => {
  const rid = await ticketed();
  const before = await snapshot(t().app);
  for (const [p, pattern] of [
    [{ RoleId: rid, RequestedTTL: '600', TicketId: 'INC000001' }, /needs a justification/],
    [{ RoleId: rid, RequestedTTL: '600', Justification: 'short', TicketId: 'INC000001' }, /at least 10 characters/],
    [{ RoleId: rid, RequestedTTL: '600', Justification: 'rotate the keys' }, /TicketId/],
    [{ RoleId: rid, RequestedTTL: '600', Justification: 'rotate the keys', TicketId: 'INC42' }, /does not match/],
  ] as const) {
    const res = await post(p);
    assert.match(assertODataError(res, 400).message, pattern);
  }
  assert.deepEqual(await snapshot(t().app), before);
});

test('a request with its ticket is created in the unchanged MIM shape; the ticket is in the audit trail', async () => {
  const rid = await ticketed();
  const req = assertElement(await post({ RoleId: rid, RequestedTTL: '600', Justification: 'rotate the keys', TicketId: 'CHG123456' }));
  assert.equal(req.RequestStatus, 'Active');
  assert.ok(!('TicketId' in req), 'the MIM shape is unchanged');
  const audit = await t().app.inject({ method: 'GET', url: '/api/admin/audit', headers: basic('admin') });
  assert.match(audit.body, /CHG123456/);
});

test('a role TTL above the server maximum is refused (400) and a request cannot exceed it either', async () => {
  const res = await t().app.inject({ method: 'POST', url: '/api/admin/roles', headers: basic('admin'), payload: { name: 'Forever', ttlSeconds: 400 * 86_400 } });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /maxTtlSeconds/);
});
