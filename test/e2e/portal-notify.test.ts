// Issue 15 end to end, in real headless Chromium against a real server: jen's expiry warning email
// arrives at a real SMTP server (parsed back) before her elevation ends; its link opens the exact
// portal page, opening it changes nothing, and extending there works. Her Security page then lists
// what reaches her, at which address, and the warning as delivered.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ParsedMail, simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import type { RunningServer } from '../../src/main.js';
import { launchBrowser } from '../support/chromium.js';
import { PortalPeople } from '../support/portal-people.js';
import { startTestServer } from '../support/test-server.js';
import { until } from '../support/until.js';

const SHOTS = fileURLToPath(new URL('../../../test-artifacts/portal/', import.meta.url));
const auth = (login: string) => ({ authorization: `Basic ${Buffer.from(`${login}:${login}`).toString('base64')}` });

let smtp: SMTPServer;
const mails: ParsedMail[] = [];
let server: RunningServer;
let stop: (() => Promise<void>) | undefined;
let browser: Browser;
let people: PortalPeople;
let jen: Page;


async function api(method: string, path: string, login: string, body?: unknown): Promise<any> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...auth(login), ...(body !== undefined && { 'content-type': typeof body === 'string' ? 'application/x-www-form-urlencoded' : 'application/json' }) },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${text}`);
  return text === '' ? null : JSON.parse(text);
}

const jenRequests = async () => ((await api('GET', '/api/pamresources/pamrequests', 'jen')) as { value: { RequestId: string; RequestStatus: string; ExpirationTime: string; RoleId: string }[] }).value;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'], // loopback only, in a test
    onData(stream, _s, cb) {
      simpleParser(stream).then((m) => (mails.push(m), cb()), cb);
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  const port = (smtp.server.address() as AddressInfo).port;
  ({ server, stop } = await startTestServer({
    tickMs: 200,
    notifications: { email: { url: `smtp://127.0.0.1:${port}`, from: 'Elevate <elevate@corp.example>', requireTls: false } },
  }));
  browser = await launchBrowser();
  people = new PortalPeople(browser, server.url);
  jen = await people.newPerson();
  await people.signIn(jen, 'jen');
}, { timeout: 60_000 });

after(async () => {
  await people?.closeAll();
  await browser?.close();
  await stop?.();
  await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
});

test('the expiry warning mail arrives before the end, its link opens the page to extend, and extending there works', { timeout: 180_000 }, async () => {
  // A role warned a minute before the end (its own lead time), activated for 90 seconds.
  await api('POST', '/api/admin/roles', 'admin', { name: 'Quick Fix', ttlSeconds: 3600, groups: ['Business Hours Ops'], candidates: ['jen'], notify: { expiryWarningMinutes: 1 } });
  const roles = (await api('GET', '/api/pamresources/pamroles', 'jen')).value as { DisplayName: string; RoleId: string }[];
  const roleId = roles.find((r) => r.DisplayName === 'Quick Fix')!.RoleId;
  await api('POST', '/api/pamresources/pamrequests', 'jen', new URLSearchParams({ RoleId: roleId, RequestedTTL: '90', Justification: 'hotfix' }).toString());
  let first!: { RequestId: string; ExpirationTime: string };
  for (let i = 0; i < 100; i++) {
    const r = (await jenRequests()).find((x) => x.RoleId === roleId && x.RequestStatus === 'Active');
    if (r) {
      first = r;
      break;
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.ok(first, 'the elevation became active');
  const end = Date.parse(first.ExpirationTime);

  const warning = await until('the expiry warning mail', () => mails.find((m) => m.headers.get('x-elevate-event') === 'ending-soon'), 80_000);
  const arrived = Date.now();
  assert.ok(arrived < end, `the warning arrived ${Math.round((end - arrived) / 1000)} s before the end`);
  assert.ok(arrived >= end - 60_000 - 5_000, 'and not before its lead time');
  assert.equal((warning.to as { value: { address: string }[] }).value[0]!.address, 'jen@priv.example');
  const link = /Extend it in Elevate: (\S+)/.exec(warning.text ?? '')?.[1];
  assert.equal(link, `${server.url}/#/roles`, 'the link is the page where the elevation is extended');
  assert.match(String(warning.html), new RegExp(`href="${link!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"`));

  // Opening the link (a GET) changes nothing.
  const before = JSON.stringify(await jenRequests());
  // As a mail reader opens it: a new tab of the browser jen is signed in with.
  const tab = await jen.context().newPage();
  tab.on('pageerror', (e) => people.pageErrors.push(`${tab.url()}: ${e.stack ?? e.message}`));
  await tab.goto(link!);
  await tab.getByRole('heading', { level: 1, name: 'My roles' }).waitFor();
  const card = tab.getByRole('listitem').filter({ has: tab.getByRole('heading', { name: 'Quick Fix', exact: true }) });
  await card.getByRole('button', { name: 'Extend Quick Fix' }).waitFor();
  assert.equal(JSON.stringify(await jenRequests()), before, 'opening the link changed nothing');

  await card.getByRole('button', { name: 'Extend Quick Fix' }).click();
  await card.getByLabel('Duration (minutes)').fill('30');
  await card.getByLabel('Justification').fill('hotfix takes longer');
  await card.getByRole('button', { name: 'Extend', exact: true }).click();
  await tab.screenshot({ path: join(SHOTS, '40-extend-from-warning.png'), fullPage: true });
  const extended = await (async () => {
    for (let i = 0; i < 100; i++) {
      const r = (await jenRequests()).find((x) => x.RoleId === roleId && x.RequestStatus === 'Active' && x.RequestId !== first.RequestId);
      if (r) return r;
      await new Promise((res) => setTimeout(res, 100));
    }
    return undefined;
  })();
  assert.ok(extended, 'the extension is active');
  assert.ok(Date.now() < end, 'extended before the end');
  assert.ok(Date.parse(extended.ExpirationTime) >= end + 25 * 60_000, 'access now lasts about 30 minutes more');

  // The Security page lists what reaches jen and the warning as delivered.
  await people.go(tab, 'security', 'Security');
  const section = tab.getByRole('region', { name: 'Notifications' });
  await section.getByText('Email goes to jen@priv.example.').waitFor();
  await section.getByRole('row').filter({ hasText: 'Your access ends soon' }).filter({ hasText: 'Delivered' }).first().waitFor();
  await tab.screenshot({ path: join(SHOTS, '41-security-notifications.png'), fullPage: true });
  assert.deepEqual([people.pageErrors, people.cspViolations], [[], []]);
});
