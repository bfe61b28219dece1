import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { DEMO_TOTP_SECRET } from '../../src/app/demo.js';
import { API, type TestApp, basic, makeApp, roleId } from '../support/harness.js';

/**
 * Issue 11, finding 2: the limit of 5 wrong codes was per request, so a new request after every 5
 * guesses went on guessing (about 16,000 a minute). The loops below are the reviewer's, on the
 * harness's fake clock: whenever the server says to wait, the attacker waits exactly that long.
 */
type Json = Record<string, unknown>;
const form = { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' };
const code = (secret: string, at: number) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: at });
const errorOf = (res: LightMyRequestResponse) => res.json()['odata.error'] as { code: string; message: { value: string } };

function call(t: TestApp, method: 'GET' | 'POST' | 'DELETE', url: string, login: string, payload?: Json): Promise<LightMyRequestResponse> {
  return t.app.inject({ method, url, headers: basic(login), ...(payload && { payload }) });
}

/** Waits as a 429 asks (Retry-After, in seconds) and says whether it did. */
function honourRetryAfter(t: TestApp, res: LightMyRequestResponse): boolean {
  if (res.statusCode !== 429) return false;
  const wait = Number(res.headers['retry-after']);
  assert.ok(Number.isInteger(wait) && wait > 0, `429 carries Retry-After: ${JSON.stringify(res.headers)}`);
  assert.equal(errorOf(res).code, 'TooManyAttempts');
  t.clock.advance(wait * 1000);
  return true;
}

describe('issue 11 finding 2: MFA codes cannot be brute-forced across requests', () => {
  let t: TestApp;
  let annSecret: string;
  before(async () => {
    t = await makeApp();
    const vault = await call(t, 'POST', '/api/admin/roles', 'admin', {
      name: 'Vault', ttlSeconds: 3600, approvalRequired: true, approverMfaRequired: true, approvers: ['ann'], candidates: ['jen'], groups: ['Approved Operators'],
    });
    assert.equal(vault.statusCode, 201, vault.body);
    annSecret = (await call(t, 'POST', '/api/admin/users/ann/totp', 'admin')).json().secret;
  });
  after(async () => t.destroy());

  async function newMfaRequest(): Promise<string> {
    for (;;) {
      const res = await t.app.inject({ method: 'POST', url: `${API}/pamrequests`, headers: { ...basic('jen'), ...form }, payload: `RoleId=${await roleId(t.app, 'MFA Role')}&RequestedTTL=600` });
      if (honourRetryAfter(t, res)) continue;
      assert.equal(res.statusCode, 201, res.body);
      return res.json().RequestId;
    }
  }
  const verify = (id: string, c: string) => t.app.inject({ method: 'POST', url: `${API}/pamrequests(guid'${id}')/VerifyMFA`, headers: { ...basic('jen'), ...form }, payload: `Code=${c}` });

  test('guessing across new requests ends in a lockout: the right code then does not activate; an administrator sees and lifts it', async () => {
    let guesses = 0;
    let locked: LightMyRequestResponse | undefined;
    // The reviewer made 278 requests of 5 guesses each; a lockout must come long before.
    for (let r = 0; r < 278 && !locked; r++) {
      const id = await newMfaRequest();
      for (let g = 0; g < 5 && !locked; g++) {
        const res = await verify(id, String(100000 + guesses).padStart(6, '0'));
        if (honourRetryAfter(t, res)) continue;
        if (res.statusCode === 409) break; // this request was refused after its own 5 failures
        if (errorOf(res).code === 'MfaLocked') locked = res;
        else guesses++;
      }
    }
    assert.ok(locked, `no lockout after ${guesses} wrong guesses`);
    assert.ok(guesses <= 10, `${guesses} guesses were checked before the lockout`);
    assert.equal(locked.statusCode, 403);

    // During the lockout the right code is not even checked: a new request stays PendingMFA.
    t.clock.advance(3600_000);
    const id = await newMfaRequest();
    const right = await verify(id, code(DEMO_TOTP_SECRET, t.clock.now()));
    assert.equal(right.statusCode, 403, right.body);
    assert.equal(errorOf(right).code, 'MfaLocked');
    assert.match(errorOf(right).message.value, /administrator/);

    // The administrator sees it (API), lifts it (audited), and the right code works again.
    const users = (await call(t, 'GET', '/api/admin/users', 'admin')).json().value as Json[];
    const jen = users.find((u) => u.login === 'jen')!;
    assert.equal((jen.mfaLockout as Json).locked, true, JSON.stringify(jen));
    assert.ok((jen.mfaLockout as Json).failures as number >= 10);
    assert.equal((users.find((u) => u.login === 'ann')!.mfaLockout as Json).locked, false);
    assert.equal((await call(t, 'DELETE', '/api/admin/users/jen/mfa/lockout', 'ann')).statusCode, 403);
    assert.equal((await call(t, 'DELETE', '/api/admin/users/jen/mfa/lockout', 'admin')).statusCode, 204);
    assert.equal(((await call(t, 'GET', '/api/admin/users/jen', 'admin')).json().mfaLockout as Json).locked, false);
    const audit = (action: string) => call(t, 'GET', `/api/admin/audit?action=${action}`, 'admin').then((r) => r.json().value as Json[]);
    assert.equal((await audit('mfa.locked')).length, 1);
    assert.equal((await audit('mfa.unlocked')).length, 1);

    t.clock.advance(30_000);
    const after = await verify(id, code(DEMO_TOTP_SECRET, t.clock.now()));
    assert.equal(after.statusCode, 200, after.body);
    assert.equal(after.json().RequestStatus, 'Active');
  });

  test('failures back off: after a few, the next attempt waits (429 with Retry-After) and is not checked', async () => {
    t.clock.advance(60_000); // past the time step the last test's code spent
    const id = await newMfaRequest();
    const id2 = await newMfaRequest();
    let waited: LightMyRequestResponse | undefined;
    for (let i = 0; i < 6 && !waited; i++) {
      const res = await verify(i < 4 ? id : id2, '000000');
      if (res.statusCode === 429) waited = res;
    }
    assert.ok(waited, 'a wait after repeated failures');
    const wait = Number(waited.headers['retry-after']);
    // The right code during the wait is refused without being checked, and spends nothing.
    const during = await verify(id2, code(DEMO_TOTP_SECRET, t.clock.now() + 60_000));
    assert.equal(during.statusCode, 429);
    t.clock.advance(wait * 1000);
    const ok = await verify(id2, code(DEMO_TOTP_SECRET, t.clock.now()));
    assert.equal(ok.json().RequestStatus, 'Active', ok.body);
  });

  test('an approver guessing step-up codes across approvals is locked out too', async () => {
    let locked: LightMyRequestResponse | undefined;
    let guesses = 0;
    for (let r = 0; r < 50 && !locked; r++) {
      const created = await call(t, 'POST', `${API}/pamrequests`, 'jen', { RoleId: await roleId(t.app, 'Vault'), RequestedTTL: '600' });
      if (honourRetryAfter(t, created)) continue;
      const requestId = created.json().RequestId as string;
      const approvals = (await call(t, 'GET', `${API}/pamrequeststoapprove`, 'ann')).json().value as { FIMRequestID: { Value: string }; ApprovalObjectID: { Value: string } }[];
      const approvalId = approvals.find((a) => a.FIMRequestID.Value === requestId)!.ApprovalObjectID.Value;
      for (let g = 0; g < 5 && !locked; g++) {
        const res = await call(t, 'POST', `${API}/pamrequeststoapprove(guid'${approvalId}')/Approve`, 'ann', { Code: String(200000 + guesses) });
        if (honourRetryAfter(t, res)) continue;
        if (errorOf(res).code === 'MfaLocked') locked = res;
        else if (/on this approval/.test(errorOf(res).message.value)) break;
        else guesses++;
      }
    }
    assert.ok(locked, `no lockout after ${guesses} wrong step-up codes`);
    assert.ok(guesses <= 10);
    const created = await call(t, 'POST', `${API}/pamrequests`, 'jen', { RoleId: await roleId(t.app, 'Vault'), RequestedTTL: '600' });
    const requestId = created.json().RequestId as string;
    const approvals = (await call(t, 'GET', `${API}/pamrequeststoapprove`, 'ann')).json().value as { FIMRequestID: { Value: string }; ApprovalObjectID: { Value: string } }[];
    const approvalId = approvals.find((a) => a.FIMRequestID.Value === requestId)!.ApprovalObjectID.Value;
    const right = await call(t, 'POST', `${API}/pamrequeststoapprove(guid'${approvalId}')/Approve`, 'ann', { Code: code(annSecret, t.clock.now()) });
    assert.equal(right.statusCode, 403);
    assert.equal(errorOf(right).code, 'MfaLocked');
    const status = (await call(t, 'GET', `${API}/pamrequests?$filter=RequestId eq guid'${requestId}'`, 'jen')).json().value[0].RequestStatus;
    assert.equal(status, 'PendingApproval');
  });

  test('creating requests is rate limited per person: a clear 429 with Retry-After, other people unaffected', async () => {
    t.clock.advance(3600_000);
    const role = await roleId(t.app, 'Allow AD Access');
    const create = (login: string) => call(t, 'POST', `${API}/pamrequests`, login, { RoleId: role, RequestedTTL: '60' });
    let refused: LightMyRequestResponse | undefined;
    let made = 0;
    for (let i = 0; i < 100 && !refused; i++) {
      const res = await create('jen');
      if (res.statusCode === 429) refused = res;
      else made++;
    }
    assert.ok(refused, 'no limit after 100 requests');
    assert.equal(made, 30, 'the default allows 30 a minute');
    assert.equal(errorOf(refused).code, 'TooManyAttempts');
    assert.match(errorOf(refused).message.value, /requests/);
    const wait = Number(refused.headers['retry-after']);
    assert.ok(wait > 0 && wait <= 60);
    assert.equal((await create('ann')).statusCode, 201, 'ann is not limited by jen');
    t.clock.advance(wait * 1000);
    assert.equal((await create('jen')).statusCode, 201);
  });
});
