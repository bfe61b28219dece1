import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { DEMO_TOTP_SECRET } from '../../src/app/demo.js';
import { API, type TestApp, basic, makeApp, roleId } from '../support/harness.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';

/**
 * Issue 11, finding 1: a factor could be added or removed with the password alone, so the second
 * factor protected nothing. Each attack below is the reviewer's, step by step.
 */
const PORTAL = 'http://localhost:8090';
const HOST = { host: 'localhost:8086' };
type Json = Record<string, unknown>;

function call(t: TestApp, method: 'GET' | 'POST' | 'DELETE', url: string, login: string, payload?: Json): Promise<LightMyRequestResponse> {
  return t.app.inject({ method, url, headers: { ...basic(login), ...HOST }, ...(payload && { payload }) });
}
const errorCode = (res: LightMyRequestResponse) => res.json()['odata.error']?.code as string | undefined;
const code = (secret: string, at: number) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: at });

/** The attacker's moves with only a password: register a passkey of their own. */
async function registerWithPasswordOnly(t: TestApp, login: string, attacker: SoftAuthenticator) {
  const options = await call(t, 'POST', '/api/mfa/passkeys/options', login);
  const registered = options.statusCode === 200 ? await call(t, 'POST', '/api/mfa/passkeys', login, { name: 'Attacker', response: attacker.register(options.json()) }) : options;
  return { options, registered };
}

describe('issue 11 finding 1: a factor cannot be added or removed with the password alone', () => {
  let t: TestApp;
  before(async () => {
    t = await makeApp({ config: { corsOrigins: [PORTAL] } });
    const vault = await call(t, 'POST', '/api/admin/roles', 'admin', {
      name: 'Vault', ttlSeconds: 3600, approvalRequired: true, approverMfaRequired: true, approvers: ['ann'], candidates: ['jen'], groups: ['Approved Operators'],
    });
    assert.equal(vault.statusCode, 201, vault.body);
    // ann has a confirmed authenticator an administrator provisioned; the attacker does not hold it.
    assert.equal((await call(t, 'POST', '/api/admin/users/ann/totp', 'admin')).statusCode, 201);
    // bob has a password and no factor yet.
    assert.equal((await call(t, 'POST', '/api/admin/users', 'admin', { login: 'bob', password: 'bob' })).statusCode, 201);
  });
  after(async () => t.destroy());

  test("jen's password alone: no passkey is registered, and the MFA Role's challenge is not passed with one", async () => {
    const attacker = new SoftAuthenticator(PORTAL);
    const { options, registered } = await registerWithPasswordOnly(t, 'jen', attacker);
    // The rest of the reviewer's attack: ask for MFA Role and answer its challenge with that passkey.
    const created = await call(t, 'POST', `${API}/pamrequests`, 'jen', { RoleId: await roleId(t.app, 'MFA Role'), RequestedTTL: '600' });
    const id = created.json().RequestId as string;
    const challenge = await call(t, 'POST', `${API}/pamrequests(guid'${id}')/PasskeyOptions`, 'jen');
    const answered = challenge.statusCode === 200 ? await call(t, 'POST', `${API}/pamrequests(guid'${id}')/VerifyPasskey`, 'jen', { Passkey: attacker.assert(challenge.json()) }) : challenge;
    const status = (await call(t, 'GET', `${API}/pamrequests?$filter=RequestId eq guid'${id}'`, 'jen')).json().value[0].RequestStatus;

    assert.equal(options.statusCode, 403, `registration options with the password alone: ${options.body}`);
    assert.equal(errorCode(options), 'MfaRequired');
    assert.notEqual(registered.statusCode, 201);
    assert.notEqual(answered.statusCode, 200);
    assert.equal(status, 'PendingMFA');
    assert.deepEqual((await call(t, 'GET', '/api/mfa', 'jen')).json().passkeys, []);
  });

  test("ann's password alone: no passkey, so the approver step-up of a role with approverMfaRequired is not passed", async () => {
    const attacker = new SoftAuthenticator(PORTAL);
    const { registered } = await registerWithPasswordOnly(t, 'ann', attacker);
    const created = await call(t, 'POST', `${API}/pamrequests`, 'jen', { RoleId: await roleId(t.app, 'Vault'), RequestedTTL: '600' });
    const requestId = created.json().RequestId as string;
    const approvals = (await call(t, 'GET', `${API}/pamrequeststoapprove`, 'ann')).json().value as { FIMRequestID: { Value: string }; ApprovalObjectID: { Value: string } }[];
    const approvalId = approvals.find((a) => a.FIMRequestID.Value === requestId)!.ApprovalObjectID.Value;
    const opts = await call(t, 'POST', `${API}/pamrequeststoapprove(guid'${approvalId}')/PasskeyOptions`, 'ann');
    const approved = opts.statusCode === 200 ? await call(t, 'POST', `${API}/pamrequeststoapprove(guid'${approvalId}')/Approve`, 'ann', { Passkey: attacker.assert(opts.json()) }) : opts;
    const status = (await call(t, 'GET', `${API}/pamrequests?$filter=RequestId eq guid'${requestId}'`, 'jen')).json().value[0].RequestStatus;

    assert.notEqual(registered.statusCode, 201, registered.body);
    assert.notEqual(approved.statusCode, 200);
    assert.equal(status, 'PendingApproval');
  });

  test('the authenticator cannot be replaced, nor a passkey removed, with the password alone; with a current code they can', async () => {
    // jen's own passkey, added by proving her authenticator.
    const mine = new SoftAuthenticator(PORTAL);
    const opts = await call(t, 'POST', '/api/mfa/passkeys/options', 'jen', { Code: code(DEMO_TOTP_SECRET, t.clock.now()) });
    assert.equal(opts.statusCode, 200, opts.body);
    const added = await call(t, 'POST', '/api/mfa/passkeys', 'jen', { name: 'Laptop', response: mine.register(opts.json()) });
    assert.equal(added.statusCode, 201, added.body);
    const passkeyId = added.json().id as string;

    const removed = await call(t, 'DELETE', `/api/mfa/passkeys/${passkeyId}`, 'jen');
    assert.equal(removed.statusCode, 403, removed.body);
    assert.equal(errorCode(removed), 'MfaRequired');
    const replaced = await call(t, 'POST', '/api/mfa/totp', 'jen');
    assert.equal(replaced.statusCode, 403, replaced.body);
    const wrong = await call(t, 'DELETE', `/api/mfa/passkeys/${passkeyId}?Code=000000`, 'jen');
    assert.equal(wrong.statusCode, 403);
    assert.equal(errorCode(wrong), 'MfaCodeRejected');
    assert.equal((await call(t, 'GET', '/api/mfa', 'jen')).json().passkeys.length, 1, 'still there');

    // Removal proven with the passkey itself, through options bound to that removal.
    const proofOpts = await call(t, 'POST', '/api/mfa/change-options', 'jen', { change: 'remove-passkey', passkeyId });
    assert.equal(proofOpts.statusCode, 200, proofOpts.body);
    const assertion = mine.assert(proofOpts.json());
    // An assertion bound to removing this passkey does not authorise another change.
    const crossed = await call(t, 'POST', '/api/mfa/totp', 'jen', { Passkey: assertion });
    assert.equal(crossed.statusCode, 403);
    const proofOpts2 = await call(t, 'POST', '/api/mfa/change-options', 'jen', { change: 'remove-passkey', passkeyId });
    const ok = await call(t, 'DELETE', `/api/mfa/passkeys/${passkeyId}`, 'jen', { Passkey: mine.assert(proofOpts2.json()) });
    assert.equal(ok.statusCode, 204, ok.body);

    // Replacing the authenticator with a current code: the old one counts until the new one is confirmed.
    t.clock.advance(30_000);
    const started = await call(t, 'POST', '/api/mfa/totp', 'jen', { Code: code(DEMO_TOTP_SECRET, t.clock.now()) });
    assert.equal(started.statusCode, 201, started.body);
    const fresh = started.json().secret as string;
    assert.equal((await call(t, 'GET', '/api/mfa', 'jen')).json().totp.confirmed, true, 'the old authenticator still counts');
    t.clock.advance(30_000);
    assert.equal((await call(t, 'POST', '/api/mfa/totp/confirm', 'jen', { Code: code(fresh, t.clock.now()) })).statusCode, 204);
    t.clock.advance(30_000);
    const oldCode = await call(t, 'POST', '/api/mfa/passkeys/options', 'jen', { Code: code(DEMO_TOTP_SECRET, t.clock.now()) });
    assert.equal(oldCode.statusCode, 403, 'the replaced authenticator no longer counts');
    t.clock.advance(60_000 * 10);

    const audit = (action: string) => call(t, 'GET', `/api/admin/audit?action=${action}`, 'admin').then((r) => r.json().value as Json[]);
    const removedAudit = await audit('mfa.passkey.removed');
    assert.equal(removedAudit.length, 1);
    assert.equal((removedAudit[0]!.after as Json).provedWith, 'passkey');
    assert.equal((await audit('mfa.totp.confirmed')).length, 1);
    const refused = await audit('mfa.change.refused');
    assert.ok(refused.length >= 2, 'failed proofs are audited');
    assert.ok(!JSON.stringify(refused).includes('000000'));
  });

  test('an account with no factor enrols only with an enrolment code an administrator issued: single use, expiring, stored as a hash', async () => {
    const noCode = await call(t, 'POST', '/api/mfa/totp', 'bob');
    assert.equal(noCode.statusCode, 403, noCode.body);
    assert.match(noCode.json()['odata.error'].message.value, /enrolment code/);
    assert.equal((await call(t, 'POST', '/api/mfa/passkeys/options', 'bob')).statusCode, 403);

    const issuedByAnn = await call(t, 'POST', '/api/admin/users/bob/mfa/enrolment-code', 'ann');
    assert.equal(issuedByAnn.statusCode, 403);
    // An administrator's password alone must not give the administrator a factor either.
    for (const [method, url] of [['POST', '/api/admin/users/admin/mfa/enrolment-code'], ['POST', '/api/admin/users/admin/totp'], ['DELETE', '/api/admin/users/admin/mfa']] as const) {
      const self = await call(t, method, url, 'admin');
      assert.equal(self.statusCode, 403, `${method} ${url}: ${self.body}`);
    }
    const issued = await call(t, 'POST', '/api/admin/users/bob/mfa/enrolment-code', 'admin');
    assert.equal(issued.statusCode, 201, issued.body);
    const enrolmentCode = issued.json().code as string;
    assert.match(enrolmentCode, /^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
    // Never stored or audited in clear.
    const stored = await t.core.store.read(async (tx) => JSON.stringify(await tx.mfa.enrolmentCode((await tx.accounts.byLogin('bob'))!.id)));
    assert.ok(!stored.includes(enrolmentCode) && !stored.includes(enrolmentCode.replaceAll('-', '')), stored);
    assert.ok(!(await call(t, 'GET', '/api/admin/audit?limit=1000', 'admin')).body.includes(enrolmentCode));

    const wrong = await call(t, 'POST', '/api/mfa/totp', 'bob', { EnrolmentCode: 'AAAA-AAAA-AAAA-AAAA' });
    assert.equal(wrong.statusCode, 403);
    const started = await call(t, 'POST', '/api/mfa/totp', 'bob', { EnrolmentCode: enrolmentCode.toLowerCase() });
    assert.equal(started.statusCode, 201, started.body);
    assert.equal((await call(t, 'POST', '/api/mfa/totp/confirm', 'bob', { Code: code(started.json().secret, t.clock.now()) })).statusCode, 204);
    // Spent: a second factor needs the first, not the code.
    const again = await call(t, 'POST', '/api/mfa/passkeys/options', 'bob', { EnrolmentCode: enrolmentCode });
    assert.equal(again.statusCode, 403);

    // An expired code no longer works (24 hours).
    const reset = await call(t, 'DELETE', '/api/admin/users/bob/mfa?enrolmentCode=true', 'admin');
    assert.equal(reset.statusCode, 200, reset.body);
    const second = reset.json().code as string;
    t.clock.advance(24 * 3600_000 + 1);
    const late = await call(t, 'POST', '/api/mfa/totp', 'bob', { EnrolmentCode: second });
    assert.equal(late.statusCode, 403);
    assert.match(late.json()['odata.error'].message.value, /expired/);
    assert.equal((await call(t, 'GET', '/api/admin/audit?action=mfa.enrolment-code.issued', 'admin')).json().value.length, 2);
  });

  test('a first passkey with an enrolment code; self-enrolment without one only where the server allows it', async () => {
    const issued = (await call(t, 'POST', '/api/admin/users/bob/mfa/enrolment-code', 'admin')).json().code as string;
    const key = new SoftAuthenticator(PORTAL);
    const opts = await call(t, 'POST', '/api/mfa/passkeys/options', 'bob', { EnrolmentCode: issued });
    assert.equal(opts.statusCode, 200, opts.body);
    assert.equal((await call(t, 'POST', '/api/mfa/passkeys', 'bob', { name: 'Key', response: key.register(opts.json()) })).statusCode, 201);
    assert.equal((await call(t, 'POST', '/api/mfa/passkeys/options', 'bob', { EnrolmentCode: issued })).statusCode, 403, 'spent');

    const open = await makeApp({ config: { corsOrigins: [PORTAL], mfaSelfEnrolment: true } });
    try {
      const first = await open.app.inject({ method: 'POST', url: '/api/mfa/totp', headers: { ...basic('ann'), ...HOST } });
      assert.equal(first.statusCode, 201, first.body);
      // Self-enrolment is for the first factor only: jen already has one.
      const jen = await open.app.inject({ method: 'POST', url: '/api/mfa/passkeys/options', headers: { ...basic('jen'), ...HOST } });
      assert.equal(jen.statusCode, 403);
    } finally {
      await open.destroy();
    }
  });
});
