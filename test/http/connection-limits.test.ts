/**
 * Slow and idle connections (issue 11, finding 7a), on a real listening server: a body trickling in
 * or a connection that says nothing is cut off, and connections beyond the limit are refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Socket, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { makeApp, type TestApp } from '../support/harness.js';

const LIMITS = { requestTimeoutMs: 1000, headersTimeoutMs: 1000, keepAliveTimeoutMs: 500, idleTimeoutMs: 1500, maxConnections: 5 };

async function listening(): Promise<{ t: TestApp; port: number }> {
  const t = await makeApp({ config: { http: LIMITS } });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  return { t, port: (t.app.server.address() as AddressInfo).port };
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

/** Milliseconds until the server closes the socket, or null if it is still open after `withinMs`. */
function closedWithin(s: Socket, withinMs: number): Promise<{ ms: number; data: string } | null> {
  const started = performance.now();
  let data = '';
  s.on('data', (d) => (data += d.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), withinMs);
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, data });
    });
    s.on('error', () => {}); // a reset is a close too
  });
}

test('a body sent one byte at a time is cut off after the request timeout', async () => {
  const { t, port } = await listening();
  try {
    const s = await open(port);
    s.write('POST /api/session/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
    const drip = setInterval(() => s.writable && s.write(' '), 100);
    const closed = await closedWithin(s, 8000);
    clearInterval(drip);
    s.destroy();
    assert.ok(closed, 'the connection was still open after 8 s');
    assert.ok(closed.ms < 5000, `closed after ${closed.ms.toFixed(0)} ms`);
    if (closed.data) assert.match(closed.data, /^HTTP\/1\.1 408/);
  } finally {
    await t.destroy();
  }
});

test('a connection that sends nothing is closed', async () => {
  const { t, port } = await listening();
  try {
    const s = await open(port);
    const closed = await closedWithin(s, 6000);
    s.destroy();
    assert.ok(closed, 'the idle connection was still open after 6 s');
    assert.ok(closed.ms < 4000, `closed after ${closed.ms.toFixed(0)} ms`);
  } finally {
    await t.destroy();
  }
});

test('connections beyond maxConnections are refused; the others still work', async () => {
  const { t, port } = await listening();
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < LIMITS.maxConnections; i++) sockets.push(await open(port));
    const extra = await open(port);
    sockets.push(extra);
    const closed = await closedWithin(extra, 1000);
    assert.ok(closed, 'the connection over the limit stayed open');
    const first = sockets[0]!;
    const answer = new Promise<string>((resolve) => first.once('data', (d) => resolve(d.toString())));
    first.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    assert.match(await answer, /^HTTP\/1\.1 200/);
  } finally {
    for (const s of sockets) s.destroy();
    await t.destroy();
  }
});
