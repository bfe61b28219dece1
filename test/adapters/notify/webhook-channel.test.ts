/**
 * Webhooks against a real HTTP receiver on loopback that checks what a receiver should: the
 * signature (with the snippet docs/notifications.md documents), the CloudEvents envelope, and the event filter.
 */
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { WebhookChannel } from '../../../src/adapters/notify/webhook-channel.js';
import { verifySignature } from '../../../src/adapters/notify/webhook-signature.js';
import type { NotificationMessage } from '../../../src/ports/notification-channel.js';
import { SAMPLE_MESSAGE } from './sample-message.js';

const SECRET = 'whsec-test-0123456789abcdef';
const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

interface Received {
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A receiver: records every request and answers with `answer(url)`. */
async function receiver(answer: (url: string) => { status: number; location?: string } = () => ({ status: 204 })): Promise<{ base: string; got: Received[]; port: number }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ url: req.url ?? '', headers: req.headers, body });
      const a = answer(req.url ?? '');
      res.writeHead(a.status, a.location ? { location: a.location } : {});
      res.end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { base: `http://127.0.0.1:${port}`, got, port };
}

/** The verification snippet of docs/notifications.md, word for word: what a receiver runs. */
function verifyElevateSignature(secret: string, rawBody: string, header: string, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2)));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(String(parts.v1 ?? ''), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const message = SAMPLE_MESSAGE;

const channel = (url: string, events: WebhookChannelEvents = ['*']) =>
  new WebhookChannel({ url, secret: SECRET, events, source: 'https://elevate.corp.example', clock: { now: () => Date.now() } });
type WebhookChannelEvents = ConstructorParameters<typeof WebhookChannel>[0]['events'];

test('a webhook gets a CloudEvent whose signature the documented snippet verifies, and a wrong secret or a changed body does not', async () => {
  const r = await receiver();
  await channel(`${r.base}/hooks/elevate`).send(message, new AbortController().signal);
  assert.equal(r.got.length, 1);
  const { headers, body } = r.got[0]!;
  assert.equal(headers['content-type'], 'application/cloudevents+json; charset=utf-8');
  const sig = String(headers['elevate-signature']);
  assert.match(sig, /^t=\d+,v1=[0-9a-f]{64}$/);
  assert.equal(verifyElevateSignature(SECRET, body, sig), true);
  assert.equal(verifyElevateSignature('another secret', body, sig), false);
  assert.equal(verifyElevateSignature(SECRET, body.replace('change 42', 'change 43'), sig), false);
  assert.equal(verifySignature(SECRET, body, sig, Math.floor(Date.now() / 1000)), true);
  assert.equal(verifySignature(SECRET, body, sig, Math.floor(Date.now() / 1000) + 301), false, 'a replay after five minutes is refused');
  const event = JSON.parse(body);
  assert.deepEqual(
    [event.specversion, event.id, event.type, event.source, event.subject, event.time, event.datacontenttype],
    ['1.0', message.id, 'org.elevate.request.approval-needed', 'https://elevate.corp.example', message.request.id, '2026-01-05T10:00:00.000Z', 'application/json'],
  );
  assert.deepEqual(event.data.request.requester, { login: 'jen', displayName: 'Jen' }, 'no email address leaves in a webhook');
  assert.equal(event.data.link, message.link);
});

test('the event filter decides what a webhook takes', () => {
  const only = channel('http://127.0.0.1:9/x', ['elevation-ended', 'revocation-late']);
  assert.deepEqual([only.accepts('revocation-late'), only.accepts('approval-needed')], [true, false]);
  assert.equal(channel('http://127.0.0.1:9/x').accepts('approval-needed'), true);
});

test('a redirect is followed within the same origin only; one to another host is refused and never reached', async () => {
  const other = await receiver();
  const r = await receiver((url) => (url === '/old' ? { status: 308, location: '/new' } : url === '/away' ? { status: 307, location: `http://localhost:${other.port}/steal` } : { status: 204 }));
  await channel(`${r.base}/old`).send(message, new AbortController().signal);
  assert.deepEqual(r.got.map((g) => g.url), ['/old', '/new']);
  await assert.rejects(channel(`${r.base}/away`).send(message, new AbortController().signal), /redirected to another host/);
  assert.equal(other.got.length, 0);
});

test('an answer other than 2xx is a failure the worker retries', async () => {
  const r = await receiver(() => ({ status: 503 }));
  await assert.rejects(channel(`${r.base}/hooks`).send(message, new AbortController().signal), /HTTP 503/);
});

