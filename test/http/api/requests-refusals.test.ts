import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API, basic, roleId } from '../../support/harness.js';
import { assertElement, assertODataError, createForm, createJson, snapshot } from './helpers.js';
import { fresh } from './requests-fixture.js';

describe('POST pamrequests: refusals', () => {
  const { t } = fresh();

  async function refused(status: number, body: Record<string, unknown>, login = 'jen'): Promise<string> {
    const { app } = t();
    const before = await snapshot(app);
    const { message } = assertODataError(await createJson(app, login, body), status, JSON.stringify(body));
    assert.deepEqual(await snapshot(app), before, 'a refused create changes nothing');
    return message;
  }

  test('TTL above the role’s TTL → 400 naming the limit', async () => {
    const { app } = t();
    const ad = await roleId(app, 'Allow AD Access');
    assert.match(await refused(400, { RoleId: ad, RequestedTTL: '3601' }), /3600/);
    const mfa = await roleId(app, 'MFA Role');
    assert.match(await refused(400, { RoleId: mfa, RequestedTTL: '3600' }), /1800/);
    // The limit itself is fine.
    assertElement(await createJson(app, 'jen', { RoleId: ad, RequestedTTL: '3600' }));
  });

  test('missing RoleId', async () => {
    assert.match(await refused(400, { RequestedTTL: '3600' }), /RoleId/);
    assert.match(await refused(400, { RoleId: '', RequestedTTL: '3600' }), /RoleId/);
  });

  test('RoleId that is not a GUID', async () => {
    assert.match(await refused(400, { RoleId: 'not-a-guid', RequestedTTL: '3600' }), /RoleId/);
    assert.match(await refused(400, { RoleId: "' or 1=1 --", RequestedTTL: '3600' }), /RoleId/);
  });

  test('unknown role → 404', async () => {
    await refused(404, { RoleId: 'c0112f13-b16b-40ad-b547-07f23a7fba52', RequestedTTL: '3600' });
  });

  // A role's name is for its candidates: anyone else gets exactly what an unknown id gets.
  test('not a candidate → the same 404 as an unknown role, without the role’s name', async () => {
    const { app } = t();
    const approval = await roleId(app, 'ApprovalRole');
    const unknown = await refused(404, { RoleId: 'c0112f13-b16b-40ad-b547-07f23a7fba52', RequestedTTL: '3600' }, 'ann');
    for (const [login, ttl] of [['ann', '3600'], ['ann', '0'], ['admin', '60']] as const) {
      const message = await refused(404, { RoleId: approval, RequestedTTL: ttl }, login);
      assert.doesNotMatch(message, /ApprovalRole|candidate/i);
      assert.equal(message, unknown.replace('c0112f13-b16b-40ad-b547-07f23a7fba52', approval));
    }
  });

  test('RequestedTTL that is not a whole number, or missing', async () => {
    const { app } = t();
    const ad = await roleId(app, 'Allow AD Access');
    for (const bad of ['abc', '-1', '1e3', '0x10', ' ', '1.', '.5', '3600s', '1,5']) {
      assert.match(await refused(400, { RoleId: ad, RequestedTTL: bad }), /RequestedTTL/, bad);
    }
    assert.match(await refused(400, { RoleId: ad }), /RequestedTTL/);
  });

  test('the portal’s floating-point hours × 3600 is rounded to whole seconds', async () => {
    const { app } = t();
    const ad = await roleId(app, 'Allow AD Access');
    // 0.5 hours typed in the portal: 0.5 * 3600 is exact, 0.3 * 3600 is 1079.9999999999998.
    const r = assertElement(await createForm(app, 'jen', { RoleId: ad, RequestedTTL: String(0.3 * 3600) }));
    assert.equal(r.RequestedTTL, '1080');
    assert.equal(r.ExpirationTime, '2026-01-05T10:18:00Z');
  });

  test('Business Hours outside its window (20:00Z) → 400 naming the window', async () => {
    const { app, clock } = t();
    const bh = await roleId(app, 'Business Hours');
    clock.set(Date.UTC(2026, 0, 5, 20, 0, 0));
    const message = await refused(400, { RoleId: bh, RequestedTTL: '3600' });
    assert.match(message, /08:00/);
    assert.match(message, /18:00/);
    // Inside the window it works, and it ends no later than the window does.
    clock.set(Date.UTC(2026, 0, 6, 17, 30, 0));
    const r = assertElement(await createJson(app, 'jen', { RoleId: bh, RequestedTTL: '3600' }));
    assert.equal(r.RequestStatus, 'Active');
    assert.ok(Date.parse(r.ExpirationTime) <= Date.UTC(2026, 0, 6, 18, 0, 0), r.ExpirationTime);
  });

  test('a scheduled start outside the window is refused too', async () => {
    const { app } = t();
    const bh = await roleId(app, 'Business Hours');
    const message = await refused(400, { RoleId: bh, RequestedTTL: '600', RequestedTime: '2026/01/05 19:00' });
    assert.match(message, /08:00/);
  });

  test('a parameter given twice with different values', async () => {
    const { app } = t();
    const ad = await roleId(app, 'Allow AD Access');
    const before = await snapshot(app);
    const res = await app.inject({
      method: 'POST',
      url: `${API}/pamrequests?RequestedTTL=60`,
      headers: basic('jen'),
      payload: { RoleId: ad, RequestedTTL: '120' },
    });
    assert.match(assertODataError(res, 400).message, /RequestedTTL/);
    assert.deepEqual(await snapshot(app), before);
  });
});
