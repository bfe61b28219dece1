/**
 * Candidate groups and standing members of embedded groups over the HTTP API (issue 14 §1): a role
 * listed to a member of its candidate group, a non-member refused exactly as a non-candidate, and
 * the two kinds of embedded group (granted, standing) kept apart, with refusals that change nothing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appPerTest, basic, roleId, type TestApp } from '../../support/harness.js';
import { assertElement, assertODataError, createJson, dataSnapshot, get, listRoles } from './helpers.js';

const admin = (t: TestApp, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/admin${url}`, headers: basic('admin'), ...(payload !== undefined && { payload: payload as object }) });

/** A standing embedded group DB Admins (jen), and role Prod DB that its members may request. */
async function setUp(t: TestApp): Promise<string> {
  assert.equal((await admin(t, 'POST', '/groups', { name: 'DB Admins' })).statusCode, 201);
  assert.equal((await admin(t, 'POST', '/groups', { name: 'Prod DB Access' })).statusCode, 201);
  const set = await admin(t, 'PUT', '/groups/DB%20Admins/members', { members: ['jen'] });
  assert.equal(set.statusCode, 200, set.body);
  assert.deepEqual(set.json(), { group: 'DB Admins', members: [{ login: 'jen', displayName: 'Jen' }], added: ['jen'], removed: [] });
  const role = await admin(t, 'POST', '/roles', { name: 'Prod DB', ttlSeconds: 3600, groups: ['Prod DB Access'], candidateGroups: ['DB Admins'] });
  assert.equal(role.statusCode, 201, role.body);
  assert.deepEqual(role.json().candidateGroups, ['DB Admins']);
  assert.deepEqual(role.json().candidates, []);
  return roleId(t.app, 'Prod DB');
}

describe('candidate groups', () => {
  const t = appPerTest();

  test('a member of a candidate group sees the role and may request it; a non-member is refused as a non-candidate', async () => {
    const id = await setUp(t());
    assert.ok((await listRoles(t().app, 'jen')).some((r) => r.RoleId === id));
    assert.ok(!(await listRoles(t().app, 'ann')).some((r) => r.RoleId === id));
    assert.equal(assertElement(await createJson(t().app, 'jen', { RoleId: id, RequestedTTL: 600 })).RequestStatus, 'Active');

    // ann's refusal is exactly what an id nobody ever used gets (status, code, message shape).
    const before = await dataSnapshot(t().app);
    const refused = assertODataError(await createJson(t().app, 'ann', { RoleId: id, RequestedTTL: 600 }));
    const unknownId = '0c8b8f0e-6a51-4f43-9a0e-2b9a6a1b7d11';
    const unknown = assertODataError(await createJson(t().app, 'ann', { RoleId: unknownId, RequestedTTL: 600 }));
    assert.equal(refused.code, unknown.code);
    assert.equal(refused.message, unknown.message.replace(unknownId, id));
    assert.deepEqual(await dataSnapshot(t().app), before, 'nothing stored changed');
  });

  test('a removed member cannot create a request at once', async () => {
    const id = await setUp(t());
    assert.ok((await listRoles(t().app, 'jen')).some((r) => r.RoleId === id), 'listed (and so cached)');
    const removed = await admin(t(), 'DELETE', '/groups/DB%20Admins/members/jen');
    assert.equal(removed.statusCode, 200, removed.body);
    assert.deepEqual(removed.json().removed, ['jen']);
    assertODataError(await createJson(t().app, 'jen', { RoleId: id, RequestedTTL: 600 }), 404);
  });

  test('a candidate group the role grants is refused with 400, and nothing changes', async () => {
    await setUp(t());
    const before = await dataSnapshot(t().app);
    const res = await admin(t(), 'PATCH', '/roles/Prod%20DB', { candidateGroups: ['DB Admins', 'Prod DB Access'] });
    assert.equal(res.statusCode, 400, res.body);
    assert.match(assertODataError(res).message, /candidate group cannot be a group the role grants.*Prod DB Access/);
    assert.deepEqual(await dataSnapshot(t().app), before);
  });
});

describe('standing members of embedded groups', () => {
  const t = appPerTest();

  test('setting members of a group a role grants is refused with 409 naming the roles, and nothing changes', async () => {
    const before = await dataSnapshot(t().app);
    for (const [method, url, payload] of [
      ['PUT', '/groups/CORP%20Domain%20Admins/members', { members: ['ann'] }],
      ['POST', '/groups/CORP%20Domain%20Admins/members', { members: ['ann'] }],
      ['DELETE', '/groups/CORP%20Domain%20Admins/members/jen', undefined],
    ] as const) {
      const res = await admin(t(), method, url, payload);
      assert.equal(res.statusCode, 409, `${method} ${url}: ${res.body}`);
      assert.match(assertODataError(res).message, /granted by role\(s\) 'Allow AD Access'/);
    }
    assert.deepEqual(await dataSnapshot(t().app), before);
  });

  test('a role cannot start granting a group with standing members', async () => {
    await setUp(t());
    const before = await dataSnapshot(t().app);
    const res = await admin(t(), 'PATCH', '/roles/Allow%20AD%20Access', { groups: ['CORP Domain Admins', 'DB Admins'] });
    assert.equal(res.statusCode, 409, res.body);
    assert.match(assertODataError(res).message, /cannot grant group 'DB Admins': it has 1 standing member/);
    assert.deepEqual(await dataSnapshot(t().app), before);
    // Emptied, the group may be granted; from then on it is a granted group.
    assert.equal((await admin(t(), 'PUT', '/groups/DB%20Admins/members', { members: [] })).statusCode, 200);
    assert.equal((await admin(t(), 'PATCH', '/roles/Allow%20AD%20Access', { groups: ['CORP Domain Admins', 'DB Admins'] })).statusCode, 200);
    const listed = await get(t().app, '/api/admin/groups/DB%20Admins/members', 'admin');
    assert.deepEqual({ kind: listed.json().kind, grantedBy: listed.json().grantedBy }, { kind: 'granted', grantedBy: ['Allow AD Access'] });
  });

  test('a member edit and a role starting to grant the group, at the same moment: exactly one wins', async () => {
    assert.equal((await admin(t(), 'POST', '/groups', { name: 'Contested' })).statusCode, 201);
    // Without the group's row lock, PostgreSQL let both pass within a few rounds (tried).
    for (let i = 0; i < 5; i++) {
      const [members, role] = await Promise.all([
        admin(t(), 'PUT', '/groups/Contested/members', { members: ['jen'] }),
        admin(t(), 'PATCH', '/roles/Allow%20AD%20Access', { groups: ['CORP Domain Admins', 'Contested'] }),
      ]);
      const outcome = [members.statusCode, role.statusCode];
      assert.ok(JSON.stringify(outcome) === '[200,409]' || JSON.stringify(outcome) === '[409,200]', `round ${i}: ${outcome} ${members.body} ${role.body}`);
      const listed = (await get(t().app, '/api/admin/groups/Contested/members', 'admin')).json() as { kind: string; value: unknown[] };
      // Never both: a granted group with a standing member.
      assert.ok(!(listed.kind === 'granted' && listed.value.length > 0), JSON.stringify(listed));
      // Back to the start for the next round.
      assert.equal((await admin(t(), 'PATCH', '/roles/Allow%20AD%20Access', { groups: ['CORP Domain Admins'] })).statusCode, 200);
      assert.equal((await admin(t(), 'PUT', '/groups/Contested/members', { members: [] })).statusCode, 200);
    }
  });

  test('add, replace and remove are audited; bad input is a 4xx that changes nothing', async () => {
    await setUp(t());
    const added = await admin(t(), 'POST', '/groups/DB%20Admins/members', { members: ['ann', 'jen'] });
    assert.deepEqual({ added: added.json().added, members: added.json().members.map((m: { login: string }) => m.login) }, { added: ['ann'], members: ['ann', 'jen'] });
    const replaced = await admin(t(), 'PUT', '/groups/DB%20Admins/members', { members: ['ann'] });
    assert.deepEqual({ added: replaced.json().added, removed: replaced.json().removed }, { added: [], removed: ['jen'] });
    const listed = await get(t().app, '/api/admin/groups/DB%20Admins/members', 'admin');
    assert.equal(listed.json().kind, 'standing');
    assert.deepEqual(listed.json().value.map((m: { login: string }) => m.login), ['ann']);
    const audit = (await get(t().app, '/api/admin/audit?limit=10000', 'admin')).json().value as { action: string; targetId: string; actorId: string }[];
    assert.deepEqual(
      audit.filter((e) => e.action.startsWith('group.member-')).map((e) => [e.action, e.targetId]),
      [
        ['group.member-added', 'DB Admins/jen'],
        ['group.member-added', 'DB Admins/ann'],
        ['group.member-removed', 'DB Admins/jen'],
      ],
    );

    const before = await dataSnapshot(t().app);
    for (const [method, url, payload, status] of [
      ['PUT', '/groups/DB%20Admins/members', { members: ['ann', 'nobody-here'] }, 404],
      ['PUT', '/groups/DB%20Admins/members', { members: 'ann' }, 400],
      ['PUT', '/groups/DB%20Admins/members', { members: ['ann'], extra: 1 }, 400],
      ['POST', '/groups/No%20Such%20Group/members', { members: ['ann'] }, 404],
    ] as const) {
      const res = await admin(t(), method, url, payload);
      assert.equal(res.statusCode, status, `${method} ${url} ${JSON.stringify(payload)}: ${res.body}`);
      assertODataError(res);
    }
    assert.deepEqual(await dataSnapshot(t().app), before);
  });

  test('apply sets standing members and candidate groups; export round-trips them', async () => {
    await setUp(t());
    const exported = await admin(t(), 'GET', '/policy/export');
    assert.equal(exported.statusCode, 200, exported.body);
    const doc = exported.json() as { groups: { name: string; members?: string[] }[]; roles: { name: string; candidateGroups: string[] }[] };
    assert.deepEqual(doc.groups.find((g) => g.name === 'DB Admins')?.members, ['jen']);
    assert.equal(doc.groups.find((g) => g.name === 'CORP Domain Admins')?.members, undefined, 'a granted group has no standing members to export');
    assert.deepEqual(doc.roles.find((r) => r.name === 'Prod DB')?.candidateGroups, ['DB Admins']);
    const again = await admin(t(), 'POST', '/policy/plan', doc);
    assert.equal(again.statusCode, 200, again.body);
    assert.deepEqual(again.json().steps, [], 'the export applies as no change');

    doc.groups.find((g) => g.name === 'DB Admins')!.members = ['ann'];
    const plan = await admin(t(), 'POST', '/policy/plan', doc);
    assert.deepEqual(plan.json().steps, [{ action: 'change', kind: 'group', name: 'DB Admins', changes: [{ field: 'members', from: ['jen'], to: ['ann'] }] }]);
    assert.equal((await admin(t(), 'POST', '/policy/apply', doc)).statusCode, 200);
    const listed = await get(t().app, '/api/admin/groups/DB%20Admins/members', 'admin');
    assert.deepEqual(listed.json().value.map((m: { login: string }) => m.login), ['ann']);

    // Members on a granted group in a file are refused, with the rest of the file.
    doc.groups.find((g) => g.name === 'CORP Domain Admins')!.members = ['ann'];
    const refused = await admin(t(), 'POST', '/policy/apply', doc);
    assert.equal(refused.statusCode, 400, refused.body);
    assert.match(assertODataError(refused).message, /groups\[\d+\] \(CORP Domain Admins\): Group 'CORP Domain Admins' is granted by role\(s\) 'Allow AD Access'/);
  });
});

