import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { API, type TestApp, basic, makeApp, roleId } from '../support/harness.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';

const PORTAL = 'http://localhost:8090';
const HOST = { host: 'localhost:8086' };

type Json = Record<string, unknown>;

function call(t: TestApp, method: 'GET' | 'POST' | 'PATCH', url: string, login: string, payload?: Json): Promise<LightMyRequestResponse> {
  return t.app.inject({ method, url, headers: { ...basic(login), ...HOST }, ...(payload && { payload }) });
}

const message = (res: LightMyRequestResponse) => res.json()['odata.error'].message.value as string;
const code = (secret: string, at: number) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: at });

describe('approver step-up MFA', () => {
  let t: TestApp;
  let annSecret: string;
  before(async () => {
    t = await makeApp({ config: { corsOrigins: [PORTAL] } });
    const role = await call(t, 'POST', '/api/admin/roles', 'admin', {
      name: 'Vault',
      ttlSeconds: 3600,
      approvalRequired: true,
      approverMfaRequired: true,
      approvers: ['ann'],
      candidates: ['jen'],
      groups: ['Approved Operators'],
    });
    assert.equal(role.statusCode, 201, role.body);
    assert.equal(role.json().approverMfaRequired, true);
    annSecret = (await call(t, 'POST', '/api/admin/users/ann/totp', 'admin')).json().secret;
  });
  after(async () => t.destroy());

  /** jen asks for Vault; returns the approval id ann decides. */
  async function pendingApproval(): Promise<{ requestId: string; approvalId: string }> {
    const res = await call(t, 'POST', `${API}/pamrequests`, 'jen', { RoleId: await roleId(t.app, 'Vault'), RequestedTTL: '600' });
    assert.equal(res.json().RequestStatus, 'PendingApproval', res.body);
    const requestId = res.json().RequestId as string;
    const approvals = (await call(t, 'GET', `${API}/pamrequeststoapprove`, 'ann')).json().value as { FIMRequestID: { Value: string }; ApprovalObjectID: { Value: string } }[];
    return { requestId, approvalId: approvals.find((a) => a.FIMRequestID.Value === requestId)!.ApprovalObjectID.Value };
  }
  const approve = (id: string, payload: Json = {}) => call(t, 'POST', `${API}/pamrequeststoapprove(guid'${id}')/Approve`, 'ann', payload);
  const statusOf = async (requestId: string) =>
    (await call(t, 'GET', `${API}/pamrequests?$filter=RequestId eq guid'${requestId}'`, 'jen')).json().value[0].RequestStatus as string;

  test('an approval without MFA is refused with a 403 naming Code and Passkey; the request keeps waiting', async () => {
    const { requestId, approvalId } = await pendingApproval();
    const res = await approve(approvalId, { Comment: 'ok' });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json()['odata.error'].code, 'MfaRequired');
    assert.match(message(res), /Code.*Passkey/);
    assert.equal(await statusOf(requestId), 'PendingApproval');
    // Rejecting takes nothing away from anyone's safety: no step-up needed.
    const reject = await call(t, 'POST', `${API}/pamrequeststoapprove(guid'${approvalId}')/Reject`, 'ann');
    assert.equal(reject.statusCode, 200, reject.body);
    assert.equal(await statusOf(requestId), 'Rejected');
  });

  test('a wrong code does not count and is audited; the right code approves; the same code again is a replay', async () => {
    const { requestId, approvalId } = await pendingApproval();
    const wrong = await approve(approvalId, { Code: '000000' });
    assert.equal(wrong.statusCode, 403);
    assert.match(message(wrong), /not valid.*4 attempt/);
    assert.equal(await statusOf(requestId), 'PendingApproval');
    const c = code(annSecret, t.clock.now());
    const ok = await t.app.inject({
      method: 'POST',
      url: `${API}/pamrequeststoapprove(guid'${approvalId}')/Approve`,
      headers: { ...basic('ann'), 'content-type': 'application/x-www-form-urlencoded' },
      payload: `Comment=fine&Code=${c}`,
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(await statusOf(requestId), 'Active');
    // The vote the approval is folded from records the factor ann passed; the wrong code cast none.
    const votes = (await t.core.store.read((tx) => tx.approvals.byId(approvalId)))!.votes;
    assert.deepEqual(votes.map((v) => [v.decision, v.comment, v.factor]), [['approve', 'fine', 'totp']]);

    const next = await pendingApproval();
    const replay = await approve(next.approvalId, { Code: c });
    assert.equal(replay.statusCode, 403);
    assert.match(message(replay), /already used/);

    const audit = (action: string) => call(t, 'GET', `/api/admin/audit?action=${action}`, 'admin').then((r) => r.json().value as Json[]);
    assert.equal((await audit('mfa.step-up.passed')).length, 1);
    const failed = await audit('mfa.step-up.failed');
    assert.equal(failed.length, 2);
    assert.ok(!JSON.stringify(failed).includes(c) && !JSON.stringify(failed).includes('000000'), 'codes never reach the audit trail');
    t.clock.advance(30_000);
    assert.equal((await approve(next.approvalId, { Code: code(annSecret, t.clock.now()) })).statusCode, 200);
  });

  test('five failures on one approval stop that approver from trying again on it', async () => {
    const { approvalId } = await pendingApproval();
    for (let i = 0; i < 5; i++) assert.equal((await approve(approvalId, { Code: '000000' })).statusCode, 403);
    t.clock.advance(30_000);
    const blocked = await approve(approvalId, { Code: code(annSecret, t.clock.now()) });
    assert.equal(blocked.statusCode, 403);
    assert.match(message(blocked), /Too many failed MFA attempts on this approval/);
  });

  test('a passkey assertion bound to the approval approves it; one for another approval does not', async () => {
    const annKey = new SoftAuthenticator(PORTAL);
    // Adding a passkey is proven with ann's authenticator (a password alone adds no factor).
    t.clock.advance(30_000);
    const reg = await call(t, 'POST', '/api/mfa/passkeys/options', 'ann', { Code: code(annSecret, t.clock.now()) });
    assert.equal(reg.statusCode, 200, reg.body);
    assert.equal((await call(t, 'POST', '/api/mfa/passkeys', 'ann', { name: 'Key', response: annKey.register(reg.json()) })).statusCode, 201);

    const a = await pendingApproval();
    const b = await pendingApproval();
    const optsA = await call(t, 'POST', `${API}/pamrequeststoapprove(guid'${a.approvalId}')/PasskeyOptions`, 'ann');
    assert.equal(optsA.statusCode, 200, optsA.body);
    const forA = annKey.assert(optsA.json());
    // Presented on b, whose own challenge was never asked for: refused.
    const crossed = await approve(b.approvalId, { Passkey: forA });
    assert.equal(crossed.statusCode, 403);
    assert.equal(await statusOf(b.requestId), 'PendingApproval');
    const ok = await approve(a.approvalId, { Comment: 'with a key', Passkey: forA });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(await statusOf(a.requestId), 'Active');
    assert.deepEqual((await t.core.store.read((tx) => tx.approvals.byId(a.approvalId)))!.votes.map((v) => v.factor), ['passkey']);
    // jen is not an approver of Vault: she cannot open a challenge on ann's approval.
    const stranger = await call(t, 'POST', `${API}/pamrequeststoapprove(guid'${b.approvalId}')/PasskeyOptions`, 'jen');
    assert.equal(stranger.statusCode, 403);
  });

  test('the flag can be turned off through the admin API, and then approvals need no step-up', async () => {
    const patch = await call(t, 'PATCH', '/api/admin/roles/Vault', 'admin', { approverMfaRequired: false });
    assert.equal(patch.statusCode, 200, patch.body);
    const { requestId, approvalId } = await pendingApproval();
    assert.equal((await approve(approvalId)).statusCode, 200);
    assert.equal(await statusOf(requestId), 'Active');
    assert.deepEqual((await t.core.store.read((tx) => tx.approvals.byId(approvalId)))!.votes.map((v) => v.factor), [null], 'no step-up, no factor');
  });
});
