import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { DEMO_TOTP_SECRET } from '../../src/app/demo.js';
import { API, type TestApp, basic, makeApp, roleId } from '../support/harness.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';

const PORTAL = 'http://localhost:8090';
// Elevate as the portal reaches it: WebAuthn forbids IP addresses as rpId, so localhost.
const HOST = { host: 'localhost:8086' };

type Json = Record<string, unknown>;

function call(t: TestApp, method: 'GET' | 'POST' | 'DELETE', url: string, login: string, payload?: Json): Promise<LightMyRequestResponse> {
  return t.app.inject({ method, url, headers: { ...basic(login), ...HOST }, ...(payload && { payload }) });
}

function errorOf(res: LightMyRequestResponse): { code: string; message: string } {
  const e = res.json()['odata.error'];
  return { code: e.code, message: e.message.value };
}

/** A fresh code from jen's demo authenticator: each proof spends its time step, so the clock moves on first. */
function jenCode(t: TestApp): string {
  t.clock.advance(30_000);
  return new TOTP({ secret: Secret.fromBase32(DEMO_TOTP_SECRET) }).generate({ timestamp: t.clock.now() });
}

/** Registers a passkey for jen, proving her authenticator as every factor change must. */
async function registerPasskey(t: TestApp, auth: SoftAuthenticator, login: 'jen', name: string) {
  const options = await call(t, 'POST', '/api/mfa/passkeys/options', login, { Code: jenCode(t) });
  assert.equal(options.statusCode, 200, options.body);
  const res = await call(t, 'POST', '/api/mfa/passkeys', login, { name, response: auth.register(options.json()) });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; name: string };
}

async function requestMfaRole(t: TestApp): Promise<string> {
  const res = await call(t, 'POST', `${API}/pamrequests`, 'jen', { RoleId: await roleId(t.app, 'MFA Role'), RequestedTTL: '600' });
  assert.equal(res.json().RequestStatus, 'PendingMFA', res.body);
  return res.json().RequestId;
}

const options = (t: TestApp, id: string) => call(t, 'POST', `${API}/pamrequests(guid'${id}')/PasskeyOptions`, 'jen');
const verify = (t: TestApp, id: string, assertion: unknown) => call(t, 'POST', `${API}/pamrequests(guid'${id}')/VerifyPasskey`, 'jen', { Passkey: assertion as Json });

describe('passkeys through the API, with a software authenticator', () => {
  let t: TestApp;
  const jenKey = new SoftAuthenticator(PORTAL);
  before(async () => (t = await makeApp({ config: { corsOrigins: [PORTAL] } })));
  after(async () => t.destroy());

  test('registration: several named passkeys, listed without key material, the second excluded-by-id from new options', async () => {
    const first = await registerPasskey(t, jenKey, 'jen', 'Laptop');
    t.clock.advance(1000);
    const second = await registerPasskey(t, jenKey, 'jen', 'Phone');
    const list = await call(t, 'GET', '/api/mfa/passkeys', 'jen');
    assert.deepEqual(list.json().value.map((p: Json) => p.name), ['Laptop', 'Phone']);
    assert.deepEqual(Object.keys(list.json().value[0]).sort(), ['createdAt', 'id', 'lastUsedAt', 'name']);
    const opts = await call(t, 'POST', '/api/mfa/passkeys/options', 'jen', { Code: jenCode(t) });
    assert.equal(opts.json().rp.id, 'localhost');
    assert.deepEqual(opts.json().excludeCredentials.map((c: Json) => c.id).sort(), [first.id, second.id].sort());
    const factors = await call(t, 'GET', '/api/mfa', 'jen');
    assert.equal(factors.json().passkeys.length, 2);
    assert.equal(factors.json().totp.confirmed, true);
  });

  test('a registration answer for another origin, or a second use of its challenge, is refused', async () => {
    const opts = (await call(t, 'POST', '/api/mfa/passkeys/options', 'jen', { Code: jenCode(t) })).json();
    const wrong = await call(t, 'POST', '/api/mfa/passkeys', 'jen', { name: 'Evil', response: jenKey.register(opts, { origin: 'http://evil.example' }) });
    assert.equal(wrong.statusCode, 403);
    assert.match(errorOf(wrong).message, /origin/i);
    // The challenge was spent by the failed attempt: a correct answer to it no longer counts.
    const again = await call(t, 'POST', '/api/mfa/passkeys', 'jen', { name: 'Late', response: jenKey.register(opts) });
    assert.equal(again.statusCode, 403);
    assert.match(errorOf(again).message, /No passkey registration is waiting/);
  });

  test('a passkey passes the PendingMFA challenge of a request', async () => {
    const id = await requestMfaRole(t);
    const opts = await options(t, id);
    assert.equal(opts.statusCode, 200, opts.body);
    assert.equal(opts.json().rpId, 'localhost');
    const ok = await verify(t, id, jenKey.assert(opts.json()));
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().RequestStatus, 'Active');
    const listed = (await call(t, 'GET', '/api/mfa/passkeys', 'jen')).json().value;
    assert.ok(listed.some((p: Json) => p.lastUsedAt !== null));
    await call(t, 'POST', `${API}/pamrequests(guid'${id}')/Close`, 'jen');
  });

  test('a replayed assertion is refused: its challenge is spent, and a new challenge does not match it', async () => {
    const first = await requestMfaRole(t);
    const assertion = jenKey.assert((await options(t, first)).json());
    assert.equal((await verify(t, first, assertion)).json().RequestStatus, 'Active');
    await call(t, 'POST', `${API}/pamrequests(guid'${first}')/Close`, 'jen');

    const second = await requestMfaRole(t);
    const noChallenge = await verify(t, second, assertion);
    assert.equal(noChallenge.statusCode, 403);
    assert.match(errorOf(noChallenge).message, /No passkey challenge is waiting.*4 attempt/);
    await options(t, second);
    const stale = await verify(t, second, assertion);
    assert.equal(stale.statusCode, 403);
    assert.match(errorOf(stale).message, /challenge/i);
    // A fresh assertion still works; the request was not refused by two failures.
    const fresh = await verify(t, second, jenKey.assert((await options(t, second)).json()));
    assert.equal(fresh.json().RequestStatus, 'Active', fresh.body);
    await call(t, 'POST', `${API}/pamrequests(guid'${second}')/Close`, 'jen');
  });

  test('a signature counter that did not grow (a cloned authenticator) is refused', async () => {
    const id = await requestMfaRole(t);
    const cloned = await verify(t, id, jenKey.assert((await options(t, id)).json(), { counter: 1 }));
    assert.equal(cloned.statusCode, 403);
    assert.match(errorOf(cloned).message, /counter/i);
    const ok = await verify(t, id, jenKey.assert((await options(t, id)).json()));
    assert.equal(ok.json().RequestStatus, 'Active', ok.body);
    await call(t, 'POST', `${API}/pamrequests(guid'${id}')/Close`, 'jen');
  });

  test('wrong origins and rpIds count as failed attempts; the fifth refuses the request', async () => {
    const id = await requestMfaRole(t);
    for (let i = 1; i <= 4; i++) {
      const opts = (await options(t, id)).json();
      const bad = i % 2 ? jenKey.assert(opts, { origin: 'https://phish.example' }) : jenKey.assert(opts, { rpId: 'phish.example' });
      const res = await verify(t, id, bad);
      assert.equal(res.statusCode, 403);
      assert.equal(errorOf(res).code, 'MfaCodeRejected');
      assert.match(errorOf(res).message, new RegExp(`${5 - i} attempt`));
    }
    const last = await verify(t, id, jenKey.assert((await options(t, id)).json(), { origin: 'https://phish.example' }));
    assert.match(errorOf(last).message, /refused/);
    const list = await call(t, 'GET', `${API}/pamrequests?$filter=RequestId eq guid'${id}'`, 'jen');
    assert.equal(list.json().value[0].RequestStatus, 'Rejected');
  });

  test('a challenge expires after five minutes', async () => {
    const id = await requestMfaRole(t);
    const opts = (await options(t, id)).json();
    t.clock.advance(5 * 60_000 + 1);
    const late = await verify(t, id, jenKey.assert(opts));
    assert.equal(late.statusCode, 403);
    assert.match(errorOf(late).message, /expired/);
  });

  test('bad input is a clean 4xx: no passkeys, malformed JSON, a form body, an unknown host', async () => {
    const ann = await call(t, 'POST', `${API}/pamrequests`, 'ann', { RoleId: await roleId(t.app, 'Allow AD Access', 'ann'), RequestedTTL: '60' });
    assert.equal(ann.statusCode, 201);
    const id = await requestMfaRole(t);
    const malformed = await verify(t, id, { id: 'x', type: 'public-key', response: { clientDataJSON: 42 } });
    assert.equal(malformed.statusCode, 400);
    assert.match(errorOf(malformed).message, /Passkey/);
    const missing = await call(t, 'POST', `${API}/pamrequests(guid'${id}')/VerifyPasskey`, 'jen', {});
    assert.equal(missing.statusCode, 400);
    const form = await t.app.inject({
      method: 'POST',
      url: `${API}/pamrequests(guid'${id}')/VerifyPasskey`,
      headers: { ...basic('jen'), ...HOST, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'Passkey=abc',
    });
    assert.equal(form.statusCode, 400);
    const ip = await t.app.inject({ method: 'POST', url: `${API}/pamrequests(guid'${id}')/PasskeyOptions`, headers: { ...basic('jen'), host: '127.0.0.1:8086' } });
    assert.equal(ip.statusCode, 409);
    assert.equal(errorOf(ip).code, 'PasskeysUnavailable');
    // ann has no factor: her first passkey needs the enrolment code an administrator issues.
    assert.equal((await call(t, 'POST', '/api/mfa/passkeys/options', 'ann')).statusCode, 403);
    const enrolmentCode = (await call(t, 'POST', '/api/admin/users/ann/mfa/enrolment-code', 'admin')).json().code;
    const noneYet = await call(t, 'POST', '/api/mfa/passkeys/options', 'ann', { EnrolmentCode: enrolmentCode });
    assert.equal(noneYet.statusCode, 200, noneYet.body);
    const annRequestOptions = await call(t, 'POST', `${API}/pamrequests(guid'${id}')/PasskeyOptions`, 'ann');
    assert.equal(annRequestOptions.statusCode, 404, 'someone else\'s request is not found');
    const badName = await call(t, 'POST', '/api/mfa/passkeys', 'ann', { name: '', response: new SoftAuthenticator(PORTAL).register(noneYet.json()) });
    assert.equal(badName.statusCode, 400);
  });

  test('challenges are stored durably: options asked before a restart are answered after it', async () => {
    t.clock.advance(60_000); // past the wait that jen's failures above put on her account
    const id = await requestMfaRole(t);
    const opts = (await options(t, id)).json();
    await t.close();
    t = await makeApp({ dataDir: t.dataDir, clock: t.clock, demo: false, config: { corsOrigins: [PORTAL] } });
    const res = await verify(t, id, jenKey.assert(opts));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().RequestStatus, 'Active');
  });

  test('owners remove their own passkeys; nobody else can; an admin reset removes the rest, audited', async () => {
    const mine = (await call(t, 'GET', '/api/mfa/passkeys', 'jen')).json().value as { id: string }[];
    const byAnn = await call(t, 'DELETE', `/api/mfa/passkeys/${mine[0]!.id}`, 'ann');
    assert.equal(byAnn.statusCode, 404);
    assert.equal((await call(t, 'DELETE', `/api/mfa/passkeys/${mine[0]!.id}`, 'jen')).statusCode, 403, 'not with the password alone');
    assert.equal((await call(t, 'DELETE', `/api/mfa/passkeys/${mine[0]!.id}?Code=${jenCode(t)}`, 'jen')).statusCode, 204);
    assert.equal((await call(t, 'GET', '/api/mfa/passkeys', 'jen')).json().value.length, mine.length - 1);

    const adminView = await call(t, 'GET', '/api/admin/users/jen/mfa', 'admin');
    assert.equal(adminView.json().passkeys.length, mine.length - 1);
    assert.equal((await call(t, 'GET', '/api/admin/users/jen/mfa', 'ann')).statusCode, 403);
    assert.equal((await call(t, 'DELETE', '/api/admin/users/jen/mfa', 'admin')).statusCode, 204);
    const after = (await call(t, 'GET', '/api/mfa', 'jen')).json();
    assert.deepEqual(after, { login: 'jen', totp: null, passkeys: [] });

    const audit = (await call(t, 'GET', '/api/admin/audit?action=mfa.reset', 'admin')).json().value;
    assert.equal(audit.length, 1);
    assert.deepEqual(audit[0].before.passkeys, ['Phone']);
    const added = (await call(t, 'GET', '/api/admin/audit?action=mfa.passkey.added', 'admin')).json().value;
    assert.equal(added.length, 2);
    const removed = (await call(t, 'GET', '/api/admin/audit?action=mfa.passkey.removed', 'admin')).json().value;
    assert.equal(removed.length, 1);
  });
});
