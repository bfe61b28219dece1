// Issue 14 in Elevate's own portal, in real headless Chromium against a real `elevate serve --demo`
// process: an administrator builds "two of bob or the DBA Leads, then dave" in the role editor with
// search pickers (keyboard and mouse), the API's refusal shown in the form; jen, on a 390 px phone,
// sees who approves before asking, must give a ticket (the server's 400 shown inline), and follows
// her request stage by stage; each approver finds it under Approvals only while their stage is open.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test as nodeTest } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser } from '../support/chromium.js';
import { apiCall } from '../support/admin-api.js';
import { PortalPeople } from '../support/portal-people.js';
import { PHONE, shotBoth as shotIn } from '../support/portal-shots.js';
import { closePortalStand } from '../support/portal-teardown.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const SHOTS = fileURLToPath(new URL('../../../test-artifacts/portal/', import.meta.url));

let elevate: ServerProcess;
let dataDir: string;
let browser: Browser;
let people: PortalPeople;
let adminPage: Page, jen: Page, bob: Page, carol: Page, dave: Page;

const adminCall = (method: string, url: string, body?: unknown, login = 'admin'): Promise<unknown> => apiCall(elevate.url, method, url, body, login);

function card(page: Page, name: string): Locator {
  return page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
}

/** The same screen at desktop width and on a 390 px phone; on the phone nothing may need sideways scrolling. */
const shotBoth = (page: Page, name: string) => shotIn(page, SHOTS, name);

/** Picks one match in a picker by typing part of it; `keyboard` uses the arrow keys and Enter, else a click. */
async function pick(scope: Locator, picker: string, typed: string, option: string, keyboard: boolean): Promise<void> {
  const box = scope.getByRole('combobox', { name: picker, exact: true });
  await box.fill(typed);
  const list = scope.getByRole('listbox', { name: `Matches for ${picker}` });
  const wanted = list.getByRole('option', { name: option, exact: true });
  await wanted.waitFor();
  if (keyboard) {
    // Walk down until the wanted option is the active one, as a keyboard user would.
    for (let i = 0; i < 8 && (await wanted.getAttribute('aria-selected')) !== 'true'; i++) await box.press('ArrowDown');
    assert.equal(await wanted.getAttribute('aria-selected'), 'true');
    await box.press('Enter');
  } else {
    await wanted.click();
  }
  await scope.getByRole('list', { name: `Chosen: ${picker}` }).getByRole('button', { name: `Remove ${option.replace(/^.*\((.*)\)$/, '$1').replace(/ · .*$/, '')} from ${picker}` }).waitFor();
}

async function approvalsOf(page: Page): Promise<string> {
  await people.go(page, 'approvals', 'Approvals');
  await page.getByText(/Nothing is waiting for you\.|asks for/).first().waitFor();
  return page.locator('main').innerText();
}

/** A test that, when it fails, photographs every open page so the reviewer sees what the browser saw. */
function test(name: string, fn: () => Promise<void>): void {
  nodeTest(name, async () => {
    try {
      await fn();
    } catch (err) {
      let n = 0;
      for (const c of people.contexts) for (const p of c.pages()) await p.screenshot({ path: join(SHOTS, `failed-approvals-${++n}.png`), fullPage: true }).catch(() => {});
      throw err;
    }
  });
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'elevate-portal-approvals-'));
  elevate = await startServerProcess(['--demo', '--data', dataDir]);
  for (const [login, displayName] of [['bob', 'Bob Baker'], ['carol', 'Carol Chen'], ['dave', 'Dave Dunn']]) {
    await adminCall('POST', '/api/admin/users', { login, displayName, password: login });
  }
  await adminCall('POST', '/api/admin/groups', { name: 'DBA Leads', description: 'Database team leads' });
  await adminCall('POST', '/api/admin/groups', { name: 'Prod DB Access', description: 'Granted by Prod DB' });
  // carol is a DBA lead through a role of her own: activating it puts her in the group, as a directory would.
  await adminCall('POST', '/api/admin/roles', { name: 'DBA Lead duty', ttlSeconds: 7200, groups: ['DBA Leads'], candidates: ['carol'] });
  const lead = ((await adminCall('GET', '/api/admin/roles/DBA%20Lead%20duty')) as { id: string }).id;
  await adminCall('POST', '/api/pamresources/pamrequests', { RoleId: lead, RequestedTTL: '7200', Justification: 'on duty' }, 'carol');
  for (let i = 0; ; i++) {
    const members = (await adminCall('GET', '/api/admin/groups/DBA%20Leads/members')) as { value: { login: string; member: boolean }[] };
    if (members.value.some((m) => m.login === 'carol' && m.member)) break;
    assert.ok(i < 50, 'carol never joined DBA Leads');
    await new Promise((r) => setTimeout(r, 200));
  }
  browser = await launchBrowser();
  people = new PortalPeople(browser, elevate.url);
  [adminPage, jen, bob, carol, dave] = await Promise.all([people.newPerson(), people.newPerson(PHONE), people.newPerson(), people.newPerson(), people.newPerson()]);
  await Promise.all([people.signIn(adminPage, 'admin'), people.signIn(jen, 'jen'), people.signIn(bob, 'bob'), people.signIn(carol, 'carol'), people.signIn(dave, 'dave')]);
}, { timeout: 60_000 });

after(() => closePortalStand({ people, browser, elevate, dataDir }));

test('the administrator builds a two-stage role with a group approver in the editor; a refusal is shown in the form', async () => {
  await people.go(adminPage, 'admin/roles', 'Roles');
  await adminPage.getByRole('button', { name: 'New role' }).click();
  const form = adminPage.getByRole('form', { name: 'New role' });
  await form.getByLabel('Name').fill('Prod DB');
  await form.getByLabel('Longest activation (minutes)').fill('60');
  await pick(form, 'Candidates (may request)', 'je', 'Jen (jen)', true);
  await pick(form, 'Groups granted', 'prod', 'Prod DB Access · Granted by Prod DB', false);
  await form.getByLabel('Requires approval').check();
  const stage1 = form.getByRole('group', { name: 'Stage 1' });
  await pick(stage1, 'Approvers of stage 1', 'bak', 'Bob Baker (bob)', true);
  // A mistake first: the group the role grants as its approver group. The server refuses it.
  await pick(stage1, 'Approver groups of stage 1', 'prod db', 'Prod DB Access · Granted by Prod DB', true);
  await stage1.getByLabel('Approvals needed at stage 1').fill('2');
  await form.getByRole('button', { name: 'Add a stage' }).click();
  const stage2 = form.getByRole('group', { name: 'Stage 2' });
  await pick(stage2, 'Approvers of stage 2', 'dave', 'Dave Dunn (dave)', false);
  await form.getByLabel('Justification required').check();
  await form.getByLabel('Shortest justification (characters)').fill('10');
  await form.getByLabel('Ticket pattern').fill('^(INC|CHG)[0-9]{6}$');
  await form.getByRole('button', { name: 'Create role' }).click();
  await form.getByRole('alert').filter({ hasText: /approver group|grants/ }).waitFor();
  await shotBoth(adminPage, '40-role-editor-refused');

  // Fixed with the keyboard: Backspace in the empty box removes the last chip, then the right group.
  const groups = stage1.getByRole('combobox', { name: 'Approver groups of stage 1', exact: true });
  await groups.focus();
  await groups.press('Backspace');
  await stage1.getByRole('list', { name: 'Chosen: Approver groups of stage 1' }).getByText('None yet.').waitFor();
  await pick(stage1, 'Approver groups of stage 1', 'leads', 'DBA Leads · Database team leads', true);
  await shotBoth(adminPage, '41-role-editor-two-stages');
  await form.getByRole('button', { name: 'Create role' }).click();
  const saved = card(adminPage, 'Prod DB');
  await saved.getByText('2 of bob, DBA Leads (group) → 1 of dave').waitFor();

  const role = (await adminCall('GET', '/api/admin/roles/Prod%20DB')) as Record<string, unknown>;
  assert.deepEqual(role.approval, { stages: [{ approvers: ['bob'], approverGroups: ['DBA Leads'], required: 2 }, { approvers: ['dave'], approverGroups: [], required: 1 }] });
  assert.deepEqual([role.candidates, role.groups, role.justificationRequired, role.justificationMinLength, role.ticketPattern], [['jen'], ['Prod DB Access'], true, 10, '^(INC|CHG)[0-9]{6}$']);
});

test('jen, on a phone, sees who approves before asking, must give a matching ticket, and follows her request', async () => {
  await people.go(jen, 'roles', 'My roles');
  await people.go(jen, 'roles', 'My roles'); // again: she signed in before the role existed
  const role = card(jen, 'Prod DB');
  await role.getByRole('button', { name: 'Request Prod DB' }).click();
  const path = role.getByRole('list', { name: 'Who approves Prod DB' });
  await path.getByText(/2 approvals from Bob Baker \(bob\) or anyone in DBA Leads/).waitFor();
  assert.match(await path.innerText(), /Stage 2: 1 approval from Dave Dunn \(dave\)/);
  await role.getByLabel('Justification').fill('Migrate the orders table');
  await role.getByLabel('Ticket').fill('TICKET-1');
  await role.getByRole('button', { name: 'Request approval' }).click();
  await role.getByRole('alert').filter({ hasText: /ticket/i }).waitFor();
  await shotBoth(jen, '42-request-ticket-refused');

  await role.getByLabel('Ticket').fill('CHG004711');
  await role.getByRole('button', { name: 'Request approval' }).click();
  const progress = role.getByRole('list', { name: 'Approval of your request for Prod DB' });
  await progress.waitFor();
  await role.getByText('Waiting at stage 1 of 2.').waitFor();
  assert.match(await progress.innerText(), /Stage 1 open: 2 approvals/);
  await shotBoth(jen, '43-request-waiting-stage-1');
});

test('each approver sees it under Approvals only while their stage is open; the last approval starts it', async () => {
  assert.match(await approvalsOf(dave), /Nothing is waiting for you\./, 'stage 2 is not open yet');
  assert.match(await approvalsOf(bob), /jen asks for Prod DB/);
  assert.match(await approvalsOf(carol), /jen asks for Prod DB/, 'carol approves as a DBA lead');
  await shotBoth(bob, '44-approvals-stage-1');

  const approve = async (page: Page, who: string) => {
    const item = card(page, 'jen asks for Prod DB');
    await item.getByLabel('Comment').fill(`ok from ${who}`);
    await item.getByRole('button', { name: "Approve jen's request for Prod DB" }).click();
    await page.getByText('Nothing is waiting for you.').waitFor();
  };
  await approve(bob, 'bob');
  assert.match(await approvalsOf(dave), /Nothing is waiting for you\./, 'one of two approvals at stage 1');
  await approve(carol, 'carol');
  assert.match(await approvalsOf(bob), /Nothing is waiting for you\./, 'stage 1 passed');
  assert.match(await approvalsOf(dave), /jen asks for Prod DB/);
  const path = card(dave, 'jen asks for Prod DB').getByRole('list', { name: "Approval of jen's request for Prod DB" });
  await path.getByText(/bob approved/).waitFor();
  assert.match(await path.innerText(), /carol approved .*ok from carol/);
  await shotBoth(dave, '45-approvals-stage-2');

  await people.go(jen, 'requests', 'My requests');
  await jen.getByText('Waiting at stage 2 of 2.').waitFor();
  await shotBoth(jen, '46-my-requests-stage-2');

  await approve(dave, 'dave');
  await people.go(jen, 'roles', 'My roles');
  await card(jen, 'Prod DB').getByRole('timer').waitFor();
  assert.deepEqual(people.pageErrors, []);
  assert.deepEqual(people.cspViolations, []);
});
