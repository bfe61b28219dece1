import assert from 'node:assert/strict';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileSink } from '../../../src/adapters/audit-export/file-sink.js';
import { HttpSink } from '../../../src/adapters/audit-export/http-sink.js';
import { verifySignature } from '../../../src/adapters/notify/webhook-signature.js';
import { exportAuditPass } from '../../../src/app/audit/export-audit.js';
import type { ExportRecord } from '../../../src/domain/audit/export-record.js';
import { OPTS, audited, checkpoint, exportCore } from './support.js';

/** A receiver on loopback: answers each request with `answer` and keeps what it was sent. */
async function receiver(t: import('node:test').TestContext, answer: (req: IncomingMessage, body: string, res: ServerResponse) => void) {
  const got: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      answer(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  t.after(() => server.closeAllConnections());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ingest`, got };
}

test('the HTTP sink POSTs batches as JSON arrays with a bearer token and an HMAC signature, retries a refused batch, and never follows a redirect', async (t) => {
  const { tc, kit } = await exportCore(t);
  let refuse = true;
  const elsewhere = await receiver(t, (_req, _b, res) => res.writeHead(200).end());
  const rx = await receiver(t, (req, _b, res) => {
    if (req.url === '/moved') return void res.writeHead(307, { location: elsewhere.url }).end();
    res.writeHead(refuse ? 503 : 200).end();
  });
  const sink = (url: string) => new HttpSink({ name: 'collector', url, bearerToken: 'tok-123', hmacSecret: 's3cret', nowSeconds: () => Math.floor(tc.clock.now() / 1000) });
  await audited(tc, 10);
  await checkpoint(tc, kit);

  const refused = await exportAuditPass(tc.core.deps, sink(rx.url), OPTS);
  assert.deepEqual([refused.entries, refused.lagRecords, refused.error], [0, 10, 'answered HTTP 503']);
  refuse = false;
  const sent = await exportAuditPass(tc.core.deps, sink(rx.url), OPTS);
  assert.deepEqual([sent.entries, sent.checkpoints, sent.lagRecords, sent.error], [10, 1, 0, null]);
  assert.equal(rx.got.length, 3, 'the refused batch, then two batches of at most 7 entries');
  const batches = rx.got.map((g) => JSON.parse(g.body) as ExportRecord[]);
  assert.deepEqual(batches[0], batches[1], 'the refused batch is sent again as it was');
  assert.deepEqual(batches.slice(1).flat().map((r) => `${r.type}:${r.seq}`), [...Array.from({ length: 10 }, (_, i) => `audit:${i + 1}`), 'checkpoint:10']);
  for (const g of rx.got) {
    assert.equal(g.headers.authorization, 'Bearer tok-123');
    assert.equal(g.headers['content-type'], 'application/json; charset=utf-8');
    assert.ok(verifySignature('s3cret', g.body, String(g.headers['elevate-signature']), Math.floor(tc.clock.now() / 1000)), 'the signature covers the exact body');
  }

  await audited(tc, 1);
  const redirected = await exportAuditPass(tc.core.deps, sink(rx.url.replace('/ingest', '/moved')), { ...OPTS, holder: 'node-a' });
  assert.equal(redirected.error, 'answered HTTP 307');
  assert.equal(redirected.lagRecords, 1);
  assert.equal(elsewhere.got.length, 0, 'the token and the records never reached the other host');
});

test('a receiver that does not answer delays only its own sink: another sink keeps up meanwhile', async (t) => {
  const { tc, dir } = await exportCore(t);
  const hung = await receiver(t, () => {}); // takes the request, never answers
  await audited(tc, 5);
  const file = new FileSink({ name: 'archive', path: join(dir, 'audit.jsonl'), maxBytes: 1 << 20, keep: 1 });
  const http = new HttpSink({ name: 'collector', url: hung.url, nowSeconds: () => 0 });
  const started = Date.now();
  let fileDoneAfter = -1;
  const [h, f] = await Promise.all([
    exportAuditPass(tc.core.deps, http, { ...OPTS, sendTimeoutMs: 3000 }),
    exportAuditPass(tc.core.deps, file, OPTS).then((r) => ((fileDoneAfter = Date.now() - started), r)),
  ]);
  assert.deepEqual([f.entries, f.lagRecords, f.error], [5, 0, null]);
  assert.equal(h.error, 'no answer within 3000 ms');
  assert.equal(h.lagRecords, 5);
  assert.ok(Date.now() - started >= 3000);
  assert.ok(fileDoneAfter < 2500, `the file sink finished after ${fileDoneAfter} ms, before the HTTP sink gave up`);
});
