import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API, basic, roleId } from '../../support/harness.js';
import { MINUTE, assertElement, assertEmptyOk, assertODataError, auditCount, close, createForm, get, isMember, requestById, snapshot } from './helpers.js';
import { AD_GROUP, fresh } from './requests-fixture.js';

describe('Close', () => {
  const { t } = fresh();

  test('200, empty body, not typed JSON; the request is Closed and access removed', async () => {
    const { app } = t();
    const ad = await roleId(app, 'Allow AD Access');
    const r = assertElement(await createForm(app, 'jen', { RoleId: ad, RequestedTTL: 3600 }));
    assert.equal(await isMember(app, AD_GROUP, 'jen'), true);
    const res = await close(app, 'jen', r.RequestId);
    assertEmptyOk(res, 'Close');
    const after = await requestById(app, 'jen', r.RequestId);
    assert.equal(after.RequestStatus, 'Closed');
    assert.equal(await isMember(app, AD_GROUP, 'jen'), false);
  });

  test('Close with an unsupported version is refused and changes nothing', async () => {
    const { app } = t();
    const ad = await roleId(app, 'Allow AD Access');
    const r = assertElement(await createForm(app, 'jen', { RoleId: ad, RequestedTTL: 3600 }));
    const before = await snapshot(app);
    assertODataError(await app.inject({ method: 'POST', url: `${API}/pamrequests(guid'${r.RequestId}')/Close?v=2`, headers: basic('jen') }), 400);
    assert.deepEqual(await snapshot(app), before);
  });

  test('the key in upper case and with v=1', async () => {
    const { app } = t();
    const ad = await roleId(app, 'Allow AD Access');
    const r = assertElement(await createForm(app, 'jen', { RoleId: ad, RequestedTTL: 3600 }));
    const res = await app.inject({ method: 'POST', url: `${API}/pamrequests(guid'${r.RequestId.toUpperCase()}')/Close?v=1`, headers: basic('jen') });
    assertEmptyOk(res);
    assert.equal((await requestById(app, 'jen', r.RequestId)).RequestStatus, 'Closed');
  });

  test('someone else’s request → 404 and nothing changes', async () => {
    const { app } = t();
    const ad = await roleId(app, 'Allow AD Access');
    const r = assertElement(await createForm(app, 'jen', { RoleId: ad, RequestedTTL: 3600 }));
    const before = await snapshot(app);
    assertODataError(await close(app, 'ann', r.RequestId), 404);
    assertODataError(await close(app, 'admin', r.RequestId), 404);
    assert.deepEqual(await snapshot(app), before);
    assert.equal((await requestById(app, 'jen', r.RequestId)).RequestStatus, 'Active');
    assert.equal(await isMember(app, AD_GROUP, 'jen'), true);
  });

  test('closing twice → 409', async () => {
    const { app } = t();
    const ad = await roleId(app, 'Allow AD Access');
    const r = assertElement(await createForm(app, 'jen', { RoleId: ad, RequestedTTL: 3600 }));
    assertEmptyOk(await close(app, 'jen', r.RequestId));
    const audit = await auditCount(app);
    assertODataError(await close(app, 'jen', r.RequestId), 409);
    assert.equal(await auditCount(app), audit);
    assert.equal((await requestById(app, 'jen', r.RequestId)).RequestStatus, 'Closed');
  });

  test('an expired request cannot be closed', async () => {
    const { app, clock } = t();
    const ad = await roleId(app, 'Allow AD Access');
    const r = assertElement(await createForm(app, 'jen', { RoleId: ad, RequestedTTL: 60 }));
    clock.advance(2 * MINUTE);
    await t().tick();
    assertODataError(await close(app, 'jen', r.RequestId), 409);
    assert.equal((await requestById(app, 'jen', r.RequestId)).RequestStatus, 'Expired');
  });

  test('an unknown id → 404; a malformed key → 400 or 404', async () => {
    const { app } = t();
    const before = await snapshot(app);
    assertODataError(await close(app, 'jen', 'c0112f13-b16b-40ad-b547-07f23a7fba52'), 404);
    for (const url of [
      `${API}/pamrequests(guid'not-a-guid')/Close`,
      `${API}/pamrequests(guid'')/Close`,
      `${API}/pamrequests(42)/Close`,
      `${API}/pamrequests/Close`,
      `${API}/pamroles(guid'c0112f13-b16b-40ad-b547-07f23a7fba52')/Close`,
      `${API}/pamrequests(guid'c0112f13-b16b-40ad-b547-07f23a7fba52')/Delete`,
    ]) {
      assertODataError(await app.inject({ method: 'POST', url, headers: basic('jen') }), [400, 404], url);
    }
    assert.deepEqual(await snapshot(app), before);
  });

  test('Close of a pending request removes it from the approver’s list', async () => {
    const { app } = t();
    const ap = await roleId(app, 'ApprovalRole');
    const r = assertElement(await createForm(app, 'jen', { RoleId: ap, RequestedTTL: 3600 }));
    assertEmptyOk(await close(app, 'jen', r.RequestId));
    assert.equal((await requestById(app, 'jen', r.RequestId)).RequestStatus, 'Closed');
    const res = await get(app, `${API}/pamrequeststoapprove`, 'ann');
    assert.deepEqual((res.json() as { value: unknown[] }).value, []);
  });
});
