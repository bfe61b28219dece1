// Break-glass in the portal, in real headless Chromium against `elevate serve --demo` (issue 14 §6):
// the requester is told what break-glass means before breaking it, and in words why they cannot
// again; administrators see a banner on every admin page and a page of uses linking to each
// timeline; the approver reviews with a required comment and their own MFA step-up, and is told it
// is done. Desktop and 390 px (no sideways scrolling). Screenshots go to test-artifacts/portal/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/chromium.js';
import { PortalPeople } from '../support/portal-people.js';
import { closePortalStand } from '../support/portal-teardown.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const SHOTS = fileURLToPath(new URL('../../../test-artifacts/portal/', import.meta.url));
const as = (login: string) => ({ authorization: `Basic ${Buffer.from(`${login}:${login}`).toString('base64')}`, 'content-type': 'application/json' });

let elevate: ServerProcess;
let dataDir: string;
let browser: Browser;
let people: PortalPeople;
let jen: Page, adminDesk: Page, adminPhone: Page, annPhone: Page;
let annSecret: string;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'elevate-portal-glass-'));
  elevate = await startServerProcess(['--demo', '--data', dataDir], { ELEVATE_BREAK_GLASS_MAX_TTL_SECONDS: '900' });
  // ApprovalRole (jen asks, ann approves) becomes break-glass, its reviewers confirming with MFA.
  const role = await fetch(`${elevate.url}/api/admin/roles/ApprovalRole`, { method: 'PATCH', headers: as('admin'), body: JSON.stringify({ name: 'ApprovalRole', breakGlass: true, approverMfaRequired: true }) });
  assert.equal(role.status, 200, await role.text());
  const totp = await fetch(`${elevate.url}/api/admin/users/ann/totp`, { method: 'POST', headers: { authorization: as('admin').authorization } });
  assert.equal(totp.status, 201);
  annSecret = ((await totp.json()) as { secret: string }).secret;
  browser = await launchBrowser();
  people = new PortalPeople(browser, elevate.url);
  [jen, adminDesk, adminPhone, annPhone] = await Promise.all([people.newPerson(), people.newPerson(), people.newPerson({ width: 390, height: 844 }), people.newPerson({ width: 390, height: 844 })]);
  await Promise.all([people.signIn(jen, 'jen'), people.signIn(adminDesk, 'admin'), people.signIn(adminPhone, 'admin'), people.signIn(annPhone, 'ann')]);
}, { timeout: 60_000 });

after(() => closePortalStand({ people, browser, elevate, dataDir }));

const widths = (page: Page) => page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]') as Promise<[number, number]>;
const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
async function noSideways(page: Page, what: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  const [scroll, client] = await widths(page);
  assert.ok(scroll <= client, `${what} scrolls sideways at 390 px: ${scroll} > ${client}`);
}
const glassCard = (page: Page) => page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'ApprovalRole', exact: true }) });

test('the requester is told it is break-glass (no approval, capped, reviewed, audited) and breaks it', async () => {
  const card = glassCard(jen);
  await card.getByRole('button', { name: 'Request ApprovalRole' }).click();
  const notice = card.getByRole('note', { name: 'Break-glass role' });
  await notice.waitFor();
  const text = await notice.innerText();
  assert.match(text, /break-glass role/);
  assert.match(text, /No approval is asked/);
  assert.match(text, /at most 15 min/);
  assert.match(text, /audited as break-glass/);
  assert.match(text, /Ann will review this use afterwards/);
  assert.equal(await card.getByText('Who approves:').count(), 0, 'approvers are not listed as if needed');
  await card.getByText('From 1 to 15 minutes (15 min, the break-glass limit).').waitFor();
  await card.getByLabel('Justification').fill('primary DB down, restoring replica');
  await card.getByLabel('Duration (minutes)').fill('10');
  await shot(jen, '60-break-glass-notice');
  await card.getByRole('button', { name: 'Break the glass' }).click();
  await card.getByRole('timer').waitFor();
});

test('administrators see a banner on every admin page, a page of uses, and the timeline', async () => {
  for (const [hash, title] of [['admin', 'Overview'], ['admin/users', 'Users'], ['admin/audit', 'Audit trail']] as const) {
    await people.go(adminDesk, hash, title);
    const banner = adminDesk.getByRole('alert').filter({ hasText: 'Break-glass:' });
    await banner.waitFor().catch(async (e) => assert.fail(`#/${hash}: no banner (${String(e)}); the page says: ${await adminDesk.locator('body').innerText()}`));
    assert.match(await banner.innerText(), /jen activated ApprovalRole (just now|\d+ min ago), still active, not reviewed/);
  }
  await people.go(jen, 'roles', 'My roles');
  assert.equal(await jen.getByText('Break-glass:').count(), 0, 'the banner is for administrators');
  await shot(adminDesk, '61-break-glass-banner');
  await adminDesk.getByRole('link', { name: 'All break-glass uses' }).click();
  await adminDesk.getByRole('heading', { level: 1, name: 'Break-glass uses' }).waitFor();
  const row = adminDesk.getByRole('row').filter({ hasText: 'primary DB down' });
  assert.match(await row.innerText(), /not reviewed/);
  await row.getByRole('link', { name: "Timeline of jen's use of ApprovalRole" }).click();
  await adminDesk.getByRole('heading', { level: 1, name: 'ApprovalRole for jen' }).waitFor();
  await people.go(adminPhone, 'admin/break-glass', 'Break-glass uses');
  await adminPhone.getByRole('alert').filter({ hasText: 'Break-glass:' }).waitFor();
  await noSideways(adminPhone, 'the page of uses with its banner');
  await shot(adminPhone, '62-phone-break-glass-uses');
});

test('until it is reviewed the requester cannot break it again, and is told so in words', async () => {
  const open = (await (await fetch(`${elevate.url}/api/pamresources/pamrequests?$filter=RequestStatus eq 'Active'`, { headers: as('jen') })).json()) as { value: { RequestId: string; RoleId: string }[] };
  for (const r of open.value) assert.ok((await fetch(`${elevate.url}/api/pamresources/pamrequests(guid'${r.RequestId}')/Close`, { method: 'POST', headers: { authorization: as('jen').authorization } })).ok);
  await people.go(jen, 'roles', 'My roles');
  const card = glassCard(jen);
  await card.getByRole('button', { name: 'Request ApprovalRole' }).click();
  await card.getByLabel('Justification').fill('again');
  await card.getByRole('button', { name: 'Break the glass' }).click();
  const error = card.getByRole('alert');
  await error.getByText(/You cannot use ApprovalRole again yet: your last break-glass use of it has not been reviewed\. Ask Ann to review it/).waitFor();
  await shot(jen, '63-break-glass-review-pending');
});

test('the approver reviews at 390 px: a comment is required, their MFA code is asked, the review is confirmed', async () => {
  await people.go(annPhone, 'reviews', 'Break-glass reviews');
  const card = annPhone.getByRole('listitem').filter({ has: annPhone.getByRole('heading', { name: /Jen broke the glass on ApprovalRole/ }) });
  assert.match(await card.innerText(), /primary DB down, restoring replica/);
  await noSideways(annPhone, 'the review page');
  const submit = card.getByRole('button', { name: /^Record review/ });
  await submit.click();
  assert.notEqual(await card.getByLabel('Review comment').getAttribute('required'), null, 'the comment is required');
  assert.equal(await annPhone.getByRole('status').filter({ hasText: 'Reviewed:' }).count(), 0, 'nothing sent without a comment');
  await card.getByLabel('Review comment').fill('replica restored; use warranted');
  await submit.click();
  await card.getByLabel('Your code').waitFor();
  await card.getByLabel('Your code').fill(new TOTP({ secret: Secret.fromBase32(annSecret) }).generate());
  await card.getByRole('button', { name: /^Record review with code/ }).click();
  await annPhone.getByRole('status').getByText("Reviewed: jen's use of ApprovalRole. jen may use the role again.").waitFor();
  await annPhone.getByText('No break-glass use is waiting for your review.').waitFor();
  await noSideways(annPhone, 'the review page after the review');
  await shot(annPhone, '64-phone-break-glass-reviewed');

  await people.go(adminDesk, 'admin/break-glass', 'Break-glass uses');
  const row = adminDesk.getByRole('row').filter({ hasText: 'primary DB down' });
  await row.getByText(/by ann at .* \(with MFA\): “replica restored; use warranted”/).waitFor();
  assert.equal(await adminDesk.getByRole('alert').filter({ hasText: 'Break-glass:' }).count(), 0, 'over and reviewed: no banner');
  assert.deepEqual(people.pageErrors, []);
  assert.deepEqual(people.cspViolations, []);
});
