import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { roleId } from '../../support/harness.js';
import {
  HOUR,
  MINUTE,
  UNSET,
  assertElement,
  assertODataError,
  close,
  createForm,
  createJson,
  get,
  isMember,
  iso,
  listRequests,
  requestById,
  snapshot,
  wire,
} from './helpers.js';
import { AD_GROUP, T0, fresh } from './requests-fixture.js';

describe('POST pamrequests: extension and deactivation', () => {
  const { t } = fresh();

  test('a second request while active extends without a gap and closes the old one', async () => {
    const { app, clock } = t();
    const rid = await roleId(app, 'Allow AD Access');
    const first = assertElement(await createForm(app, 'jen', { RoleId: rid, RequestedTTL: 3600 }));
    assert.equal(first.RequestStatus, 'Active');
    assert.equal(first.ExpirationTime, '2026-01-05T11:00:00Z');
    assert.equal(await isMember(app, AD_GROUP, 'jen'), true);

    // 30 minutes later, "Extend Activation" with a shorter TTL: never shortens access.
    clock.advance(30 * MINUTE);
    const second = assertElement(await createForm(app, 'jen', { RoleId: rid, RequestedTTL: 1200 }));
    assert.equal(second.RequestStatus, 'Active');
    assert.notEqual(second.RequestId, first.RequestId);
    assert.ok(Date.parse(second.ExpirationTime) >= Date.parse(first.ExpirationTime), `${second.ExpirationTime} >= ${first.ExpirationTime}`);
    assert.equal((await requestById(app, 'jen', first.RequestId)).RequestStatus, 'Closed');
    assert.equal(await isMember(app, AD_GROUP, 'jen'), true, 'access never lost during the extension');

    // And a longer one moves the end later.
    clock.advance(10 * MINUTE); // 10:40
    const third = assertElement(await createForm(app, 'jen', { RoleId: rid, RequestedTTL: 3600 }));
    assert.equal(third.RequestStatus, 'Active');
    assert.equal(third.ExpirationTime, '2026-01-05T11:40:00Z');
    assert.ok(Date.parse(third.ExpirationTime) >= Date.parse(second.ExpirationTime));
    assert.equal((await requestById(app, 'jen', second.RequestId)).RequestStatus, 'Closed');
    assert.equal(await isMember(app, AD_GROUP, 'jen'), true);

    const active = (await listRequests(app, 'jen')).filter((r) => r.RequestStatus === 'Active');
    assert.deepEqual(active.map((r) => r.RequestId), [third.RequestId], 'exactly one active request for the role');

    // The old expiry time passing does not take access away.
    clock.advance(25 * MINUTE); // 11:05
    await t().tick();
    assert.equal(await isMember(app, AD_GROUP, 'jen'), true);
    assert.equal((await requestById(app, 'jen', third.RequestId)).RequestStatus, 'Active');

    clock.advance(36 * MINUTE); // 11:41
    await t().tick();
    assert.equal((await requestById(app, 'jen', third.RequestId)).RequestStatus, 'Expired');
    assert.equal(await isMember(app, AD_GROUP, 'jen'), false);
  });

  test('RequestedTTL 0 is a deactivation request of its own (201), and the active request ends Closed', async () => {
    const { app, clock } = t();
    const rid = await roleId(app, 'Allow AD Access');
    const r = assertElement(await createForm(app, 'jen', { RoleId: rid, RequestedTTL: 3600, Justification: 'patch DC01' }));
    assert.equal(await isMember(app, AD_GROUP, 'jen'), true);
    clock.advance(5 * MINUTE);
    // As the sample portal's Deactivate dialog posts it: form-encoded, its justification, an empty start.
    const d = assertElement(await createForm(app, 'jen', { RoleId: rid, RequestedTTL: 0, Justification: 'patch done' }), 201);
    assert.notEqual(d.RequestId, r.RequestId, 'a new request, not the one it deactivated');
    assert.equal(d.RequestedTTL, '0', 'the sample portal shows "Deactivate" for RequestedTTL 0');
    assert.equal(d.Justification, 'patch done', 'the deactivation keeps its own justification');
    assert.equal(d.RoleId, rid);
    assert.equal(d.RequestStatus, 'Closed', 'done the moment it is made');
    assert.equal(d.ExpirationTime, UNSET, 'grants nothing, so it never expires');
    assert.equal(d.CreationTime, wire(T0 + 5 * MINUTE));
    assert.equal(d.RequestedTime, wire(T0 + 5 * MINUTE));

    const ended = await requestById(app, 'jen', r.RequestId);
    assert.equal(ended.RequestStatus, 'Closed');
    assert.equal(ended.Justification, 'patch DC01', 'the elevation keeps its own justification');
    assert.equal(ended.ExpirationTime, wire(T0 + 5 * MINUTE), 'the elevation ended at the deactivation');
    assert.equal(await isMember(app, AD_GROUP, 'jen'), false);

    // The history lists both, as the sample portal's history page asks for them.
    const history = await listRequests(app, 'jen', { $filter: `CreationTime gt datetime'${iso(T0 - HOUR)}' and CreationTime lt datetime'${iso(T0 + HOUR)}'` });
    assert.deepEqual(history.map((x) => x.RequestId).sort(), [r.RequestId, d.RequestId].sort());
    assert.deepEqual(await requestById(app, 'jen', d.RequestId), d);
    // The portal's active-roles filter sees neither from the deactivation on; the deactivation
    // itself never, even to a client whose clock runs behind the server's.
    for (const at of [T0 + 5 * MINUTE, T0 + 2 * HOUR]) {
      assert.deepEqual(await listRequests(app, 'jen', { $filter: `ExpirationTime gt datetime'${iso(at)}'` }), [], `active at ${iso(at)}`);
    }
    for (const at of [T0 - HOUR, T0 + 5 * MINUTE - 30_000]) {
      const active = await listRequests(app, 'jen', { $filter: `ExpirationTime gt datetime'${iso(at)}'` });
      assert.ok(!active.some((x) => x.RequestId === d.RequestId), `the deactivation looks active at ${iso(at)}`);
    }

    // The audit trail records the deactivation by its own id and links it to the elevation it ended.
    const audit = await get(app, `/api/admin/audit?requestId=${d.RequestId}`, 'admin');
    const entries = (audit.json() as { value: { action: string; actorId: string; after: { deactivates?: string[] } }[] }).value;
    assert.equal(entries.length, 1, audit.body);
    assert.equal(entries[0]!.action, 'request.created');
    assert.equal(entries[0]!.actorId, d.CreatorID);
    assert.deepEqual(entries[0]!.after.deactivates, [r.RequestId]);
  });

  test('a deactivation is never deactivated or closed itself, and a new activation works after it', async () => {
    const { app, clock } = t();
    const rid = await roleId(app, 'Allow AD Access');
    assertElement(await createForm(app, 'jen', { RoleId: rid, RequestedTTL: 3600 }));
    const d = assertElement(await createJson(app, 'jen', { RoleId: rid, RequestedTTL: '0' }), 201);
    assert.equal(d.Justification, null);
    assertODataError(await createForm(app, 'jen', { RoleId: rid, RequestedTTL: 0 }), 409);
    assertODataError(await close(app, 'jen', d.RequestId), 409);
    clock.advance(MINUTE);
    const again = assertElement(await createForm(app, 'jen', { RoleId: rid, RequestedTTL: 600 }));
    assert.equal(again.RequestStatus, 'Active');
    assert.equal(again.ExpirationTime, wire(T0 + MINUTE + 600_000), 'the deactivation does not extend or shorten a new elevation');
    assert.equal((await requestById(app, 'jen', d.RequestId)).RequestStatus, 'Closed');
  });

  test('RequestedTTL 0 with nothing active → 409 and nothing changes', async () => {
    const { app } = t();
    const rid = await roleId(app, 'Allow AD Access');
    const before = await snapshot(app);
    const { message } = assertODataError(await createForm(app, 'jen', { RoleId: rid, RequestedTTL: 0 }), 409);
    assert.match(message, /Allow AD Access/);
    assert.deepEqual(await snapshot(app), before);
  });

  test('RequestedTTL 0 does not touch a pending request', async () => {
    const { app } = t();
    const rid = await roleId(app, 'ApprovalRole');
    const r = assertElement(await createForm(app, 'jen', { RoleId: rid, RequestedTTL: 3600 }));
    assertODataError(await createForm(app, 'jen', { RoleId: rid, RequestedTTL: 0 }), 409);
    assert.equal((await requestById(app, 'jen', r.RequestId)).RequestStatus, 'PendingApproval');
  });

  test('deactivating jen’s role leaves ann’s elevation of the same role alone', async () => {
    const { app } = t();
    const rid = await roleId(app, 'Allow AD Access');
    assertElement(await createForm(app, 'jen', { RoleId: rid, RequestedTTL: 3600 }));
    const annReq = assertElement(await createForm(app, 'ann', { RoleId: rid, RequestedTTL: 3600 }));
    assertElement(await createForm(app, 'jen', { RoleId: rid, RequestedTTL: 0 }), 201);
    assert.equal(await isMember(app, AD_GROUP, 'jen'), false);
    assert.equal(await isMember(app, AD_GROUP, 'ann'), true);
    assert.equal((await requestById(app, 'ann', annReq.RequestId)).RequestStatus, 'Active');
  });
});

describe('expiry', () => {
  const { t } = fresh();

  test('past the expiry a tick ends the request as Expired and removes the membership', async () => {
    const { app, clock } = t();
    const ad = await roleId(app, 'Allow AD Access');
    const r = assertElement(await createForm(app, 'jen', { RoleId: ad, RequestedTTL: 1800 }));
    assert.equal(r.ExpirationTime, '2026-01-05T10:30:00Z');
    clock.advance(29 * MINUTE);
    await t().tick();
    assert.equal((await requestById(app, 'jen', r.RequestId)).RequestStatus, 'Active');
    assert.equal(await isMember(app, AD_GROUP, 'jen'), true);
    clock.advance(2 * MINUTE);
    await t().tick();
    const after = await requestById(app, 'jen', r.RequestId);
    assert.equal(after.RequestStatus, 'Expired');
    assert.equal(after.ExpirationTime, '2026-01-05T10:30:00Z', 'the expiry stays the time access was due to end');
    assert.equal(await isMember(app, AD_GROUP, 'jen'), false);
    // A new request after expiry starts afresh.
    const again = assertElement(await createForm(app, 'jen', { RoleId: ad, RequestedTTL: 600 }));
    assert.equal(again.RequestStatus, 'Active');
    assert.equal(again.ExpirationTime, wire(T0 + 31 * MINUTE + 10 * MINUTE));
  });
});
