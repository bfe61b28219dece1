import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { AUDIT_ACTIONS, type AuditAction } from '../../src/domain/audit/actions.js';
import { API, basic, makeApp, roleId, type TestApp } from '../support/harness.js';

let t: TestApp;
beforeEach(async () => {
  t = await makeApp();
});
afterEach(async () => {
  await t.destroy();
});

type Entry = { action: string; requestId: string | null };
const audit = async (query: string): Promise<Entry[]> => {
  const res = await t.app.inject({ method: 'GET', url: `/api/admin/audit?${query}`, headers: basic('admin') });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().value;
};

test('a request’s whole life is audited under listed names, and records of the older spelling are found by either name', async () => {
  const rid = await roleId(t.app, 'Allow AD Access');
  const created = await t.app.inject({ method: 'POST', url: `${API}/pamrequests`, headers: basic('jen'), payload: { RoleId: rid, RequestedTTL: '600' } });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().RequestId as string;
  assert.equal((await t.app.inject({ method: 'POST', url: `${API}/pamrequests(guid'${id}')/Close`, headers: basic('jen') })).statusCode, 200);
  const life = (await audit(`requestId=${id}`)).map((e) => e.action);
  assert.deepEqual(life, ['request.created', 'membership.added', 'request.grant-confirmed', 'request.closed', 'membership.removed', 'request.revoke-confirmed']);
  for (const a of life) assert.ok((AUDIT_ACTIONS as readonly string[]).includes(a), a);

  // A record an older Elevate wrote (`request.${event.kind}`) stays as it is: the chain covers it.
  await t.core.store.transaction((tx) =>
    tx.audit.append({ at: t.clock.now(), actorId: null, action: 'request.Close' as AuditAction, targetType: 'request', targetId: id, requestId: id, before: null, after: null }),
  );
  for (const name of ['request.closed', 'request.Close']) {
    assert.deepEqual((await audit(`action=${name}`)).map((e) => e.action).sort(), ['request.Close', 'request.closed'], name);
  }
  assert.deepEqual((await audit('action=request.revoke-confirmed')).map((e) => e.action), ['request.revoke-confirmed']);
  assert.equal((await t.core.store.read((tx) => tx.audit.verifyChain())).brokenAtSeq, null);
});
