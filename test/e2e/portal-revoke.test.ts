// Taking access away in Elevate's own portal, in real headless Chromium against a real
// `elevate serve --demo` process: the administrator revokes jen's elevation from "Active now" with
// a reason, jen's My requests says it ended and why; then a lock from the Users page ends her session.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/chromium.js';
import { PortalPeople } from '../support/portal-people.js';
import { closePortalStand } from '../support/portal-teardown.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const SHOTS = fileURLToPath(new URL('../../../test-artifacts/portal/', import.meta.url));

let elevate: ServerProcess;
let dataDir: string;
let browser: Browser;
let people: PortalPeople;
let jen: Page, adminPage: Page;

async function members(group: string): Promise<string[]> {
  const res = await fetch(`${elevate.url}/api/admin/groups/${encodeURIComponent(group)}/members`, { headers: { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` } });
  return ((await res.json()) as { value: { login: string; member: boolean }[] }).value.filter((m) => m.member).map((m) => m.login);
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'elevate-portal-revoke-'));
  elevate = await startServerProcess(['--demo', '--data', dataDir]);
  browser = await launchBrowser();
  people = new PortalPeople(browser, elevate.url);
  [jen, adminPage] = await Promise.all([people.newPerson(), people.newPerson()]);
  await Promise.all([people.signIn(jen, 'jen'), people.signIn(adminPage, 'admin')]);
}, { timeout: 40_000 });

after(() => closePortalStand({ people, browser, elevate, dataDir }));

test('the administrator revokes from "Active now" with a reason; jen’s My requests shows it ended and why', async () => {
  const ad = jen.getByRole('listitem').filter({ has: jen.getByRole('heading', { name: 'Allow AD Access', exact: true }) });
  await ad.getByRole('button', { name: 'Activate Allow AD Access' }).click();
  await ad.getByLabel('Justification').fill('patch DC01');
  await ad.getByRole('button', { name: 'Activate', exact: true }).click();
  await ad.getByRole('timer').waitFor();
  assert.deepEqual(await members('CORP Domain Admins'), ['jen']);

  await people.go(adminPage, 'admin/holdings', 'Active now');
  const row = adminPage.getByRole('row').filter({ hasText: 'Jen (jen)' });
  await row.getByRole('button', { name: 'Revoke Allow AD Access of jen' }).click();
  // No reason, no revoke: the browser's own check keeps the form from going.
  await row.getByRole('button', { name: 'Revoke now Allow AD Access of jen' }).click();
  assert.deepEqual(await members('CORP Domain Admins'), ['jen']);
  await row.getByLabel('Reason').fill('stolen laptop');
  await adminPage.screenshot({ path: join(SHOTS, '30-admin-revoke-reason.png'), fullPage: true });
  await row.getByRole('button', { name: 'Revoke now Allow AD Access of jen' }).click();
  await adminPage.getByText('Nobody holds a role right now.').waitFor();
  assert.deepEqual(await members('CORP Domain Admins'), []);

  await people.go(jen, 'requests', 'My requests');
  const history = jen.getByRole('table', { name: 'Your requests, newest first' }).getByRole('row').filter({ hasText: 'Allow AD Access' });
  await history.getByText('Revoked by an administrator: stolen laptop').waitFor();
  assert.match(await history.innerText(), /Closed/);
  await jen.screenshot({ path: join(SHOTS, '31-my-requests-revoked.png'), fullPage: true });
});

test('a lock from the Users page ends jen’s session and shows on her row; unlock lifts it', async () => {
  await people.go(adminPage, 'admin/users', 'Users');
  const row = adminPage.getByRole('row').filter({ has: adminPage.getByRole('rowheader', { name: 'jen', exact: true }) });
  await row.getByRole('button', { name: 'Lock jen' }).click();
  await row.getByLabel('Reason').fill('investigation');
  await row.getByRole('button', { name: 'Lock now jen' }).click();
  await row.getByText('Locked: investigation').waitFor();
  await adminPage.screenshot({ path: join(SHOTS, '32-admin-user-locked.png'), fullPage: true });

  // Her next call finds no session: the portal goes back to its sign-in form, which refuses her.
  await people.go(jen, 'roles', 'Sign in');
  await jen.getByLabel('User name').fill('jen');
  await jen.getByLabel('Password').fill('jen');
  await jen.getByRole('button', { name: 'Sign in' }).click();
  await jen.getByRole('alert').filter({ hasText: /incorrect, or the account is disabled/ }).waitFor();

  await row.getByRole('button', { name: 'Unlock jen' }).click();
  await row.getByRole('button', { name: 'Lock jen' }).waitFor();
  await people.signIn(jen, 'jen');
  assert.deepEqual(people.pageErrors, []);
});
