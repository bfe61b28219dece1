import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { API, basic, makeApp, roleId, type TestApp } from '../../support/harness.js';
import { assertMetadataUrl, assertODataError, get, qs, snapshot } from './helpers.js';

const JSON_CT = { 'content-type': 'application/json' };
const FORM_CT = { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' };

describe('error responses all have the OData error shape', () => {
  let t: TestApp;
  let rid: string;
  let baseline: unknown;
  before(async () => {
    t = await makeApp();
    rid = await roleId(t.app, 'Allow AD Access');
    baseline = await snapshot(t.app);
  });
  after(async () => {
    // None of the refused calls in this block changed anything, but the failed sign-ins were audited.
    const { audit, ...now } = (await snapshot(t.app)) as { audit: number };
    const { audit: auditBefore, ...then } = baseline as { audit: number };
    assert.deepEqual(now, then);
    const failedSignIns = await t.core.store.read((tx) => tx.audit.list({ action: 'signin.failed', limit: 1000 }));
    assert.equal(audit, auditBefore + failedSignIns.length);
    await t.destroy();
  });

  test('unknown route → 404', async () => {
    for (const url of ['/nope', '/api', '/api/nope', `${API}/nope`, `${API}/pamroles/extra/segments/here`]) {
      assertODataError(await get(t.app, url, 'jen'), 404, url);
    }
    assertODataError(await get(t.app, '/nope'), 404, 'without credentials');
  });

  test('wrong method → 405 with an Allow header', async () => {
    const cases: [string, string, RegExp][] = [
      ['DELETE', `${API}/pamroles`, /^GET\b/],
      ['POST', `${API}/pamroles`, /GET/],
      ['PUT', `${API}/pamrequests`, /GET.*POST|POST.*GET/],
      ['PATCH', `${API}/pamrequeststoapprove`, /GET/],
      ['DELETE', `${API}/sessioninfo`, /GET/],
      ['POST', `${API}/$metadata`, /GET/],
      ['GET', `${API}/pamrequests(guid'c0112f13-b16b-40ad-b547-07f23a7fba52')/Close`, /POST/],
    ];
    for (const [method, url, allow] of cases) {
      const res = await t.app.inject({ method: method as 'GET', url, headers: basic('jen') });
      assertODataError(res, 405, `${method} ${url}`);
      assert.match(String(res.headers.allow), allow, `${method} ${url} allow=${String(res.headers.allow)}`);
      assert.doesNotMatch(String(res.headers.allow), new RegExp(`\\b${method}\\b`), 'the refused method is not offered');
    }
    const admin = await t.app.inject({ method: 'DELETE', url: '/api/admin/audit', headers: basic('admin') });
    assertODataError(admin, 405);
    assert.match(String(admin.headers.allow), /GET/);
  });

  test('an action that does not exist → 404 whatever the method; a known action with another method → 405', async () => {
    const G = "guid'c0112f13-b16b-40ad-b547-07f23a7fba52'";
    const unknown = [`pamrequests(${G})/Open`, `pamrequests(${G})/Approve`, `pamrequeststoapprove(${G})/Close`, `pamrequeststoapprove(${G})/VerifyMFA`, `pamroles(${G})/Close`, `nosuchset(${G})/Close`];
    for (const path of unknown) {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) {
        const res = await t.app.inject({ method, url: `${API}/${path}`, headers: basic('jen') });
        assert.equal(assertODataError(res, 404, `${method} ${path}`).code, 'NotFound');
        assert.equal(res.headers.allow, undefined, `${method} ${path} offers no method`);
      }
    }
    const known = [`pamrequests(${G})/Close`, `pamrequests(${G})/close`, `PAMREQUESTS(${G})/VerifyMFA`, `pamrequests(${G})/VerifyPasskey`, `pamrequests(${G})/PasskeyOptions`, `pamrequeststoapprove(${G})/Approve`, `pamrequeststoapprove(${G})/Reject`, `pamrequeststoapprove(${G})/PasskeyOptions`];
    for (const path of known) {
      for (const method of ['GET', 'PUT', 'PATCH', 'DELETE'] as const) {
        const res = await t.app.inject({ method, url: `${API}/${path}`, headers: basic('jen') });
        assertODataError(res, 405, `${method} ${path}`);
        assert.equal(res.headers.allow, 'POST', `${method} ${path}`);
      }
    }
  });

  test('401 without credentials carries a Basic challenge', async () => {
    for (const url of [`${API}/pamroles`, `${API}/pamrequests`, `${API}/sessioninfo`]) {
      const res = await get(t.app, url);
      assertODataError(res, 401, url);
      assert.match(String(res.headers['www-authenticate']), /^Basic realm="Elevate"/);
    }
  });

  test('401 with a wrong password or unknown user, with the challenge', async () => {
    for (const h of [basic('jen', 'wrong'), basic('jen', ''), basic('nobody', 'nobody'), basic('PRIV\\jen', 'ann'), basic('JEN', 'JEN')]) {
      const res = await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: h });
      assertODataError(res, 401, h.authorization);
      assert.match(String(res.headers['www-authenticate']), /^Basic realm="Elevate"/);
    }
  });

  test('a malformed Authorization header → 401, never 500', async () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    for (const authorization of [
      'Bearer abc.def.ghi',
      'Basic',
      'Basic ',
      'Basic !!!!',
      `Basic ${b64('nocolon')}`,
      `Basic ${b64(':password')}`,
      `Basic ${b64('jen:jen')} extra`,
      'Negotiate YIIGhgYGKwYBBQUCoIIGejCCBnagMDAuBgkqhkiC9xIBAgIGCSqGSIb3EgECAgYKKwYBBAGCNwICHgYKKwYBBAGCNwICCg==',
      'NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==',
      'x'.repeat(5000),
    ]) {
      const res = await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: { authorization } });
      assertODataError(res, 401, authorization.slice(0, 40));
      assert.match(String(res.headers['www-authenticate']), /^Basic realm="Elevate"/);
    }
  });

  test('413 for a body over 64 KiB, JSON or form', async () => {
    const big = 'x'.repeat(65 * 1024);
    const json = await t.app.inject({ method: 'POST', url: `${API}/pamrequests`, headers: { ...basic('jen'), ...JSON_CT }, payload: JSON.stringify({ RoleId: rid, RequestedTTL: '60', Justification: big }) });
    assertODataError(json, 413);
    const form = await t.app.inject({ method: 'POST', url: `${API}/pamrequests`, headers: { ...basic('jen'), ...FORM_CT }, payload: `RoleId=${rid}&RequestedTTL=60&Justification=${big}` });
    assertODataError(form, 413);
  });

  test('415 for an unsupported content type', async () => {
    for (const ct of ['text/xml', 'text/xml; charset=utf-8', 'application/xml', 'multipart/form-data; boundary=x', 'application/octet-stream']) {
      const res = await t.app.inject({ method: 'POST', url: `${API}/pamrequests`, headers: { ...basic('jen'), 'content-type': ct }, payload: `<RoleId>${rid}</RoleId>` });
      assertODataError(res, 415, ct);
    }
    // Fastify reads text/plain itself; the API then refuses a body that is not an object.
    const plain = await t.app.inject({ method: 'POST', url: `${API}/pamrequests`, headers: { ...basic('jen'), 'content-type': 'text/plain' }, payload: `RoleId=${rid}&RequestedTTL=60` });
    assertODataError(plain, [400, 415]);
  });

  test('invalid JSON, a JSON array or scalar, an empty JSON body → 400', async () => {
    for (const payload of ['{', '{"RoleId":', "{'RoleId':'x'}", '[]', `[{"RoleId":"${rid}","RequestedTTL":"60"}]`, '"text"', '42', 'true', '']) {
      const res = await t.app.inject({ method: 'POST', url: `${API}/pamrequests`, headers: { ...basic('jen'), ...JSON_CT }, payload });
      assertODataError(res, 400, JSON.stringify(payload));
    }
  });

  test('a JSON object with nested values → 400 naming the parameter', async () => {
    for (const body of [{ RoleId: { $ne: null }, RequestedTTL: '60' }, { RoleId: [rid, rid], RequestedTTL: '60' }, { RoleId: rid, RequestedTTL: ['60'] }]) {
      const res = await t.app.inject({ method: 'POST', url: `${API}/pamrequests`, headers: basic('jen'), payload: body });
      assert.match(assertODataError(res, 400, JSON.stringify(body)).message, /RoleId|RequestedTTL/);
    }
  });

  test('unsupported versions → 400', async () => {
    for (const v of ['abc', '2', '0', '', '1.1', '%00']) {
      for (const path of ['pamroles', 'pamrequests', 'pamrequeststoapprove', 'sessioninfo']) {
        const res = await get(t.app, `${API}/${path}?v=${v}`, 'jen');
        if (v === '') {
          // An empty v is either "newest" or refused; it must never be a server error.
          assert.ok([200, 400].includes(res.statusCode), `${path}?v= ${res.statusCode}`);
          if (res.statusCode === 400) assertODataError(res, 400);
          continue;
        }
        assert.match(assertODataError(res, 400, `${path}?v=${v}`).message, /version/i);
      }
    }
    const post = await t.app.inject({ method: 'POST', url: `${API}/pamrequests?v=abc`, headers: basic('jen'), payload: { RoleId: rid, RequestedTTL: '60' } });
    assertODataError(post, 400);
  });

  test('duplicate parameters → 400', async () => {
    for (const url of [
      `${API}/pamroles?$filter=${encodeURIComponent("DisplayName eq 'a'")}&$filter=${encodeURIComponent("DisplayName eq 'b'")}`,
      `${API}/pamroles?v=1&v=1`,
      `${API}/pamrequests?$top=1&$top=2`,
      `${API}/pamrequests?$orderby=CreationTime&$orderby=RequestId`,
    ]) {
      assertODataError(await get(t.app, url, 'jen'), 400, url);
    }
    const q = await t.app.inject({ method: 'POST', url: `${API}/pamrequests?RoleId=${rid}&RoleId=${rid}&RequestedTTL=60`, headers: basic('jen') });
    assert.match(assertODataError(q, 400).message, /RoleId/);
    const form = await t.app.inject({ method: 'POST', url: `${API}/pamrequests`, headers: { ...basic('jen'), ...FORM_CT }, payload: `RoleId=${rid}&RequestedTTL=60&RequestedTTL=120` });
    assert.match(assertODataError(form, 400).message, /RequestedTTL/);
    const mixed = await t.app.inject({ method: 'POST', url: `${API}/pamrequests?requestedttl=60`, headers: basic('jen'), payload: { RoleId: rid, RequestedTTL: '120' } });
    assert.match(assertODataError(mixed, 400).message, /RequestedTTL/);
  });

  test('$expand, $select and other unsupported options → 400', async () => {
    for (const [k, v] of [
      ['$expand', 'Role'],
      ['$select', 'RoleId'],
      ['$format', 'json'],
      ['$inlinecount', 'allpages'],
      ['$FILTER', "DisplayName eq 'x'"],
      ['$Top', '1'],
    ] as const) {
      const res = await get(t.app, `${API}/pamroles${qs({ [k]: v })}`, 'jen');
      assert.match(assertODataError(res, 400, k).message, /\$/);
    }
  });

  test('a $filter syntax error → 400 with a message, not 500', async () => {
    for (const f of ["DisplayName eq 'x' and", 'DisplayName', "substringof('x', DisplayName)", "(DisplayName eq 'x'", 'TTL eq 1e3', "DisplayName EQ 'x'", '$', 'DisplayName eq guid\'nope\'']) {
      assertODataError(await get(t.app, `${API}/pamroles${qs({ $filter: f })}`, 'jen'), 400, f);
    }
  });

  test('refusals in the request body → 400 with the reason', async () => {
    const res = await t.app.inject({ method: 'POST', url: `${API}/pamrequests`, headers: basic('jen'), payload: {} });
    assert.match(assertODataError(res, 400).message, /RoleId/);
  });
});

describe('sessioninfo, $metadata, health and sign-in names', () => {
  let t: TestApp;
  before(async () => {
    t = await makeApp();
  });
  after(async () => {
    await t.destroy();
  });

  test('sessioninfo with and without a trailing slash', async () => {
    for (const url of [`${API}/sessioninfo`, `${API}/sessioninfo/`, `${API}/sessioninfo?v=1`, `${API}/sessioninfo/?v=1`]) {
      const res = await get(t.app, url, 'jen');
      assert.equal(res.statusCode, 200, `${url} ${res.body}`);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      const body = res.json() as Record<string, unknown>;
      assert.deepEqual(Object.keys(body), ['odata.metadata', 'value']);
      assertMetadataUrl(body['odata.metadata'], '#sessioninfo');
      assert.deepEqual(body.value, [{ Username: 'PRIV\\jen' }]);
      assert.ok(res.body.includes('"Username":"PRIV\\\\jen"'), res.body);
    }
    const ann = (await get(t.app, `${API}/sessioninfo`, 'ann')).json() as { value: { Username: string }[] };
    assert.deepEqual(ann.value, [{ Username: 'PRIV\\ann' }]);
  });

  test('the odata.metadata URL resolves to the CSDL document with the entity sets', async () => {
    const info = (await get(t.app, `${API}/sessioninfo`, 'jen')).json() as Record<string, string>;
    const metaPath = new URL(info['odata.metadata']!).pathname;
    assert.equal(metaPath, '/api/pamresources/%24metadata');
    for (const url of [`${API}/$metadata`, metaPath, `${API}/$metadata?v=1`]) {
      const res = await get(t.app, url, 'jen');
      assert.equal(res.statusCode, 200, `${url} ${res.body.slice(0, 200)}`);
      assert.match(String(res.headers['content-type']), /xml/);
      assert.match(res.body, /^<\?xml/);
      for (const set of ['pamroles', 'pamrequests', 'pamrequeststoapprove']) {
        assert.match(res.body, new RegExp(`<EntitySet Name="${set}"`), `${url} names ${set}`);
      }
    }
  });

  test('/healthz and /readyz answer 200 without credentials', async () => {
    const h = await get(t.app, '/healthz');
    assert.equal(h.statusCode, 200, h.body);
    const r = await get(t.app, '/readyz');
    assert.equal(r.statusCode, 200, r.body);
  });

  test('PRIV\\jen and jen@PRIV sign in as jen via Basic', async () => {
    for (const login of ['PRIV\\jen', 'priv\\jen', 'jen@PRIV']) {
      const res = await t.app.inject({ method: 'GET', url: `${API}/sessioninfo`, headers: basic(login, 'jen') });
      assert.equal(res.statusCode, 200, `${login}: ${res.body}`);
      assert.deepEqual((res.json() as { value: unknown }).value, [{ Username: 'PRIV\\jen' }]);
      const roles = await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic(login, 'jen') });
      assert.equal((roles.json() as { value: unknown[] }).value.length, 4);
    }
    // Another domain is not this server's.
    assertODataError(await t.app.inject({ method: 'GET', url: `${API}/sessioninfo`, headers: basic('CORP\\jen', 'jen') }), 401);
  });

  test('a password containing a colon works', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/admin/users', headers: basic('admin'), payload: { login: 'colon', password: 'a:b:c' } });
    assert.equal(res.statusCode, 201, res.body);
    const info = await t.app.inject({ method: 'GET', url: `${API}/sessioninfo`, headers: basic('colon', 'a:b:c') });
    assert.equal(info.statusCode, 200, info.body);
  });
});
