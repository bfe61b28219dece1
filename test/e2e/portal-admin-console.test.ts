// The admin console in real headless Chromium against `elevate serve --demo` (issue 18 §1): the
// administrator lands on the overview, searches and pages the users, opens a request's timeline from
// "Active now" and from the audit trail, filters the audit by an action from the list, searches and pages
// the roles and still edits one; at desktop and
// at 390 px, where no page may scroll sideways. Screenshots go to test-artifacts/portal/.
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
const ADMIN = { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}`, 'content-type': 'application/json' };

let elevate: ServerProcess;
let dataDir: string;
let browser: Browser;
let people: PortalPeople;
let desk: Page, phone: Page, jen: Page;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'elevate-portal-console-'));
  elevate = await startServerProcess(['--demo', '--data', dataDir]);
  // Enough people for more than one page of users (25 a page).
  for (let i = 0; i < 30; i++) {
    const res = await fetch(`${elevate.url}/api/admin/users`, { method: 'POST', headers: ADMIN, body: JSON.stringify({ login: `user${String(i).padStart(2, '0')}`, displayName: `Test User ${i}`, password: 'pw-not-used' }) });
    assert.equal(res.status, 201, await res.text());
  }
  // And enough roles for more than one page of roles.
  for (let i = 0; i < 26; i++) {
    const res = await fetch(`${elevate.url}/api/admin/roles`, { method: 'POST', headers: ADMIN, body: JSON.stringify({ name: `Paged Role ${String(i).padStart(2, '0')}`, ttlSeconds: 3600, groups: [], candidates: [] }) });
    assert.equal(res.status, 201, await res.text());
  }
  browser = await launchBrowser();
  people = new PortalPeople(browser, elevate.url);
  [desk, phone, jen] = await Promise.all([people.newPerson(), people.newPerson({ width: 390, height: 844 }), people.newPerson()]);
  await Promise.all([people.signIn(desk, 'admin'), people.signIn(phone, 'admin'), people.signIn(jen, 'jen')]);
}, { timeout: 60_000 });

after(() => closePortalStand({ people, browser, elevate, dataDir }));

/** The page's scroll width against its viewport's (a string: the test's own lib has no DOM types). */
const widths = (page: Page) => page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]') as Promise<[number, number]>;
const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

test('an administrator lands on the overview, which counts who is active', async () => {
  await desk.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  await desk.getByRole('list', { name: 'At a glance' }).getByText('active now').waitFor();
  await shot(desk, '40-admin-overview');
});

test('users are searched and paged on the server', async () => {
  await people.go(desk, 'admin/users', 'Users');
  const status = desk.getByRole('navigation', { name: 'Pages of users' }).getByRole('status');
  await status.getByText(/^1–25 of \d+$/).waitFor();
  await desk.getByRole('button', { name: 'Next page of users' }).click();
  await status.getByText(/^26–\d+ of \d+$/).waitFor();
  await desk.getByLabel('Search by login, name or email').fill('user2');
  await status.getByText('1–10 of 10').waitFor();
  assert.equal(await desk.getByRole('rowheader', { name: 'user07' }).count(), 0);
  await desk.getByRole('rowheader', { name: 'user29' }).waitFor();
  await shot(desk, '41-admin-users-search');
});

test('roles are searched and paged on the server, and the editor still saves', async () => {
  await people.go(desk, 'admin/roles', 'Roles');
  const status = desk.getByRole('navigation', { name: 'Pages of roles' }).getByRole('status');
  const cards = desk.getByRole('list', { name: 'Roles' }).getByRole('heading', { level: 2 });
  await status.getByText(/^1–25 of \d+$/).waitFor();
  assert.equal(await cards.count(), 25);
  await desk.getByRole('button', { name: 'Next page of roles' }).click();
  await status.getByText(/^26–\d+ of \d+$/).waitFor();
  await desk.getByRole('button', { name: 'Previous page of roles' }).click();
  await status.getByText(/^1–25 of \d+$/).waitFor();
  await desk.getByLabel('Search by name or description').fill('paged role 1');
  await status.getByText('1–10 of 10').waitFor();
  assert.equal(await cards.count(), 10);
  assert.equal(await desk.getByRole('heading', { level: 2, name: 'Paged Role 07' }).count(), 0);
  assert.ok(await desk.getByRole('button', { name: 'Next page of roles' }).isDisabled(), 'one page only');
  await shot(desk, '46-admin-roles-search');
  // The editor, on a searched page: the saved role is shown again, still searched.
  await desk.getByRole('button', { name: 'Edit Paged Role 12' }).click();
  const form = desk.getByRole('form', { name: 'Edit Paged Role 12' });
  await form.getByLabel('Description').fill('found by search');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await desk.getByText('found by search').waitFor();
  await status.getByText('1–10 of 10').waitFor();
  await desk.getByLabel('Search by name or description').fill('found by');
  await status.getByText('1–1 of 1').waitFor();
  await desk.getByLabel('Search by name or description').fill('no such role');
  await desk.getByText('No roles match “no such role”.').waitFor();
});

test("a request's timeline, from Active now and from the audit trail", async () => {
  const ad = jen.getByRole('listitem').filter({ has: jen.getByRole('heading', { name: 'Allow AD Access', exact: true }) });
  await ad.getByRole('button', { name: 'Activate Allow AD Access' }).click();
  await ad.getByLabel('Justification').fill('patch DC01');
  await ad.getByRole('button', { name: 'Activate', exact: true }).click();
  await ad.getByRole('timer').waitFor();

  await people.go(desk, 'admin/holdings', 'Active now');
  await desk.getByRole('link', { name: 'Timeline of Allow AD Access of jen' }).click();
  await desk.getByRole('heading', { level: 1, name: 'Allow AD Access for jen' }).waitFor();
  const tl = desk.getByRole('list', { name: 'What happened, oldest first' });
  await tl.getByText('Requested').waitFor();
  await tl.getByText('Access granted (directory confirmed)').waitFor();
  assert.match(await tl.innerText(), /by jen/);
  await shot(desk, '42-admin-request-timeline');

  await people.go(desk, 'admin/audit', 'Audit trail');
  await desk.getByLabel('Action').selectOption('request.created');
  const row = desk.getByRole('row').filter({ hasText: 'Allow AD Access for jen' }).first();
  await row.waitFor();
  assert.match(await row.innerText(), /jen/);
  assert.doesNotMatch(await row.innerText(), /[0-9a-f]{8}-[0-9a-f]{4}/, 'names, not ids');
  await shot(desk, '43-admin-audit-names');
  await row.getByRole('link', { name: 'Allow AD Access for jen' }).click();
  await desk.getByRole('heading', { level: 1, name: 'Allow AD Access for jen' }).waitFor();
});

test('at 390 px no page scrolls sideways; screenshots of the console at phone width', async () => {
  const pages: [string, string][] = [
    ['roles', 'My roles'],
    ['requests', 'My requests'],
    ['approvals', 'Approvals'],
    ['reviews', 'Break-glass reviews'],
    ['security', 'Security'],
    ['admin', 'Overview'],
    ['admin/users', 'Users'],
    ['admin/groups', 'Groups'],
    ['admin/roles', 'Roles'],
    ['admin/holdings', 'Active now'],
    ['admin/break-glass', 'Break-glass uses'],
    // Last: the audit page's filter is used below.
    ['admin/audit', 'Audit trail'],
  ];
  for (const [hash, title] of pages) {
    await people.go(phone, hash, title);
    await phone.waitForLoadState('networkidle');
    const [scroll, client] = await widths(phone);
    assert.ok(scroll <= client, `#/${hash} scrolls sideways at 390 px: ${scroll} > ${client}`);
    if (hash.startsWith('admin')) await shot(phone, `44-phone-${hash.replace('/', '-')}`);
  }
  await phone.getByLabel('Action').selectOption('request.created');
  await phone.getByRole('link', { name: 'Allow AD Access for jen' }).first().click();
  await phone.getByRole('heading', { level: 1, name: 'Allow AD Access for jen' }).waitFor();
  const [scroll, client] = await widths(phone);
  assert.ok(scroll <= client, `the timeline scrolls sideways at 390 px: ${scroll} > ${client}`);
  await shot(phone, '45-phone-request-timeline');
  assert.deepEqual(people.pageErrors, []);
  assert.deepEqual(people.cspViolations, []);
});
