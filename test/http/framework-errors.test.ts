import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type Socket, connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { API, type TestApp, basic, makeApp, roleId } from '../support/harness.js';
import { type Res, assertODataError, snapshot } from './api/helpers.js';

/**
 * Every status Elevate can answer carries `odata.error`, whoever raised it: a use case, Fastify's
 * router and body parsers, Node's HTTP parser, or the server shutting down. The sample portal reads
 * `responseJSON["odata.error"]["message"]["value"]` for every failure.
 */

const FORM_CT = { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' };
const KEY = "guid'c0112f13-b16b-40ad-b547-07f23a7fba52'";
const PORTAL = 'http://portal.example:8090';

/** One HTTP/1.1 response read off a socket, shaped like inject()'s so one assertion serves both. */
interface RawResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Splits the bytes of one connection into its responses (each with a Content-Length). */
function parseResponses(text: string): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = text;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    assert.ok(end > 0, `a response head in ${JSON.stringify(rest.slice(0, 200))}`);
    const [status, ...lines] = rest.slice(0, end).split('\r\n');
    const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    const length = Number(headers['content-length']);
    assert.ok(Number.isInteger(length), `Content-Length in ${status}: ${JSON.stringify(headers)}`);
    const bodyBytes = Buffer.from(rest.slice(end + 4));
    out.push({ statusCode: Number(status!.split(' ')[1]), headers, body: bodyBytes.subarray(0, length).toString() });
    rest = bodyBytes.subarray(length).toString();
  }
  return out;
}

/** Everything the server sends on `socket` until it closes the connection. */
async function readAll(socket: Socket): Promise<RawResponse[]> {
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  await once(socket, 'close');
  return parseResponses(Buffer.concat(chunks).toString());
}

describe('every status Elevate answers carries odata.error, whatever raised it', () => {
  let t: TestApp;
  let rid: string;
  let baseline: unknown;
  const seen = new Map<number, string[]>();
  const check = (res: Res | RawResponse, status: number, label: string) => {
    assertODataError(res as Res, status, label);
    seen.set(status, [...(seen.get(status) ?? []), label]);
  };

  before(async () => {
    t = await makeApp({ config: { corsOrigins: [PORTAL] } });
    rid = await roleId(t.app, 'Allow AD Access');
    baseline = await snapshot(t.app);
  });
  after(async () => {
    await t.destroy();
  });

  test('raised by Fastify: router, body parsers, content types', async () => {
    const post = (url: string, headers: Record<string, string>, payload?: string) => t.app.inject({ method: 'POST', url, headers: { ...basic('jen'), ...headers }, payload });
    // The router refuses an over-long parameter before any route runs (it used to answer FST_ERR_MAX_PARAM_LENGTH).
    const longKey = `pamrequests(guid'${'a'.repeat(2000)}')`;
    check(await post(`${API}/${longKey}/Close`, {}), 414, 'a 2,000-character key on Close');
    check(await t.app.inject({ method: 'GET', url: `${API}/${longKey}/Close`, headers: basic('jen') }), 414, 'the same with GET');
    // Answered before any hook runs, yet the sample portal on its allowed origin can read it.
    const cross = await post(`${API}/${longKey}/Close`, { origin: PORTAL });
    check(cross, 414, 'the same from the allowed portal');
    assert.equal(cross.headers['access-control-allow-origin'], PORTAL);
    assert.equal(cross.headers['access-control-allow-credentials'], 'true');
    const foreign = await post(`${API}/${longKey}/Close`, { origin: 'http://evil.example' });
    check(foreign, 414, 'the same from another origin');
    assert.equal(foreign.headers['access-control-allow-origin'], undefined);
    check(await t.app.inject({ method: 'GET', url: `/api/admin/users/${'u'.repeat(500)}`, headers: basic('admin') }), 414, 'a long name in the admin API');
    check(await post(`${API}/pamrequests(guid'%E0%A4%A')/Close`, {}), 400, 'a malformed percent-escape in the key');
    check(await post(`${API}/pamrequests`, { 'content-type': 'application/json' }, '{"RoleId":'), 400, 'bad JSON');
    check(await post(`${API}/pamrequests`, { 'content-type': 'application/json' }, ''), 400, 'an empty JSON body');
    check(await post(`${API}/pamrequests`, FORM_CT, `RoleId=${rid}&RequestedTTL=60&Justification=${'x'.repeat(65 * 1024)}`), 413, 'a form body over 64 KiB');
    check(await post(`${API}/pamrequests`, { 'content-type': 'text/xml' }, `<RoleId>${rid}</RoleId>`), 415, 'an XML body');
    check(await t.app.inject({ method: 'GET', url: '/no/such/thing', headers: basic('jen') }), 404, 'no route');
    check(await t.app.inject({ method: 'DELETE', url: `${API}/pamroles`, headers: basic('jen') }), 405, 'wrong method');
    check(await t.app.inject({ method: 'GET', url: `${API}/pamrequests(${KEY})/Open`, headers: basic('jen') }), 404, 'an action that does not exist');
  });

  test('raised by Elevate: authentication, origin, throttling, conflicts', async () => {
    check(await t.app.inject({ method: 'GET', url: `${API}/pamroles` }), 401, 'no credentials');
    check(await t.app.inject({ method: 'POST', url: `${API}/pamrequests`, headers: { ...basic('jen'), ...FORM_CT, origin: 'http://evil.example' }, payload: `RoleId=${rid}&RequestedTTL=60` }), 403, 'a foreign origin');
    check(await t.app.inject({ method: 'POST', url: `${API}/pamrequests`, headers: { ...basic('jen'), ...FORM_CT }, payload: `RoleId=${rid}&RequestedTTL=0` }), 409, 'nothing to deactivate');
    let throttled: Res | undefined;
    for (let i = 0; i < 6 && !throttled; i++) {
      const res = await t.app.inject({ method: 'POST', url: '/api/session/login', payload: { login: 'nobody', password: 'wrong' } });
      if (res.statusCode === 429) throttled = res;
    }
    assert.ok(throttled, 'the sixth failed sign-in is throttled');
    check(throttled, 429, 'throttled sign-in');
    check(await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: { ...basic('jen'), host: 'rebound.evil.example' } }), 421, 'a foreign Host');
    // Nothing changed but the audit trail, which records each failed sign-in (issue 11).
    const { audit, ...now } = (await snapshot(t.app)) as { audit: number };
    const { audit: auditBefore, ...then } = baseline as { audit: number };
    assert.deepEqual(now, then, 'no refusal changed anything');
    const failedSignIns = await t.core.store.read((tx) => tx.audit.list({ action: 'signin.failed', limit: 1000 }));
    assert.equal(audit, auditBefore + failedSignIns.length, 'only the failed sign-ins were audited');
  });

  test('raised by Node’s HTTP parser and the server itself, on a real socket', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const exchange = async (text: string): Promise<RawResponse[]> => {
      const socket = connect(port, '127.0.0.1');
      socket.write(text);
      return readAll(socket);
    };
    const auth = basic('jen').authorization;

    const [garbage] = await exchange('THIS IS NOT HTTP\r\n\r\n');
    check(garbage!, 400, 'not HTTP at all');
    const [huge] = await exchange(`GET ${API}/pamroles HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    check(huge!, 431, 'headers over the limit');
    const [expect] = await exchange(`POST ${API}/pamrequests HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${auth}\r\nExpect: 200-ok\r\nContent-Length: 0\r\n\r\n`);
    check(expect!, 417, 'an Expect header other than 100-continue');

    // Node raises ERR_HTTP_REQUEST_TIMEOUT on a connection whose headers or body are too slow (after
    // headersTimeout, a minute); raise it on a live connection rather than wait.
    const accepted = once(t.app.server, 'connection');
    const slow = connect(port, '127.0.0.1');
    const [serverSide] = (await accepted) as [Socket];
    const slowRead = readAll(slow);
    t.app.server.emit('clientError', Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), serverSide);
    check((await slowRead)[0]!, 408, 'a request too slow to arrive');

    // Shutting down: a request already under way finishes; the next one on its kept-alive
    // connection is refused with 503 in the same shape.
    const body = `RoleId=${rid}&RequestedTTL=0`;
    const client = connect(port, '127.0.0.1');
    const responses = readAll(client);
    const underWay = once(t.app.server, 'request');
    client.write(`POST ${API}/pamrequests HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${auth}\r\nContent-Type: ${FORM_CT['content-type']}\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    await underWay;
    const closed = t.app.close();
    while (t.app.server.listening) await new Promise((r) => setImmediate(r));
    client.write(`${body.slice(10)}GET ${API}/pamroles HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${auth}\r\n\r\n`);
    const [first, second] = await responses;
    await closed;
    check(first!, 409, 'the request under way when the server began to close');
    check(second!, 503, 'a request arriving while the server closes');
    assert.equal(second!.headers.connection, 'close');
    assert.ok(Number(second!.headers['retry-after']) > 0, 'says when to retry');
  });

  test('the sweep met every status', () => {
    assert.deepEqual([...seen.keys()].sort((a, b) => a - b), [400, 401, 403, 404, 405, 408, 409, 413, 414, 415, 417, 421, 429, 431, 503]);
  });
});
