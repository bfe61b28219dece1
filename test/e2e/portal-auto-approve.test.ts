// Auto-approval rules in Elevate's own portal, in real headless Chromium against a real
// `elevate serve --demo` process: the administrator adds a rule in the role editor's "Rules" section
// (a name, a group from the group picker, a TTL limit, the ticket checkbox, days and hours, removed
// and added again), the server's refusal shown in the form; jen, on a 390 px phone, reads the rule
// in words before asking with the server's forecast, and her request is active at once.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser } from '../support/chromium.js';
import { apiCall } from '../support/admin-api.js';
import { PortalPeople } from '../support/portal-people.js';
import { closePortalStand } from '../support/portal-teardown.js';
import { PHONE, shotBoth as shotIn } from '../support/portal-shots.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const SHOTS = fileURLToPath(new URL('../../../test-artifacts/portal/', import.meta.url));

let elevate: ServerProcess;
let dataDir: string;
let browser: Browser;
let people: PortalPeople;
let adminPage: Page, jen: Page;

const call = (method: string, url: string, body?: unknown, login = 'admin') => apiCall(elevate.url, method, url, body, login);

const shotBoth = (page: Page, name: string) => shotIn(page, SHOTS, name);
const card = (page: Page, name: string): Locator => page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'elevate-portal-rules-'));
  elevate = await startServerProcess(['--demo', '--data', dataDir]);
  await call('POST', '/api/admin/users', { login: 'dave', displayName: 'Dave Dunn', password: 'dave' });
  await call('POST', '/api/admin/groups', { name: 'On-call', description: 'Whoever holds the pager' });
  await call('POST', '/api/admin/groups', { name: 'Orders Access', description: 'Granted by Orders' });
  // jen is on call through a role of her own: activating it puts her in the group, as a directory would.
  await call('POST', '/api/admin/roles', { name: 'Pager duty', ttlSeconds: 7200, groups: ['On-call'], candidates: ['jen'] });
  const pager = (await call('GET', '/api/admin/roles/Pager%20duty')).id;
  await call('POST', '/api/pamresources/pamrequests', { RoleId: pager, RequestedTTL: '7200', Justification: 'my week' }, 'jen');
  for (let i = 0; ; i++) {
    const members = await call('GET', '/api/admin/groups/On-call/members');
    if (members.value.some((m: { login: string; member: boolean }) => m.login === 'jen' && m.member)) break;
    assert.ok(i < 50, 'jen never joined On-call');
    await new Promise((r) => setTimeout(r, 200));
  }
  browser = await launchBrowser();
  people = new PortalPeople(browser, elevate.url);
  [adminPage, jen] = await Promise.all([people.newPerson(), people.newPerson(PHONE)]);
  await Promise.all([people.signIn(adminPage, 'admin'), people.signIn(jen, 'jen')]);
}, { timeout: 60_000 });

after(() => closePortalStand({ people, browser, elevate, dataDir }));

async function pickGroup(scope: Locator, picker: string, typed: string, option: string): Promise<void> {
  await scope.getByRole('combobox', { name: picker, exact: true }).fill(typed);
  await scope.getByRole('listbox', { name: `Matches for ${picker}` }).getByRole('option', { name: option, exact: true }).click();
  const value = option.replace(/^.*\((.*)\)$/, '$1').replace(/ · .*$/, '');
  await scope.getByRole('list', { name: `Chosen: ${picker}` }).getByRole('button', { name: `Remove ${value} from ${picker}` }).waitFor();
}

test('the administrator adds, removes and edits rules in the editor; a refusal is shown in the form', async () => {
  await people.go(adminPage, 'admin/roles', 'Roles');
  await adminPage.getByRole('button', { name: 'New role' }).click();
  const form = adminPage.getByRole('form', { name: 'New role' });
  await form.getByLabel('Name').fill('Orders');
  await form.getByLabel('Longest activation (minutes)').fill('120');
  await pickGroup(form, 'Candidates (may request)', 'je', 'Jen (jen)');
  await pickGroup(form, 'Groups granted', 'orders', 'Orders Access · Granted by Orders');
  assert.equal(await form.getByRole('group', { name: 'Rules' }).count(), 0, 'no Rules section without approval');
  await form.getByLabel('Requires approval').check();
  await pickGroup(form.getByRole('group', { name: 'Stage 1' }), 'Approvers of stage 1', 'dave', 'Dave Dunn (dave)');

  const rules = form.getByRole('group', { name: 'Rules' });
  await rules.getByRole('button', { name: 'Add a rule' }).click();
  await rules.getByRole('button', { name: 'Add a rule' }).click();
  await rules.getByRole('button', { name: 'Remove rule 2' }).click();
  assert.equal(await rules.getByRole('group', { name: /^Rule \d$/ }).count(), 1);
  const rule = rules.getByRole('group', { name: 'Rule 1' });
  await rule.getByLabel('Name of rule 1').fill('on-call, short');
  // A rule with no condition is refused by the server, in its words.
  await form.getByRole('button', { name: 'Create role' }).click();
  await form.getByRole('alert').filter({ hasText: /no conditions/ }).waitFor();

  await pickGroup(rule, 'Groups of rule 1', 'on', 'On-call · Whoever holds the pager');
  await rule.getByLabel('Longest TTL for rule 1 (minutes)').fill('30');
  await rule.getByLabel('Only on some days and hours (server time)').check();
  for (const d of ['Sat', 'Sun']) await rule.getByRole('group', { name: 'Days of rule 1' }).getByLabel(d).check();
  await rule.getByLabel('Only with a ticket reference').check();
  await shotBoth(adminPage, '60-role-editor-rules');
  // Not today: windows and tickets stay off for the request below, which runs on the real clock.
  await rule.getByLabel('Only on some days and hours (server time)').uncheck();
  await rule.getByLabel('Only with a ticket reference').uncheck();
  await form.getByRole('button', { name: 'Create role' }).click();
  await card(adminPage, 'Orders').getByText('on-call, short').waitFor();

  const role = await call('GET', '/api/admin/roles/Orders');
  assert.deepEqual(role.autoApprove, [{ name: 'on-call, short', groups: ['On-call'], window: null, maxTtlSeconds: 1800, ticketRequired: false }]);
});

test('jen, on a phone, reads the rule and the forecast before asking; a short request is active at once', async () => {
  await people.go(jen, 'roles', 'My roles');
  await people.go(jen, 'roles', 'My roles'); // again: she signed in before the role existed
  const role = card(jen, 'Orders');
  await role.getByRole('button', { name: 'Request Orders' }).click();
  const rules = role.getByRole('list', { name: 'Auto-approval rules' });
  await rules.getByText('in group On-call, TTL at most 30m').waitFor();
  assert.match(await role.innerText(), /No rule would approve your request if you asked now for 7200 seconds.*forecast/);
  await shotBoth(jen, '61-request-rules-forecast');
  await role.getByLabel('Duration (minutes)').fill('30');
  await role.getByLabel('Justification').fill('pager: orders stuck');
  await role.getByRole('button', { name: 'Request approval' }).click();
  await role.getByRole('timer').waitFor();
  const orders = (await call('GET', '/api/admin/roles/Orders')).id;
  const mine = (await call('GET', '/api/pamresources/pamrequests', undefined, 'jen')).value.filter((r: { RoleId: string }) => r.RoleId === orders);
  assert.deepEqual(mine.map((r: { RequestStatus: string }) => r.RequestStatus), ['Active'], 'nobody was asked');
  const created = await call('GET', `/api/admin/audit?action=request.created&requestId=${mine[0].RequestId}`);
  assert.equal(created.value[0].after.autoApprovedBy, 'on-call, short');
  await shotBoth(jen, '62-request-auto-approved');
});
