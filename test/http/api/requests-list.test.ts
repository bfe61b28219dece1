import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API, roleId } from '../../support/harness.js';
import {
  HOUR,
  MINUTE,
  assertElement,
  assertEmptyOk,
  assertODataError,
  assertRequestShape,
  close,
  createForm,
  get,
  iso,
  listRequests,
  qs,
  requestById,
  wire,
} from './helpers.js';
import { fresh } from './requests-fixture.js';

describe('GET pamrequests', () => {
  const { t } = fresh();

  test('lists only the caller’s requests', async () => {
    const { app } = t();
    const ad = await roleId(app, 'Allow AD Access');
    const ap = await roleId(app, 'ApprovalRole');
    const j1 = assertElement(await createForm(app, 'jen', { RoleId: ad, RequestedTTL: 600 }));
    const j2 = assertElement(await createForm(app, 'jen', { RoleId: ap, RequestedTTL: 600 }));
    const a1 = assertElement(await createForm(app, 'ann', { RoleId: ad, RequestedTTL: 600 }));
    const jen = await listRequests(app, 'jen');
    const ann = await listRequests(app, 'ann');
    for (const r of [...jen, ...ann]) assertRequestShape(r);
    assert.deepEqual(jen.map((r) => r.RequestId).sort(), [j1.RequestId, j2.RequestId].sort());
    assert.deepEqual(ann.map((r) => r.RequestId), [a1.RequestId]);
    assert.ok(jen.every((r) => r.CreatorID === j1.CreatorID));
    assert.notEqual(a1.CreatorID, j1.CreatorID);
    assert.deepEqual(await listRequests(app, 'admin'), []);
    // A filter naming someone else's request finds nothing.
    assert.deepEqual(await listRequests(app, 'jen', { $filter: `RequestId eq guid'${a1.RequestId}'` }), []);
  });

  test('the sample portal’s active filter ExpirationTime gt datetime’<now>’ returns exactly the active ones', async () => {
    const { app, clock } = t();
    const ad = await roleId(app, 'Allow AD Access');
    const ap = await roleId(app, 'ApprovalRole');
    const bh = await roleId(app, 'Business Hours');
    const mfa = await roleId(app, 'MFA Role');
    // An elevation that will have expired, one that is closed, one pending, one MFA-pending, one scheduled, one active.
    const expired = assertElement(await createForm(app, 'jen', { RoleId: bh, RequestedTTL: 60 }));
    const closed = assertElement(await createForm(app, 'jen', { RoleId: ad, RequestedTTL: 600 }));
    assertEmptyOk(await close(app, 'jen', closed.RequestId));
    clock.advance(2 * MINUTE);
    await t().tick();
    assert.equal((await requestById(app, 'jen', expired.RequestId)).RequestStatus, 'Expired');
    assertElement(await createForm(app, 'jen', { RoleId: ap, RequestedTTL: 600 }));
    assertElement(await createForm(app, 'jen', { RoleId: mfa, RequestedTTL: 600 }));
    assertElement(await createForm(app, 'jen', { RoleId: bh, RequestedTTL: 600, RequestedTime: '2026/01/05 15:00' }));
    const active = assertElement(await createForm(app, 'jen', { RoleId: ad, RequestedTTL: 1800 }));
    clock.advance(1234); // now has milliseconds, as the portal's new Date().toISOString() does
    const now = iso(clock.now());
    const found = await listRequests(app, 'jen', { $filter: `ExpirationTime gt datetime'${now}'` });
    assert.deepEqual(found.map((r) => r.RequestId), [active.RequestId]);
    // The portal maps RoleId → ExpirationTime from it.
    assert.deepEqual(Object.fromEntries(found.map((r) => [r.RoleId, r.ExpirationTime])), { [ad]: active.ExpirationTime });
    // ann's active elevation of the same role does not show up in jen's answer.
    assertElement(await createForm(app, 'ann', { RoleId: ad, RequestedTTL: 1800 }));
    assert.equal((await listRequests(app, 'jen', { $filter: `ExpirationTime gt datetime'${now}'` })).length, 1);
  });

  test('the reference’s CreationTime range filter', async () => {
    const { app, clock } = t();
    const ad = await roleId(app, 'Allow AD Access');
    const made: { id: string; at: number }[] = [];
    for (let i = 0; i < 4; i++) {
      const r = assertElement(await createForm(app, 'jen', { RoleId: ad, RequestedTTL: 60 }));
      made.push({ id: r.RequestId, at: clock.now() });
      assert.equal(r.CreationTime, wire(clock.now()));
      clock.advance(HOUR + 431);
      await t().tick();
    }
    const from = iso(made[0]!.at + 1);
    const to = iso(made[2]!.at + 1);
    const inRange = await listRequests(app, 'jen', { $filter: `CreationTime gt datetime'${from}' and CreationTime lt datetime'${to}'` });
    assert.deepEqual(inRange.map((r) => r.RequestId).sort(), [made[1]!.id, made[2]!.id].sort());
    // The exact reference text parses (and matches nothing from 2015).
    const ref = "CreationTime gt datetime'2015-06-12T04:49:32.431Z' and CreationTime lt datetime'2015-07-13T04:49:32.432Z'";
    assert.deepEqual(await listRequests(app, 'jen', { $filter: ref }), []);
    // The reference's ExpirationTime range form too.
    const exp = `ExpirationTime gt datetime'${iso(made[0]!.at)}' and ExpirationTime lt datetime'${iso(made[3]!.at + 2 * HOUR)}'`;
    assert.equal((await listRequests(app, 'jen', { $filter: exp })).length, 4);
    // The filter path the reference example uses literally, with %20 and raw quotes.
    const raw = await get(
      app,
      `${API}/pamrequests?$filter=CreationTime%20gt%20datetime'${from}'%20and%20CreationTime%20lt%20datetime'${to}'`,
      'jen',
    );
    assert.equal(raw.statusCode, 200, raw.body);
    assert.equal((raw.json() as { value: unknown[] }).value.length, 2);
  });

  test('filters on status, TTL and ordering', async () => {
    const { app, clock } = t();
    const ad = await roleId(app, 'Allow AD Access');
    const ap = await roleId(app, 'ApprovalRole');
    const a = assertElement(await createForm(app, 'jen', { RoleId: ad, RequestedTTL: 600 }));
    clock.advance(MINUTE);
    const p = assertElement(await createForm(app, 'jen', { RoleId: ap, RequestedTTL: 1200 }));
    assert.deepEqual((await listRequests(app, 'jen', { $filter: "RequestStatus eq 'PendingApproval'" })).map((r) => r.RequestId), [p.RequestId]);
    assert.deepEqual((await listRequests(app, 'jen', { $filter: "RequestedTTL eq '600'" })).map((r) => r.RequestId), [a.RequestId]);
    assert.deepEqual((await listRequests(app, 'jen', { $filter: `RoleId eq guid'${ap}'` })).map((r) => r.RequestId), [p.RequestId]);
    assert.deepEqual((await listRequests(app, 'jen', { $orderby: 'CreationTime desc' })).map((r) => r.RequestId), [p.RequestId, a.RequestId]);
    assert.deepEqual((await listRequests(app, 'jen', { $orderby: 'CreationTime', $top: 1 })).map((r) => r.RequestId), [a.RequestId]);
    assert.deepEqual((await listRequests(app, 'jen', { $filter: "ExpirationTime eq datetime'0001-01-01T00:00:00'" })).map((r) => r.RequestId), [p.RequestId]);
    assertODataError(await get(app, `${API}/pamrequests${qs({ $filter: "RequestStatus eq 'active'" })}`, 'jen'), 400);
    assert.match(assertODataError(await get(app, `${API}/pamrequests${qs({ $filter: "Status eq 'Active'" })}`, 'jen'), 400).message, /Status/);
  });

  test('not (…) is the complement, requests without a justification included', async () => {
    // BUG (src/adapters/store/kysely/filter-sql.ts): `not (Justification eq 'x')` drops requests whose
    // Justification is null, because SQL's `null = 'x'` is NULL and `not NULL` is NULL; OData reads
    // null eq 'x' as false. `Justification ne 'x'` (compiled null-safe) keeps them.
    const { app, clock } = t();
    const ad = await roleId(app, 'Allow AD Access');
    const ap = await roleId(app, 'ApprovalRole');
    assertElement(await createForm(app, 'jen', { RoleId: ad, RequestedTTL: 600, Justification: 'x' }));
    clock.advance(MINUTE);
    assertElement(await createForm(app, 'jen', { RoleId: ap, RequestedTTL: 1200 }));
    const all = (await listRequests(app, 'jen')).map((r) => r.RequestId).sort();
    for (const f of ["Justification eq 'x'", "RequestStatus eq 'Active'", "RequestedTTL gt 700", "ExpirationTime gt datetime'2026-01-05T10:00:00Z'"]) {
      const yes = (await listRequests(app, 'jen', { $filter: f })).map((r) => r.RequestId);
      const no = (await listRequests(app, 'jen', { $filter: `not (${f})` })).map((r) => r.RequestId);
      assert.deepEqual([...yes, ...no].sort(), all, `${f} and not (${f}) partition the history`);
    }
  });
});
