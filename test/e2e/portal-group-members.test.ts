// The Groups page's members editor in Chromium (issue 14 §1): an embedded group no role grants gets
// its standing members edited with the people picker and saved, what changed is said, and a group a
// role grants offers no editor. At desktop width and at 390 px, where the page may not scroll
// sideways. Screenshots go to test-artifacts/portal/.
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
let desk: Page, phone: Page;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'elevate-portal-members-'));
  elevate = await startServerProcess(['--demo', '--data', dataDir]);
  for (const name of ['DB Admins', 'On Call']) {
    const res = await fetch(`${elevate.url}/api/admin/groups`, { method: 'POST', headers: ADMIN, body: JSON.stringify({ name }) });
    assert.equal(res.status, 201, await res.text());
  }
  browser = await launchBrowser();
  people = new PortalPeople(browser, elevate.url);
  [desk, phone] = await Promise.all([people.newPerson(), people.newPerson({ width: 390, height: 844 })]);
  await Promise.all([people.signIn(desk, 'admin'), people.signIn(phone, 'admin')]);
}, { timeout: 60_000 });

after(() => closePortalStand({ people, browser, elevate, dataDir }));

const membersOf = async (group: string) => {
  const res = await fetch(`${elevate.url}/api/admin/groups/${encodeURIComponent(group)}/members`, { headers: ADMIN });
  return ((await res.json()) as { value: { login: string }[] }).value.map((m) => m.login);
};
const widths = (page: Page) => page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]') as Promise<[number, number]>;

async function pickPerson(page: Page, group: string, typed: string, option: string): Promise<void> {
  const picker = `Members of ${group}`;
  const form = page.getByRole('form', { name: picker });
  await form.getByRole('combobox', { name: picker, exact: true }).fill(typed);
  await form.getByRole('listbox', { name: `Matches for ${picker}` }).getByRole('option', { name: option, exact: true }).click();
}

test('standing members are added and removed with the people picker, and what changed is said', async () => {
  await people.go(desk, 'admin/groups', 'Groups');
  await desk.getByRole('button', { name: 'Members of DB Admins' }).click();
  const form = desk.getByRole('form', { name: 'Members of DB Admins' });
  await pickPerson(desk, 'DB Admins', 'je', 'Jen (jen)');
  await pickPerson(desk, 'DB Admins', 'an', 'Ann (ann)');
  await form.getByRole('button', { name: 'Save members' }).click();
  await form.getByText('Members of DB Admins saved: added ann, jen.').waitFor();
  assert.deepEqual(await membersOf('DB Admins'), ['ann', 'jen']);
  await desk.screenshot({ path: join(SHOTS, '60-group-members-editor.png'), fullPage: true });

  await form.getByRole('button', { name: 'Remove jen from Members of DB Admins' }).click();
  await form.getByRole('button', { name: 'Save members' }).click();
  await form.getByText('Members of DB Admins saved: removed jen.').waitFor();
  assert.deepEqual(await membersOf('DB Admins'), ['ann']);
});

test('a group a role grants says so and offers no editor', async () => {
  await people.go(desk, 'admin/groups', 'Groups');
  await desk.getByRole('button', { name: 'Members of CORP Domain Admins' }).click();
  await desk.getByText('Granted by Allow AD Access: members only through elevations.').waitFor();
  assert.equal(await desk.getByRole('form', { name: 'Members of CORP Domain Admins' }).count(), 0);
});

test('at 390 px the members editor works and the page does not scroll sideways', async () => {
  await people.go(phone, 'admin/groups', 'Groups');
  await phone.getByRole('button', { name: 'Members of On Call' }).click();
  const form = phone.getByRole('form', { name: 'Members of On Call' });
  await pickPerson(phone, 'On Call', 'ann', 'Ann (ann)');
  await form.getByRole('button', { name: 'Save members' }).click();
  await form.getByText('Members of On Call saved: added ann.').waitFor();
  assert.deepEqual(await membersOf('On Call'), ['ann']);
  const [scroll, client] = await widths(phone);
  assert.ok(scroll <= client, `the Groups page scrolls sideways at 390 px: ${scroll} > ${client}`);
  await phone.screenshot({ path: join(SHOTS, '61-group-members-editor-390.png'), fullPage: true });
});
