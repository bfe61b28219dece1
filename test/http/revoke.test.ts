/**
 * Taking access away through the administration API: revoke one request in any state, break-glass
 * revoke of a role or a person, disabling and locking accounts. After each, the embedded groups'
 * members must match the active grants exactly, and the requester's history says why it ended.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { API, basic, makeApp, roleId, type TestApp } from '../support/harness.js';
import { assertODataError, close, createJson, decide, listApprovals, listRequests, members } from './api/helpers.js';

const GROUPS = ['CORP Domain Admins', 'Approved Operators', 'MFA Protected Share', 'Business Hours Ops'];

let t: TestApp;
beforeEach(async () => {
  t = await makeApp();
});
afterEach(() => t.destroy());

async function activate(login: string, role: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await createJson(t.app, login, { RoleId: await roleId(t.app, role, login), RequestedTTL: '3600', Justification: 'work', ...extra });
  assert.equal(res.statusCode, 201, res.body);
  return (res.json() as { RequestId: string }).RequestId;
}

async function adminPost(url: string, payload?: Record<string, unknown>, login = 'admin') {
  return t.app.inject({ method: 'POST', url, headers: basic(login), ...(payload && { payload }) });
}

const revoke = (id: string, reason: unknown = 'stolen laptop', login = 'admin') => adminPost(`/api/admin/requests/${id}/revoke`, { reason } as Record<string, unknown>, login);

async function status(login: string, id: string): Promise<string> {
  return (await listRequests(t.app, login)).find((r) => r.RequestId === id)!.RequestStatus;
}

async function ending(login: string, id: string): Promise<{ EndReason: string | null; EndNote: string | null; RequestStatus: string } | undefined> {
  const res = await t.app.inject({ method: 'GET', url: `/api/me/endings?ids=${id}`, headers: basic(login) });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { value: { RequestId: string; EndReason: string | null; EndNote: string | null; RequestStatus: string }[] }).value.find((e) => e.RequestId === id);
}

/** Every embedded group: its members are exactly those the active grants explain. */
async function assertMembersMatchGrants(label: string): Promise<void> {
  const groups = ((await t.app.inject({ method: 'GET', url: '/api/admin/groups', headers: basic('admin') })).json() as { value: { name: string }[] }).value;
  assert.ok(groups.length >= GROUPS.length - 1);
  for (const { name: g } of groups) {
    for (const m of await members(t.app, g)) assert.equal(m.member, m.expected, `${label}: ${m.login} in ${g}: member ${m.member}, expected ${m.expected}`);
  }
}

async function memberLogins(group: string): Promise<string[]> {
  return (await members(t.app, group)).filter((m) => m.member).map((m) => m.login).sort();
}

async function holders(): Promise<string[]> {
  const res = await t.app.inject({ method: 'GET', url: '/api/admin/holdings', headers: basic('admin') });
  return (res.json() as { value: { login: string; roleName: string }[] }).value.map((h) => `${h.login}:${h.roleName}`).sort();
}

describe('POST /api/admin/requests/{RequestId}/revoke', () => {
  test('ends an active embedded-group elevation at once: member gone, Closed, and jen is told why', async () => {
    const id = await activate('jen', 'Allow AD Access');
    await activate('ann', 'Allow AD Access');
    assert.deepEqual(await memberLogins('CORP Domain Admins'), ['ann', 'jen']);
    const res = await revoke(id, '  stolen laptop  ');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as Record<string, unknown>;
    assert.equal(body.requestId, id);
    assert.equal(body.login, 'jen');
    assert.equal(body.roleName, 'Allow AD Access');
    assert.equal(body.status, 'Closed');
    assert.equal(body.endReason, 'revoked');
    assert.equal(body.endNote, 'stolen laptop');
    assert.deepEqual(await memberLogins('CORP Domain Admins'), ['ann']);
    assert.deepEqual(await holders(), ['ann:Allow AD Access']);
    await assertMembersMatchGrants('after a revoke');
    assert.equal(await status('jen', id), 'Closed');
    const e = (await ending('jen', id)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(e).sort(), ['EndNote', 'EndReason', 'EndedTime', 'RequestId', 'RequestStatus']);
    assert.deepEqual([e.RequestStatus, e.EndReason, e.EndNote, e.EndedTime], ['Closed', 'revoked', 'stolen laptop', new Date(t.clock.now()).toISOString().replace('.000Z', 'Z')]);
    // Only her own: ann asking about jen's request hears nothing.
    assert.equal(await ending('ann', id), undefined);
    // The MIM shape of pamrequests is untouched: no extension field leaks into it.
    const wire = (await listRequests(t.app, 'jen')).find((r) => r.RequestId === id)!;
    assert.equal('EndReason' in wire, false);
    // Audited with the actor and the reason.
    const audit = await t.app.inject({ method: 'GET', url: `/api/admin/audit?requestId=${id}&action=request.revoked`, headers: basic('admin') });
    const entries = (audit.json() as { value: { actorId: string; after: { reason: string } }[] }).value;
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.after.reason, 'stolen laptop');
    const adminId = ((await t.app.inject({ method: 'GET', url: '/api/admin/users/admin', headers: basic('admin') })).json() as { id: string }).id;
    assert.equal(entries[0]!.actorId, adminId);
  });

  test('a pending approval ends: the approver no longer sees it and cannot approve it', async () => {
    const id = await activate('jen', 'ApprovalRole');
    const approval = (await listApprovals(t.app, 'ann')).find((a) => a.FIMRequestID.Value === id)!;
    assert.ok(approval);
    assert.equal((await revoke(id, 'not needed any more')).statusCode, 200);
    assert.deepEqual(await listApprovals(t.app, 'ann'), []);
    assertODataError(await decide(t.app, 'ann', approval.ApprovalObjectID.Value, 'Approve'), [404, 409]);
    assert.equal(await status('jen', id), 'Closed');
    assert.deepEqual(await memberLogins('Approved Operators'), []);
    assert.equal((await ending('jen', id))!.EndNote, 'not needed any more');
  });

  test('a scheduled request never starts', async () => {
    const later = new Date(t.clock.now() + 3_600_000).toISOString();
    const id = await activate('jen', 'Allow AD Access', { RequestedTime: later });
    assert.equal(await status('jen', id), 'Scheduled');
    assert.equal((await revoke(id)).statusCode, 200);
    t.clock.advance(2 * 3_600_000);
    await t.tick();
    assert.equal(await status('jen', id), 'Closed');
    assert.deepEqual(await memberLogins('CORP Domain Admins'), []);
  });

  test('404 for an unknown id, 409 for one already ended, 400 without a reason; none changes anything', async () => {
    const id = await activate('jen', 'Allow AD Access');
    assertODataError(await revoke('00000000-0000-4000-8000-000000000000'), 404);
    assertODataError(await revoke(id, ''), 400);
    assertODataError(await revoke(id, '   '), 400);
    assertODataError(await adminPost(`/api/admin/requests/${id}/revoke`, {}), 400);
    assertODataError(await adminPost(`/api/admin/requests/${id}/revoke`, { reason: 'x', extra: 1 }), 400);
    assert.equal(await status('jen', id), 'Active');
    assert.equal((await close(t.app, 'jen', id)).statusCode, 200);
    assertODataError(await revoke(id), 409);
    assert.equal((await ending('jen', id))!.EndReason, 'closed');
  });

  test('only administrators: jen and ann are refused and nothing changes', async () => {
    const id = await activate('jen', 'Allow AD Access');
    assertODataError(await revoke(id, 'mine', 'jen'), 403);
    assertODataError(await revoke(id, 'hers', 'ann'), 403);
    assertODataError(await t.app.inject({ method: 'POST', url: `/api/admin/requests/${id}/revoke`, payload: { reason: 'x' } }), 401);
    assertODataError(await adminPost('/api/admin/revoke', { role: 'Allow AD Access', reason: 'x' }, 'jen'), 403);
    assertODataError(await adminPost('/api/admin/users/jen/lock', { reason: 'x' }, 'ann'), 403);
    assert.equal(await status('jen', id), 'Active');
    assert.deepEqual(await memberLogins('CORP Domain Admins'), ['jen']);
  });
});

describe('break-glass: POST /api/admin/revoke', () => {
  test('--all --role ends every request of the role, held or waiting, in one audited action', async () => {
    const jen = await activate('jen', 'Allow AD Access');
    const ann = await activate('ann', 'Allow AD Access');
    const other = await activate('jen', 'Business Hours');
    const res = await adminPost('/api/admin/revoke', { role: 'Allow AD Access', reason: 'domain compromise' });
    assert.equal(res.statusCode, 200, res.body);
    const ended = (res.json() as { value: { requestId: string; status: string; endNote: string }[] }).value;
    assert.deepEqual(ended.map((r) => r.requestId).sort(), [jen, ann].sort());
    assert.ok(ended.every((r) => r.status === 'Closed' && r.endNote === 'domain compromise'));
    assert.deepEqual(await memberLogins('CORP Domain Admins'), []);
    assert.equal(await status('jen', other), 'Active');
    await assertMembersMatchGrants('after revoke --all --role');
    const audit = await t.app.inject({ method: 'GET', url: '/api/admin/audit?action=request.revoked-all', headers: basic('admin') });
    const entries = (audit.json() as { value: { after: { requests: string[]; reason: string } }[] }).value;
    assert.equal(entries.length, 1);
    assert.deepEqual(entries[0]!.after.requests.sort(), [jen, ann].sort());
  });

  test('--all --user ends everything one person holds or waits for', async () => {
    const a = await activate('jen', 'Allow AD Access');
    const b = await activate('jen', 'ApprovalRole');
    const c = await activate('jen', 'Business Hours');
    const ann = await activate('ann', 'Allow AD Access');
    const res = await adminPost('/api/admin/revoke', { user: 'jen', reason: 'leaver' });
    assert.equal(res.statusCode, 200, res.body);
    for (const id of [a, b, c]) assert.equal(await status('jen', id), 'Closed');
    assert.equal(await status('ann', ann), 'Active');
    assert.deepEqual(await holders(), ['ann:Allow AD Access']);
    await assertMembersMatchGrants('after revoke --all --user');
    assertODataError(await adminPost('/api/admin/revoke', { reason: 'no scope' }), 400);
    assertODataError(await adminPost('/api/admin/revoke', { user: 'ghost', reason: 'x' }), 404);
  });
});

describe('disabling and locking an account', () => {
  async function signIn(login: string): Promise<{ cookie: string; csrf: string }> {
    const res = await t.app.inject({ method: 'POST', url: '/api/session/login', payload: { login, password: login } });
    assert.equal(res.statusCode, 200, res.body);
    return { cookie: `elevate_session=${res.cookies.find((c) => c.name === 'elevate_session')!.value}`, csrf: (res.json() as { csrfToken: string }).csrfToken };
  }

  async function jenEverywhere(): Promise<{ active: string; pending: string; scheduled: string }> {
    const active = await activate('jen', 'Allow AD Access');
    const pending = await activate('jen', 'ApprovalRole');
    const scheduled = await activate('jen', 'Business Hours', { RequestedTime: new Date(t.clock.now() + 3_600_000).toISOString() });
    return { active, pending, scheduled };
  }

  for (const how of ['disable', 'lock'] as const) {
    test(`${how}: every holding ends in the same call, memberships go, sessions die, sign-in and approvals are refused`, async () => {
      const jen = await jenEverywhere();
      const annActive = await activate('ann', 'Allow AD Access');
      const session = await signIn('jen');
      // ann, locked too, can no longer approve jen's requests; check her first with jen's pending one.
      const res =
        how === 'disable'
          ? await t.app.inject({ method: 'PATCH', url: '/api/admin/users/jen', headers: basic('admin'), payload: { disabled: true } })
          : await adminPost('/api/admin/users/jen/lock', { reason: 'laptop stolen', until: null });
      assert.equal(res.statusCode, 200, res.body);
      if (how === 'lock') {
        const body = res.json() as { user: { lock: { reason: string } | null }; ended: { requestId: string }[] };
        assert.equal(body.user.lock!.reason, 'laptop stolen');
        assert.deepEqual(body.ended.map((r) => r.requestId).sort(), Object.values(jen).sort());
      }
      assert.deepEqual(await holders(), ['ann:Allow AD Access']);
      assert.deepEqual(await memberLogins('CORP Domain Admins'), ['ann']);
      await assertMembersMatchGrants(how);
      assert.deepEqual(await listApprovals(t.app, 'ann'), [], 'the pending request is gone from the approver');
      // Her session and her Basic credentials are refused.
      assertODataError(await t.app.inject({ method: 'GET', url: '/api/session', headers: { cookie: session.cookie } }), 401);
      assertODataError(await t.app.inject({ method: 'GET', url: `${API}/pamrequests`, headers: basic('jen') }), 401);
      assertODataError(await t.app.inject({ method: 'POST', url: '/api/session/login', payload: { login: 'jen', password: 'jen' } }), 401);
      // The scheduled one never starts.
      t.clock.advance(2 * 3_600_000);
      await t.tick();
      assert.deepEqual(await memberLogins('Business Hours Ops'), []);
      // Her history, read by an administrator, says why.
      const audit = await t.app.inject({ method: 'GET', url: `/api/admin/audit?requestId=${jen.active}`, headers: basic('admin') });
      const reasons = (audit.json() as { value: { after: { endReason?: string } | null }[] }).value.map((e) => e.after?.endReason).filter(Boolean);
      assert.ok(reasons.includes(how === 'disable' ? 'account-disabled' : 'account-locked'), JSON.stringify(reasons));
      assert.equal(annActive.length > 0, true);
    });
  }

  test('a locked approver cannot approve; after unlock she signs in again but nothing comes back', async () => {
    const pending = await activate('jen', 'ApprovalRole');
    const approvalId = (await listApprovals(t.app, 'ann'))[0]!.ApprovalObjectID.Value;
    const annHeld = await activate('ann', 'Allow AD Access');
    assert.equal((await adminPost('/api/admin/users/ann/lock', { reason: 'investigation' })).statusCode, 200);
    assertODataError(await decide(t.app, 'ann', approvalId, 'Approve'), 401);
    assert.equal(await status('jen', pending), 'PendingApproval');
    assert.equal((await adminPost('/api/admin/users/ann/unlock')).statusCode, 200);
    assertODataError(await adminPost('/api/admin/users/ann/unlock'), 409);
    assert.equal(await status('ann', annHeld), 'Closed');
    assert.deepEqual(await holders(), []);
    assert.deepEqual(await memberLogins('CORP Domain Admins'), []);
    assert.equal((await ending('ann', annHeld))!.EndNote, 'investigation');
  });

  test('a lock with an end lapses by itself: sign-in works again, no elevation is restored', async () => {
    const held = await activate('jen', 'Allow AD Access');
    const until = new Date(t.clock.now() + 3_600_000).toISOString();
    assert.equal((await adminPost('/api/admin/users/jen/lock', { reason: 'cool-off', until })).statusCode, 200);
    assertODataError(await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic('jen') }), 401);
    t.clock.advance(3_600_000);
    assert.equal((await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic('jen') })).statusCode, 200);
    assert.equal(await status('jen', held), 'Closed');
    assert.deepEqual(await memberLogins('CORP Domain Admins'), []);
    assertODataError(await adminPost('/api/admin/users/jen/lock', { reason: 'x', until: new Date(t.clock.now() - 1000).toISOString() }), 400);
    assertODataError(await adminPost('/api/admin/users/jen/lock', { reason: '' }), 400);
    assertODataError(await adminPost('/api/admin/users/ghost/lock', { reason: 'x' }), 404);
  });

  test('re-enabling a disabled account restores sign-in but no elevation', async () => {
    const held = await activate('jen', 'Allow AD Access');
    await t.app.inject({ method: 'PATCH', url: '/api/admin/users/jen', headers: basic('admin'), payload: { disabled: true } });
    await t.app.inject({ method: 'PATCH', url: '/api/admin/users/jen', headers: basic('admin'), payload: { disabled: false } });
    assert.equal(await status('jen', held), 'Closed');
    assert.equal((await ending('jen', held))!.EndReason, 'account-disabled');
    assert.deepEqual(await memberLogins('CORP Domain Admins'), []);
  });
});

describe('admin changes never leave access behind', () => {
  const patchRole = (name: string, payload: Record<string, unknown>) =>
    t.app.inject({ method: 'PATCH', url: `/api/admin/roles/${encodeURIComponent(name)}`, headers: basic('admin'), payload });

  test('a role that stops granting a group: the membership goes, the elevation goes on with its other groups', async () => {
    assert.equal(
      (await patchRole('Allow AD Access', { groups: ['CORP Domain Admins', 'MFA Protected Share'] })).statusCode,
      200,
    );
    const jen = await activate('jen', 'Allow AD Access');
    // jen also holds MFA Protected Share through nothing else; ann holds it through Allow AD Access too.
    await activate('ann', 'Allow AD Access');
    assert.deepEqual(await memberLogins('MFA Protected Share'), ['ann', 'jen']);
    assert.equal((await patchRole('Allow AD Access', { groups: ['CORP Domain Admins'] })).statusCode, 200);
    assert.deepEqual(await memberLogins('MFA Protected Share'), []);
    assert.deepEqual(await memberLogins('CORP Domain Admins'), ['ann', 'jen']);
    assert.equal(await status('jen', jen), 'Active');
    await assertMembersMatchGrants('after a group left the role');
    // Ending the elevation later removes what it still grants.
    assert.equal((await close(t.app, 'jen', jen)).statusCode, 200);
    assert.deepEqual(await memberLogins('CORP Domain Admins'), ['ann']);
    await assertMembersMatchGrants('after the close');
  });

  test('a group another active grant still explains stays', async () => {
    assert.equal((await patchRole('Business Hours', { groups: ['Business Hours Ops', 'CORP Domain Admins'] })).statusCode, 200);
    await activate('jen', 'Allow AD Access');
    await activate('jen', 'Business Hours');
    assert.equal((await patchRole('Business Hours', { groups: ['Business Hours Ops'] })).statusCode, 200);
    assert.deepEqual(await memberLogins('CORP Domain Admins'), ['jen']);
    await assertMembersMatchGrants('shared group');
  });

  test('a person who stops being a candidate loses the elevation and their waiting requests, and is told why', async () => {
    const held = await activate('jen', 'Allow AD Access');
    const ann = await activate('ann', 'Allow AD Access');
    const pending = await activate('jen', 'ApprovalRole');
    assert.equal((await patchRole('Allow AD Access', { candidates: ['ann'] })).statusCode, 200);
    assert.equal((await patchRole('ApprovalRole', { candidates: ['ann'] })).statusCode, 200);
    assert.equal(await status('jen', held), 'Closed');
    assert.equal(await status('jen', pending), 'Closed');
    assert.equal(await status('ann', ann), 'Active');
    assert.deepEqual(await memberLogins('CORP Domain Admins'), ['ann']);
    assert.deepEqual(await listApprovals(t.app, 'ann'), []);
    const e = (await ending('jen', held))!;
    assert.equal(e.EndReason, 'role-changed');
    assert.match(e.EndNote!, /no longer a candidate for role 'Allow AD Access'/);
    await assertMembersMatchGrants('after a candidate left');
  });

  test('deleting a held role or group, or a person with history, is refused and leaves memberships as the grants say', async () => {
    await activate('jen', 'Allow AD Access');
    const del = (url: string) => t.app.inject({ method: 'DELETE', url, headers: basic('admin') });
    assertODataError(await del('/api/admin/roles/Allow%20AD%20Access'), 409);
    assertODataError(await del('/api/admin/groups/CORP%20Domain%20Admins'), 409);
    assertODataError(await del('/api/admin/users/jen'), 409);
    assert.deepEqual(await memberLogins('CORP Domain Admins'), ['jen']);
    await assertMembersMatchGrants('after refused deletions');
    // The way through: take the group out of the role, then the group can go; nothing is orphaned.
    assert.equal((await patchRole('Allow AD Access', { groups: [] })).statusCode, 200);
    assert.deepEqual(await memberLogins('CORP Domain Admins'), []);
    assert.equal((await del('/api/admin/groups/CORP%20Domain%20Admins')).statusCode, 204);
    await assertMembersMatchGrants('after the group went');
  });
});
