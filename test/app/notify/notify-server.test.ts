/**
 * `elevate serve` with webhooks configured: a request reaches a receiver that verifies the
 * signature while another receiver is down, and the one that is down shows in /metrics and the log,
 * without its secret.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { verifySignature } from '../../../src/adapters/notify/webhook-signature.js';
import { tempDir } from '../../support/harness.js';
import { startTestServer } from '../../support/test-server.js';
import { until } from '../../support/until.js';

const SECRET = 'hook-secret-never-logged-4f1d';


test('serve delivers signed CloudEvents to a webhook while another is down, and reports the one that is down', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'etc'));
  const secretFile = join(dir, 'etc', 'hook.secret');
  writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o600 });
  const got: { type: string; verified: boolean }[] = [];
  const receiver: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ type: JSON.parse(body).type, verified: verifySignature(SECRET, body, String(req.headers['elevate-signature']), Math.floor(Date.now() / 1000)) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  t.after(() => receiver.close());
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/elevate`;

  let logText = '';
  const logger = pino({ level: 'info' }, new Writable({ write: (c, _e, cb) => ((logText += String(c)), cb()) }));
  const { server, stop } = await startTestServer(
    {
      logLevel: 'info',
      portalUrl: 'https://elevate.corp.example',
      // Port 1 on loopback refuses at once: a receiver that is down, listed first.
      notifications: { webhooks: [{ url: 'http://127.0.0.1:1/down', secretFile, events: ['*'] }, { url: hook, secretFile, events: ['approval-needed'] }] },
    },
    { logger },
  );
  t.after(stop);
  const auth = (login: string) => ({ authorization: `Basic ${Buffer.from(`${login}:${login}`).toString('base64')}` });
  const roles = (await (await fetch(`${server.url}/api/pamresources/pamroles`, { headers: auth('jen') })).json()) as { value: { DisplayName: string; RoleId: string }[] };
  const role = roles.value.find((r) => r.DisplayName === 'ApprovalRole')!.RoleId;
  const created = await fetch(`${server.url}/api/pamresources/pamrequests`, {
    method: 'POST',
    headers: { ...auth('jen'), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ RoleId: role, RequestedTTL: '600', Justification: 'change 42' }),
  });
  assert.equal(created.status, 201, await created.text());

  const first = await until('the webhook delivery', () => got[0]);
  assert.deepEqual(first, { type: 'org.elevate.request.approval-needed', verified: true });
  await until('the failed delivery to be logged', () => (logText.includes('notification not delivered') ? true : undefined));
  const metrics = await (await fetch(`${server.url}/metrics`, { headers: auth('admin') })).text();
  assert.match(metrics, /^elevate_notification_queue_depth 1$/m, 'the delivery to the receiver that is down waits');
  assert.match(metrics, /^elevate_notification_failures_total\{channel="webhook"\} [1-9]/m);
  assert.match(metrics, /^elevate_notification_delivery_lateness_seconds_count 1$/m);
  assert.ok(!logText.includes(SECRET), 'the webhook secret never reaches the log');
  assert.equal(got.length, 1);
});
