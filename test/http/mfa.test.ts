import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { DEMO_TOTP_SECRET } from '../../src/app/demo.js';
import { API, type TestApp, basic, makeApp, roleId } from '../support/harness.js';

const form = { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' };

function code(secret: string, at: number): string {
  return new TOTP({ secret: Secret.fromBase32(secret), period: 30, digits: 6 }).generate({ timestamp: at });
}

async function requestMfaRole(t: TestApp, login = 'jen') {
  const res = await t.app.inject({
    method: 'POST',
    url: `${API}/pamrequests`,
    headers: { ...basic(login), ...form },
    payload: `RoleId=${await roleId(t.app, 'MFA Role')}&RequestedTTL=600&Justification=patch`,
  });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().RequestStatus, 'PendingMFA');
  return res.json().RequestId as string;
}

function verify(t: TestApp, id: string, c: string, login = 'jen') {
  return t.app.inject({ method: 'POST', url: `${API}/pamrequests(guid'${id}')/VerifyMFA`, headers: { ...basic(login), ...form }, payload: `Code=${c}` });
}

describe('MFA challenge through the API', () => {
  let t: TestApp;
  before(async () => (t = await makeApp()));
  after(async () => t.destroy());

  test('a right code activates the request; the same code again is a replay', async () => {
    const id = await requestMfaRole(t);
    const c = code(DEMO_TOTP_SECRET, t.clock.now());
    const ok = await verify(t, id, c);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().RequestStatus, 'Active');

    await t.app.inject({ method: 'POST', url: `${API}/pamrequests(guid'${id}')/Close`, headers: basic('jen') });
    const second = await requestMfaRole(t);
    const replay = await verify(t, second, c);
    assert.equal(replay.statusCode, 403);
    assert.match(replay.json()['odata.error'].message.value, /already used/);
    t.clock.advance(30_000);
    const next = await verify(t, second, code(DEMO_TOTP_SECRET, t.clock.now()));
    assert.equal(next.json().RequestStatus, 'Active');
  });

  test('five wrong codes refuse the request, and the count survives each refusal', async () => {
    t.clock.advance(3600_000);
    const id = await requestMfaRole(t);
    for (let i = 1; i <= 4; i++) {
      const res = await verify(t, id, '000000');
      assert.equal(res.statusCode, 403);
      assert.match(res.json()['odata.error'].message.value, new RegExp(`${5 - i} attempt`));
    }
    const last = await verify(t, id, '000000');
    assert.match(last.json()['odata.error'].message.value, /refused/);
    const list = await t.app.inject({ method: 'GET', url: `${API}/pamrequests?$filter=RequestId eq guid'${id}'`, headers: basic('jen') });
    assert.equal(list.json().value[0].RequestStatus, 'Rejected');
    // Even the right code cannot revive it.
    const late = await verify(t, id, code(DEMO_TOTP_SECRET, t.clock.now() + 60_000));
    assert.equal(late.statusCode, 409);
  });

  test('an unanswered challenge expires after the configured time', async () => {
    const id = await requestMfaRole(t);
    t.clock.advance(11 * 60_000);
    await t.tick();
    const list = await t.app.inject({ method: 'GET', url: `${API}/pamrequests?$filter=RequestId eq guid'${id}'`, headers: basic('jen') });
    assert.equal(list.json().value[0].RequestStatus, 'Expired');
  });

  test('someone else cannot answer my challenge, and nobody without an authenticator can pass', async () => {
    const id = await requestMfaRole(t);
    const other = await verify(t, id, code(DEMO_TOTP_SECRET, t.clock.now()), 'ann');
    assert.equal(other.statusCode, 404);
    // admin resets jen's factors: the pending request can no longer pass until she enrols again.
    const reset = await t.app.inject({ method: 'DELETE', url: '/api/admin/users/jen/mfa', headers: basic('admin') });
    assert.equal(reset.statusCode, 204);
    const res = await verify(t, id, code(DEMO_TOTP_SECRET, t.clock.now()));
    assert.equal(res.statusCode, 409);
    assert.match(res.json()['odata.error'].message.value, /enrol/);
  });

  test('self-service enrolment with an enrolment code counts only after a first code confirms it', async () => {
    // jen's factors were reset above: she enrols again with the code an administrator gives her.
    const issued = await t.app.inject({ method: 'POST', url: '/api/admin/users/jen/mfa/enrolment-code', headers: basic('admin') });
    assert.equal(issued.statusCode, 201, issued.body);
    const start = await t.app.inject({ method: 'POST', url: '/api/mfa/totp', headers: basic('jen'), payload: { EnrolmentCode: issued.json().code } });
    assert.equal(start.statusCode, 201, start.body);
    const { secret, uri, confirmed, qrSvg, qrDataUrl } = start.json();
    assert.equal(confirmed, false);
    assert.match(uri, /^otpauth:\/\/totp\/Elevate:jen\?/);
    // An SVG the portal can show as it is, and the same SVG as an <img> data URL.
    assert.match(qrSvg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*viewBox="0 0 \d+ \d+"/);
    assert.equal(Buffer.from(qrDataUrl.replace(/^data:image\/svg\+xml;base64,/, ''), 'base64').toString('utf8'), qrSvg);
    // After enrolment the secret is never answered again, to the owner or an administrator.
    for (const [url, who] of [['/api/mfa', 'jen'], ['/api/admin/users/jen/mfa', 'admin'], ['/api/admin/audit?limit=1000', 'admin']] as const) {
      const body = (await t.app.inject({ method: 'GET', url, headers: basic(who) })).body;
      assert.ok(!body.includes(secret), `${url} shows no secret`);
    }
    // Waiting for its first code, the new authenticator is not a factor yet.
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/mfa', headers: basic('jen') })).json().totp, null);
    const id = await requestMfaRole(t);
    assert.equal((await verify(t, id, code(secret, t.clock.now()))).statusCode, 409, 'unconfirmed factor does not count');
    const bad = await t.app.inject({ method: 'POST', url: '/api/mfa/totp/confirm', headers: basic('jen'), payload: { Code: '123456' } });
    assert.equal(bad.statusCode, 403);
    const good = await t.app.inject({ method: 'POST', url: '/api/mfa/totp/confirm', headers: basic('jen'), payload: { Code: code(secret, t.clock.now()) } });
    assert.equal(good.statusCode, 204);
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/mfa', headers: basic('jen') })).json().totp.confirmed, true);
    // The confirming code is spent; the next step's code passes the challenge.
    t.clock.advance(30_000);
    assert.equal((await verify(t, id, code(secret, t.clock.now()))).json().RequestStatus, 'Active');
    // A confirmed authenticator cannot be swapped by its owner's password alone.
    const swap = await t.app.inject({ method: 'POST', url: '/api/mfa/totp', headers: basic('jen') });
    assert.equal(swap.statusCode, 403);
    assert.equal(swap.json()['odata.error'].code, 'MfaRequired');
  });
});

describe('MFA secrets and codes never reach the log', () => {
  test('enrolment, confirmation and a challenge answered in the query string log no secret and no code', async () => {
    const { Writable } = await import('node:stream');
    const { createLogger } = await import('../../src/main.js');
    const { buildApp } = await import('../../src/http/app.js');
    const { makeCore } = await import('../support/harness.js');
    const t = await makeCore();
    let log = '';
    const sink = new Writable({ write: (chunk, _enc, done) => ((log += String(chunk)), done()) });
    const app = await buildApp({ core: t.core, config: t.config, logger: createLogger({ ...t.config, logLevel: 'trace' }, sink) });
    try {
      const enrolmentCode = (await app.inject({ method: 'POST', url: '/api/admin/users/ann/mfa/enrolment-code', headers: basic('admin') })).json().code;
      const enrolled = (await app.inject({ method: 'POST', url: '/api/mfa/totp', headers: basic('ann'), payload: { EnrolmentCode: enrolmentCode } })).json();
      const first = code(enrolled.secret, t.clock.now());
      assert.equal((await app.inject({ method: 'POST', url: `/api/mfa/totp/confirm?Code=${first}`, headers: basic('ann') })).statusCode, 204);
      const id = await requestMfaRole({ ...t, app });
      const jenCode = code(DEMO_TOTP_SECRET, t.clock.now());
      const res = await app.inject({ method: 'POST', url: `${API}/pamrequests(guid'${id}')/VerifyMFA?code=${jenCode}`, headers: basic('jen') });
      assert.equal(res.json().RequestStatus, 'Active');
      assert.match(log, /VerifyMFA\?code=\[redacted\]/, 'the request was logged, without its code');
      for (const secret of [enrolmentCode, enrolled.secret, first, jenCode, DEMO_TOTP_SECRET]) assert.ok(!log.includes(secret), `log holds ${secret}`);
    } finally {
      await app.close();
      await t.destroy();
    }
  });
});
