// The portal's sign-in and its use without a mouse or without sight, in real headless Chromium
// against a real `elevate serve --demo` process: the page's headers, the password throttle in
// words, keyboard-only use and the screen-reader announcement of an ending elevation.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/chromium.js';
import { PortalPeople } from '../support/portal-people.js';
import { closePortalStand } from '../support/portal-teardown.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { SHOTS, card, photographingTest, shot } from './portal-ui-kit.js';

let elevate: ServerProcess;
let dataDir: string;
let browser: Browser;
let people: PortalPeople;

const test = photographingTest(() => people);

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'elevate-portal-a11y-'));
  elevate = await startServerProcess(['--demo', '--data', dataDir]);
  browser = await launchBrowser();
  people = new PortalPeople(browser, elevate.url);
}, { timeout: 40_000 });

after(() => closePortalStand({ people, browser, elevate, dataDir }));

test('the portal page is served with a strict CSP and its bundle is cached as immutable', async () => {
  const res = await fetch(`${elevate.url}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self';/);
  assert.equal(res.headers.get('cache-control'), 'no-cache');
  const js = /src="(\/assets\/portal-[0-9a-f]+\.js)"/.exec(await res.text())?.[1];
  assert.ok(js, 'index.html names a hashed bundle');
  const bundle = await fetch(`${elevate.url}${js}`);
  assert.equal(bundle.status, 200);
  assert.equal(bundle.headers.get('cache-control'), 'public, max-age=31536000, immutable');
});

test('a wrong password is refused in words, and after five the throttle says how long to wait', async () => {
  const page = await people.newPerson();
  await page.goto(`${elevate.url}/`);
  await shot(page, '01-sign-in');
  await page.getByLabel('User name').fill('nobody-here');
  for (let i = 1; i <= 5; i++) {
    await page.getByLabel('Password').fill(`guess-${i}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The user name or password is incorrect' }).waitFor();
  }
  // The throttle slows rather than locks: the waits double from one second, so on a slow machine a
  // click may come after the first wait is over; within a few more it comes too soon.
  const alert = page.getByRole('alert');
  const throttled = /Too many failed sign-ins for this account; try again in \d+ seconds/;
  for (let i = 6; i <= 12; i++) {
    await page.getByLabel('Password').fill(`guess-${i}`);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/session/login')),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    if (res.status() === 429) break;
  }
  await alert.filter({ hasText: throttled }).waitFor();
  assert.match(await alert.innerText(), /ask an administrator/);
  await shot(page, '02-sign-in-throttled');
});

test('screen readers hear once, five minutes before the end, that an elevation is ending', async () => {
  const page = await people.newPerson();
  // The page's own clock, moved by hand: the server keeps real time, only the countdown is hurried.
  await page.clock.install();
  await people.signIn(page, 'jen');
  const role = card(page, 'Allow AD Access');
  await role.getByRole('button', { name: 'Activate Allow AD Access' }).click();
  await role.getByLabel('Duration (minutes)').fill('6');
  await role.getByRole('button', { name: 'Activate', exact: true }).click();
  await role.getByRole('timer').waitFor();
  const live = page.locator('[aria-live=polite]');
  assert.doesNotMatch(await live.innerText(), /ends in 5 minutes/);
  await page.clock.fastForward('01:05');
  await live.filter({ hasText: 'Allow AD Access ends in 5 minutes.' }).waitFor();
  await role.getByRole('button', { name: 'Deactivate Allow AD Access' }).click();
  await role.getByRole('button', { name: 'Activate Allow AD Access' }).waitFor();
});

test('keyboard only: sign in, land on the page heading, reach and use a role\'s Activate button', async () => {
  const page = await people.newPerson();
  await page.goto(`${elevate.url}/`);
  // The sign-in form puts the cursor in the first field.
  await page.getByLabel('User name').waitFor();
  assert.equal(await page.locator(':focus').getAttribute('name'), 'login');
  await page.keyboard.type('jen');
  await page.keyboard.press('Tab');
  await page.keyboard.type('jen');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'My roles' }).waitFor();
  assert.equal(await page.locator(':focus').innerText(), 'My roles', 'focus moves to the page heading');
  let name = '';
  for (let i = 0; i < 30 && name !== 'Activate Business Hours'; i++) {
    await page.keyboard.press('Tab');
    name = (await page.locator(':focus').innerText()).replace(/\s+/g, ' ').trim();
  }
  assert.equal(name, 'Activate Business Hours', 'Tab reaches the button');
  await page.keyboard.press('Enter');
  await card(page, 'Business Hours').getByLabel('Duration (minutes)').waitFor();
  await page.keyboard.press('Tab'); // into the duration field
  assert.equal(await page.locator(':focus').getAttribute('name'), 'minutes');
});

test('no page broke the Content-Security-Policy or threw an uncaught error', () => {
  assert.deepEqual(people.cspViolations, []);
  assert.deepEqual(people.pageErrors, []);
});
