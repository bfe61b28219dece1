import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { API, basic, makeApp, roleId, type TestApp } from '../../support/harness.js';
import {
  HOUR,
  MINUTE,
  UNSET,
  assertElement,
  assertEmptyOk,
  assertODataError,
  close,
  createForm,
  createJson,
  isMember,
  qs,
  requestById,
  snapshot,
} from './helpers.js';
import { AD_GROUP, fresh } from './requests-fixture.js';

describe('POST pamrequests: the three ways parameters arrive', () => {
  const { t } = fresh();

  test('JSON body → 201 @Element with every request property', async () => {
    const { app } = t();
    const rid = await roleId(app, 'Allow AD Access');
    const res = await createJson(app, 'jen', { RoleId: rid, RequestedTTL: '3600', Justification: 'Patch the DCs' });
    const r = assertElement(res, 201);
    const jenId = r.CreatorID;
    assert.deepEqual(
      { ...r, RequestId: '<id>', CreatorID: '<jen>' },
      {
        RequestId: '<id>',
        CreatorID: '<jen>',
        Justification: 'Patch the DCs',
        DisplayName: r.DisplayName,
        CreationTime: '2026-01-05T10:00:00Z',
        CreationMethod: 'PAM Web API',
        ExpirationTime: '2026-01-05T11:00:00Z',
        RoleId: rid,
        RequestedTTL: '3600',
        RequestedTime: '2026-01-05T10:00:00Z',
        RequestStatus: 'Active',
      },
    );
    assert.ok(r.DisplayName.length > 0);
    assert.match(res.body, /"RequestedTTL":"3600"/, 'RequestedTTL is a string on the wire');
    // The history shows the same request, and the caller is now in the role's group.
    const listed = await requestById(app, 'jen', r.RequestId);
    assert.deepEqual(listed, r);
    assert.equal(listed.CreatorID, jenId);
    assert.equal(await isMember(app, AD_GROUP, 'jen'), true);
  });

  test('JSON body with RequestedTTL as a number', async () => {
    const { app } = t();
    const rid = await roleId(app, 'Allow AD Access');
    const r = assertElement(await createJson(app, 'jen', { RoleId: rid, RequestedTTL: 1800 }), 201);
    assert.equal(r.RequestedTTL, '1800');
    assert.equal(r.ExpirationTime, '2026-01-05T10:30:00Z');
    assert.equal(r.Justification, null);
  });

  test('form-encoded exactly as jQuery posts it; empty Justification is null, empty RequestedTime is now', async () => {
    const { app } = t();
    const rid = await roleId(app, 'Allow AD Access');
    const res = await app.inject({
      method: 'POST',
      url: `${API}/pamrequests`,
      headers: { ...basic('jen'), 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      payload: `Justification=&RoleId=${rid}&RequestedTTL=3600&RequestedTime=`,
    });
    const r = assertElement(res, 201);
    assert.equal(r.Justification, null);
    assert.match(res.body, /"Justification":null/);
    assert.equal(r.RequestStatus, 'Active');
    assert.equal(r.RequestedTime, '2026-01-05T10:00:00Z');
    assert.equal(r.ExpirationTime, '2026-01-05T11:00:00Z');
    assert.equal(r.RoleId, rid);
  });

  test('form-encoded text with spaces, plus signs and unicode survives', async () => {
    const { app } = t();
    const rid = await roleId(app, 'Allow AD Access');
    const r = assertElement(await createForm(app, 'jen', { RoleId: rid, RequestedTTL: 600, Justification: 'Ticket #42: café + ünïcødé ✓' }));
    assert.equal(r.Justification, 'Ticket #42: café + ünïcødé ✓');
    assert.equal(r.RequestedTTL, '600');
  });

  test('a whitespace-only Justification is null', async () => {
    const { app } = t();
    const rid = await roleId(app, 'Allow AD Access');
    const r = assertElement(await createJson(app, 'jen', { RoleId: rid, RequestedTTL: '60', Justification: '   ' }));
    assert.equal(r.Justification, null);
  });

  test('query-string parameters with no body', async () => {
    const { app } = t();
    const rid = await roleId(app, 'Allow AD Access');
    const res = await app.inject({
      method: 'POST',
      url: `${API}/pamrequests${qs({ RoleId: rid, RequestedTTL: 1800, Justification: 'from the query' })}`,
      headers: basic('jen'),
    });
    const r = assertElement(res, 201);
    assert.equal(r.RequestedTTL, '1800');
    assert.equal(r.Justification, 'from the query');
    assert.equal(r.ExpirationTime, '2026-01-05T10:30:00Z');
  });

  test('query string and body mixed, with v=1', async () => {
    const { app } = t();
    const rid = await roleId(app, 'Allow AD Access');
    const res = await app.inject({ method: 'POST', url: `${API}/pamrequests?v=1&RoleId=${rid}`, headers: basic('jen'), payload: { RequestedTTL: '900' } });
    assert.equal(assertElement(res, 201).RequestedTTL, '900');
  });

  test('a pending request has the unset ExpirationTime, never null', async () => {
    const { app } = t();
    const rid = await roleId(app, 'ApprovalRole');
    const res = await createForm(app, 'jen', { RoleId: rid, RequestedTTL: 3600, Justification: 'need it' });
    const r = assertElement(res, 201);
    assert.equal(r.RequestStatus, 'PendingApproval');
    assert.equal(r.ExpirationTime, UNSET);
    assert.match(res.body, /"ExpirationTime":"0001-01-01T00:00:00"/);
    assert.equal(await isMember(app, 'Approved Operators', 'jen'), false);
  });

  test('an MFA role starts PendingMFA with no access', async () => {
    const { app } = t();
    const rid = await roleId(app, 'MFA Role');
    const r = assertElement(await createForm(app, 'jen', { RoleId: rid, RequestedTTL: 1800 }), 201);
    assert.equal(r.RequestStatus, 'PendingMFA');
    assert.equal(r.ExpirationTime, UNSET);
    assert.equal(await isMember(app, 'MFA Protected Share', 'jen'), false);
  });

  test('GUIDs are accepted in upper case and answered in lower case', async () => {
    const { app } = t();
    const rid = await roleId(app, 'Allow AD Access');
    const r = assertElement(await createJson(app, 'jen', { RoleId: rid.toUpperCase(), RequestedTTL: '60' }));
    assert.equal(r.RoleId, rid);
  });
});

describe('POST pamrequests: scheduled starts', () => {
  const { t } = fresh();

  test('the picker format in the future → Scheduled; tick after the start → Active', async () => {
    const { app, clock } = t();
    const rid = await roleId(app, 'Allow AD Access');
    const res = await createForm(app, 'jen', { RoleId: rid, RequestedTTL: 3600, RequestedTime: '2026/01/05 12:30' });
    const r = assertElement(res, 201);
    assert.equal(r.RequestStatus, 'Scheduled');
    assert.equal(r.RequestedTime, '2026-01-05T12:30:00Z', 'picker text is read in the server zone (UTC here)');
    assert.equal(r.ExpirationTime, UNSET);
    assert.equal(await isMember(app, AD_GROUP, 'jen'), false);

    // Not yet due: nothing happens.
    clock.advance(2 * HOUR);
    await t().tick();
    assert.equal((await requestById(app, 'jen', r.RequestId)).RequestStatus, 'Scheduled');
    assert.equal(await isMember(app, AD_GROUP, 'jen'), false);

    clock.advance(31 * MINUTE); // 12:31
    await t().tick();
    const after = await requestById(app, 'jen', r.RequestId);
    assert.equal(after.RequestStatus, 'Active');
    assert.equal(after.ExpirationTime, '2026-01-05T13:30:00Z', 'TTL counts from the requested start');
    assert.equal(await isMember(app, AD_GROUP, 'jen'), true);
  });

  test('an ISO time with an offset is that instant', async () => {
    const { app } = t();
    const rid = await roleId(app, 'Allow AD Access');
    const r = assertElement(await createJson(app, 'jen', { RoleId: rid, RequestedTTL: '600', RequestedTime: '2026-01-05T14:00:00+02:00' }));
    assert.equal(r.RequestStatus, 'Scheduled');
    assert.equal(r.RequestedTime, '2026-01-05T12:00:00Z');
  });

  test('a start in the past is read as now', async () => {
    const { app } = t();
    const rid = await roleId(app, 'Allow AD Access');
    const r = assertElement(await createForm(app, 'jen', { RoleId: rid, RequestedTTL: 600, RequestedTime: '2026/01/05 09:00' }));
    assert.equal(r.RequestStatus, 'Active');
    assert.equal(r.RequestedTime, '2026-01-05T10:00:00Z');
  });

  test('a malformed RequestedTime is a 400 naming the parameter', async () => {
    const { app } = t();
    const rid = await roleId(app, 'Allow AD Access');
    for (const bad of ['tomorrow', '2026/13/01 10:00', '2026/02/30 10:00', '2026-01-05T25:00:00Z']) {
      const before = await snapshot(app);
      const { message } = assertODataError(await createJson(app, 'jen', { RoleId: rid, RequestedTTL: '600', RequestedTime: bad }), 400, bad);
      assert.match(message, /RequestedTime/);
      assert.deepEqual(await snapshot(app), before);
    }
  });

  test('closing a Scheduled request keeps it from ever starting', async () => {
    const { app, clock } = t();
    const rid = await roleId(app, 'Allow AD Access');
    const r = assertElement(await createForm(app, 'jen', { RoleId: rid, RequestedTTL: 3600, RequestedTime: '2026/01/05 11:00' }));
    assertEmptyOk(await close(app, 'jen', r.RequestId));
    clock.advance(2 * HOUR);
    await t().tick();
    assert.equal((await requestById(app, 'jen', r.RequestId)).RequestStatus, 'Closed');
    assert.equal(await isMember(app, AD_GROUP, 'jen'), false);
  });
});

describe('a server in another time zone (America/Los_Angeles, UTC-8 in January)', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.destroy();
    app = undefined;
  });

  test('picker text is read in the server zone, as the reference example shows', async () => {
    app = await makeApp({ config: { timeZone: 'America/Los_Angeles' } });
    const ad = await roleId(app.app, 'Allow AD Access');
    // 10:00Z is 02:00 in Los Angeles; 2026/01/05 04:30 local is 12:30Z.
    const r = assertElement(await createForm(app.app, 'jen', { RoleId: ad, RequestedTTL: 600, RequestedTime: '2026/01/05 04:30' }));
    assert.equal(r.RequestStatus, 'Scheduled');
    assert.equal(r.RequestedTime, '2026-01-05T12:30:00Z');
    // An explicit zone is taken as written.
    const z = assertElement(await createJson(app.app, 'jen', { RoleId: ad, RequestedTTL: '600', RequestedTime: '2026-01-05T12:45:00Z' }));
    assert.equal(z.RequestedTime, '2026-01-05T12:45:00Z');
  });

  test('the availability window is read in the server zone', async () => {
    app = await makeApp({ config: { timeZone: 'America/Los_Angeles' } });
    const bh = await roleId(app.app, 'Business Hours');
    // 10:00Z is 02:00 local: outside 08:00-18:00.
    const { message } = assertODataError(await createForm(app.app, 'jen', { RoleId: bh, RequestedTTL: 600 }), 400);
    assert.match(message, /08:00/);
    // 17:00Z is 09:00 local: inside.
    app.clock.set(Date.UTC(2026, 0, 5, 17, 0, 0));
    const r = assertElement(await createForm(app.app, 'jen', { RoleId: bh, RequestedTTL: 600 }));
    assert.equal(r.RequestStatus, 'Active');
  });
});
