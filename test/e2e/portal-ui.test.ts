// Elevate's own portal (portal/, served at /) in real headless Chromium against a real
// `elevate serve --demo` process: each person in a browser context of their own, every click
// through the UI, each page photographed into test-artifacts/portal/ for review. Signing in,
// keyboard use and screen readers are in portal-sign-in-a11y.test.ts.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_TOTP_SECRET } from '../../src/app/demo.js';
import { launchBrowser } from '../support/chromium.js';
import { PortalPeople } from '../support/portal-people.js';
import { closePortalStand } from '../support/portal-teardown.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { loadSqliteDriver } from '../../src/adapters/store/sqlite/sqlite-store.js';
import { SHOTS, card, code, photographingTest, shot, wrongCode } from './portal-ui-kit.js';

/** Every wait is bounded; a step that takes longer than this is a failure, not a hang. */

let elevate: ServerProcess;
let dataDir: string;
let browser: Browser;
let people: PortalPeople;
let jen: Page, ann: Page, adminPage: Page;
let foreignServer: http.Server | undefined;

/** jen's requests as another client sees them (Basic auth, no browser). */
async function requestsOf(login: string): Promise<{ RequestId: string; DisplayName: string; RequestStatus: string; RequestedTTL: string }[]> {
  const res = await fetch(`${elevate.url}/api/pamresources/pamrequests`, { headers: { authorization: `Basic ${Buffer.from(`${login}:${login}`).toString('base64')}` } });
  assert.equal(res.status, 200);
  return ((await res.json()) as { value: { RequestId: string; DisplayName: string; RequestStatus: string; RequestedTTL: string }[] }).value;
}

const test = photographingTest(() => people);

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // Pictures of an earlier run's failures would mislead the reviewer of this one.
  for (const f of readdirSync(SHOTS)) if (f.startsWith('failed-')) rmSync(join(SHOTS, f));
  dataDir = mkdtempSync(join(tmpdir(), 'elevate-portal-'));
  elevate = await startServerProcess(['--demo', '--data', dataDir]);
  browser = await launchBrowser();
  people = new PortalPeople(browser, elevate.url);
  [jen, ann, adminPage] = await Promise.all([people.newPerson(), people.newPerson(), people.newPerson()]);
}, { timeout: 40_000 });

after(async () => {
  if (foreignServer) await new Promise((r) => foreignServer!.close(r));
  await closePortalStand({ people, browser, elevate, dataDir });
});

test('jen signs in and sees her four roles with their limits, window and checks', async () => {
  await people.signIn(jen, 'jen');
  for (const name of ['Allow AD Access', 'ApprovalRole', 'Business Hours', 'MFA Role']) await card(jen, name).waitFor();
  const hours = card(jen, 'Business Hours');
  assert.match(await hours.innerText(), /08:00–18:00\s*\(server time\)/);
  assert.match(await card(jen, 'MFA Role').innerText(), /MFA code/);
  assert.match(await card(jen, 'ApprovalRole').innerText(), /Approval/);
  assert.match(await card(jen, 'Allow AD Access').innerText(), /1 h/);
  // The session cookie is out of reach of page scripts.
  assert.equal(await jen.evaluate('document.cookie'), '');
  const cookie = (await jen.context().cookies()).find((c) => c.name === 'elevate_session');
  assert.equal(cookie?.httpOnly, true);
  assert.equal(cookie?.sameSite, 'Strict');
  await shot(jen, '03-my-roles');
});

test('jen activates a plain role, sees the countdown run, and deactivates it', async () => {
  const ad = card(jen, 'Allow AD Access');
  await ad.getByRole('button', { name: 'Activate Allow AD Access' }).click();
  await ad.getByLabel('Duration (minutes)').fill('30');
  await ad.getByLabel('Justification').fill('Patch DC01 (change 4711)');
  await shot(jen, '04-activate-form');
  await ad.getByRole('button', { name: 'Activate', exact: true }).click();
  const timer = ad.getByRole('timer');
  await timer.waitFor();
  const first = await timer.innerText();
  assert.match(first, /^(29|30):\d\d left$/);
  // The page's CSP forbids eval, so Playwright's waitForFunction cannot run there: poll from here.
  let later = first;
  for (const deadline = Date.now() + 3000; later === first && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 200));
    later = await timer.innerText();
  }
  assert.ok(later < first, `the countdown goes down: ${first} then ${later}`);
  assert.match(await ad.innerText(), /Active until/); // one green line says it (issue 18)
  await shot(jen, '05-role-active');

  await people.go(jen, 'requests', 'My requests');
  const row = card(jen, 'Allow AD Access');
  await row.getByRole('timer').waitFor();
  await shot(jen, '06-my-requests');

  // Extending asks again while active; the new expiry runs from now, so it is later than before.
  await people.go(jen, 'roles', 'My roles');
  const before = await ad.getByRole('timer').getAttribute('aria-label');
  await ad.getByRole('button', { name: 'Extend Allow AD Access' }).click();
  await ad.getByLabel('Duration (minutes)').fill('60');
  await ad.getByRole('button', { name: 'Extend', exact: true }).click();
  await ad.getByRole('timer').filter({ hasText: /^(59|60):\d\d left$/ }).waitFor();
  assert.notEqual(await ad.getByRole('timer').getAttribute('aria-label'), before);
  assert.deepEqual(
    (await requestsOf('jen')).filter((r) => r.DisplayName.startsWith('Allow AD Access')).map((r) => r.RequestStatus).sort(),
    ['Active', 'Closed'],
    'the extension took over from the first activation',
  );

  await ad.getByRole('button', { name: 'Deactivate Allow AD Access' }).click();
  await ad.getByText(/is deactivated/).waitFor();
  await ad.getByRole('button', { name: 'Activate Allow AD Access' }).waitFor();
  const mine = (await requestsOf('jen')).filter((r) => r.DisplayName.startsWith('Allow AD Access'));
  assert.deepEqual(mine.map((r) => r.RequestStatus), ['Closed', 'Closed', 'Closed'], 'two activations and the deactivation that ended the second');
  assert.equal(mine.filter((r) => r.RequestedTTL === '0').length, 1);
  // The history lists the deactivation as a request of its own.
  await people.go(jen, 'requests', 'My requests');
  const deactivationRow = jen.getByRole('row').filter({ hasText: 'Deactivation' });
  await deactivationRow.waitFor();
  assert.match(await deactivationRow.innerText(), /Allow AD Access\s+Closed/);
  await people.go(jen, 'roles', 'My roles');
});

test('the MFA role: a wrong code and a replayed code are refused, a fresh code activates it', async () => {
  const mfa = card(jen, 'MFA Role');
  const request = async () => {
    await mfa.getByRole('button', { name: 'Activate MFA Role' }).click();
    await mfa.getByLabel('Justification').fill('Read the protected share');
    await mfa.getByRole('button', { name: 'Activate', exact: true }).click();
    await mfa.getByLabel('Code from your authenticator app').waitFor();
  };
  await request();
  await mfa.getByLabel('Code from your authenticator app').fill(wrongCode(DEMO_TOTP_SECRET));
  await mfa.getByRole('button', { name: 'Verify' }).click();
  await mfa.getByRole('alert').filter({ hasText: 'That code is not valid. 4 attempt(s) left.' }).waitFor();
  await shot(jen, '07-mfa-wrong-code');
  const used = code(DEMO_TOTP_SECRET);
  await mfa.getByLabel('Code from your authenticator app').fill(used);
  await mfa.getByRole('button', { name: 'Verify' }).click();
  await mfa.getByRole('timer').waitFor();
  assert.match(await mfa.innerText(), /Active until/); // one green line says it (issue 18)

  await mfa.getByRole('button', { name: 'Deactivate MFA Role' }).click();
  await mfa.getByRole('button', { name: 'Activate MFA Role' }).waitFor();
  await request();
  await mfa.getByLabel('Code from your authenticator app').fill(used);
  await mfa.getByRole('button', { name: 'Verify' }).click();
  await mfa.getByRole('alert').filter({ hasText: 'That code was already used; wait for the next one.' }).waitFor();
  // The next step's code is inside the one-step allowance, so no test waits 30 seconds.
  await mfa.getByLabel('Code from your authenticator app').fill(code(DEMO_TOTP_SECRET, Date.now() + 30_000));
  await mfa.getByRole('button', { name: 'Verify' }).click();
  await mfa.getByRole('timer').waitFor();
  await shot(jen, '08-mfa-role-active');
  await mfa.getByRole('button', { name: 'Deactivate MFA Role' }).click();
  await mfa.getByRole('button', { name: 'Activate MFA Role' }).waitFor();
});

test('approval: jen asks, ann sees a badge and approves with a comment, jen sees it become active', async () => {
  const role = card(jen, 'ApprovalRole');
  await role.getByRole('button', { name: 'Request ApprovalRole' }).click();
  await role.getByLabel('Duration (minutes)').fill('45');
  await role.getByLabel('Justification').fill('Rotate the backup operator keys');
  await role.getByRole('button', { name: 'Request approval' }).click();
  await role.getByText('Your request for ApprovalRole is waiting for an approver.').first().waitFor();
  assert.match(await role.innerText(), /Awaiting approval/);
  await shot(jen, '09-awaiting-approval');

  await people.signIn(ann, 'ann');
  const badge = ann.getByRole('link', { name: /^Approvals\W+1 waiting$/ });
  await badge.waitFor();
  await badge.click();
  await ann.getByRole('heading', { level: 1, name: 'Approvals' }).waitFor();
  const item = card(ann, 'jen asks for ApprovalRole');
  assert.match(await item.innerText(), /Rotate the backup operator keys/);
  assert.match(await item.innerText(), /45 min/);
  await item.getByLabel('Comment').fill('OK for tonight');
  await shot(ann, '10-approvals');
  await item.getByRole('button', { name: "Approve jen's request for ApprovalRole" }).click();
  await ann.getByText('Nothing is waiting for you.').waitFor();
  await ann.getByRole('link', { name: /waiting/ }).waitFor({ state: 'detached' }); // the badge is gone

  // jen's page polls while a request waits, so the approval shows without a reload.
  await role.getByRole('timer').waitFor({ timeout: 15_000 });
  assert.match(await role.innerText(), /Active/);
  await role.getByRole('button', { name: 'Deactivate ApprovalRole' }).click();
  await role.getByRole('button', { name: 'Request ApprovalRole' }).waitFor();
});

test('rejection: ann rejects jen\'s next request and jen\'s history shows it rejected', async () => {
  const role = card(jen, 'ApprovalRole');
  await role.getByRole('button', { name: 'Request ApprovalRole' }).click();
  await role.getByLabel('Justification').fill('Just curious');
  await role.getByRole('button', { name: 'Request approval' }).click();
  await role.getByText(/waiting for an approver/).first().waitFor();

  await people.go(ann, 'approvals', 'Approvals');
  const item = card(ann, 'jen asks for ApprovalRole');
  await item.getByLabel('Comment').fill('Not without a ticket');
  await item.getByRole('button', { name: "Reject jen's request for ApprovalRole" }).click();
  await ann.getByText('Nothing is waiting for you.').waitFor();

  await people.go(jen, 'requests', 'My requests');
  const approved = jen.getByRole('row').filter({ hasText: 'Rotate the backup operator keys' });
  await approved.waitFor();
  await jen.getByLabel('Status').selectOption('Rejected');
  await approved.waitFor({ state: 'detached' }); // the status filter hides the approved one
  const row = jen.getByRole('row').filter({ hasText: 'Just curious' });
  assert.match(await row.innerText(), /Rejected/);
  await jen.getByLabel('Status').selectOption('');
  await jen.getByRole('row').filter({ hasText: 'Rotate the backup operator keys' }).waitFor();
  await shot(jen, '11-my-requests-history');
});

test('an administrator edits a role (longer TTL, ann as candidate) and the change shows for ann', async () => {
  await people.signIn(adminPage, 'admin');
  await people.go(adminPage, 'admin/roles', 'Roles');
  await shot(adminPage, '12-admin-roles');
  const role = card(adminPage, 'MFA Role');
  await role.getByRole('button', { name: 'Edit MFA Role' }).click();
  const form = adminPage.getByRole('form', { name: 'Edit MFA Role' });
  await form.getByLabel('Longest activation (minutes)').fill('90');
  // The candidates picker, by keyboard: type part of a name, the first match is highlighted, Enter takes it.
  const candidates = form.getByRole('combobox', { name: 'Candidates (may request)' });
  await candidates.fill('an');
  await form.getByRole('option', { name: 'Ann (ann)', selected: true }).waitFor();
  await candidates.press('Enter');
  await form.getByRole('button', { name: 'Remove ann from Candidates (may request)' }).waitFor();
  await form.getByLabel('Only during a daily window').check();
  await form.getByLabel('From', { exact: true }).fill('00:00');
  await form.getByLabel('To', { exact: true }).fill('23:59');
  await shot(adminPage, '13-admin-role-edit');
  await form.getByRole('button', { name: 'Save changes' }).click();
  const saved = card(adminPage, 'MFA Role');
  await saved.getByText('1 h 30 min').waitFor();
  assert.match(await saved.innerText(), /Ann|ann/);

  await people.go(ann, 'roles', 'My roles');
  const seen = card(ann, 'MFA Role');
  await seen.waitFor();
  assert.match(await seen.innerText(), /1 h 30 min/);
  assert.match(await seen.innerText(), /00:00–23:59/);
});

test('a refused change is explained in words: approval without approvers', async () => {
  const role = card(adminPage, 'Business Hours');
  await role.getByRole('button', { name: 'Edit Business Hours' }).click();
  const form = adminPage.getByRole('form', { name: 'Edit Business Hours' });
  await form.getByLabel('Requires approval').check();
  await form.getByRole('button', { name: 'Save changes' }).click();
  // One empty stage: the server's refusal is shown in the form.
  await form.getByRole('alert').filter({ hasText: 'stage 1 names no approvers or approver groups' }).waitFor();
  await form.getByRole('button', { name: 'Cancel' }).click();
});

test('ann enrols an authenticator with the enrolment code an administrator issued, and confirms it with a computed code', async () => {
  // Her password alone sets up nothing (issue 11).
  await people.go(ann, 'security', 'Security');
  await ann.getByRole('button', { name: 'Set up an authenticator' }).click();
  await ann.getByRole('alert').filter({ hasText: 'enrolment code an administrator gives you' }).waitFor();
  // The administrator issues a one-time code on the Users page, shown once.
  await people.go(adminPage, 'admin/users', 'Users');
  await adminPage.getByRole('button', { name: 'Enrolment code for ann' }).click();
  const enrolmentCode = await adminPage.getByTestId('enrolment-code').innerText();
  assert.match(enrolmentCode, /^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
  await ann.getByLabel('Enrolment code').fill(enrolmentCode);
  await ann.getByRole('button', { name: 'Set up an authenticator' }).click();
  const shown = (await ann.getByTestId('totp-secret').innerText()).replace(/\s+/g, '');
  assert.match(shown, /^[A-Z2-7]{32}$/);
  await shot(ann, '14-enrol-totp');
  await ann.getByLabel('Enter the code the app shows').fill(wrongCode(shown));
  await ann.getByRole('button', { name: 'Confirm' }).click();
  await ann.getByRole('alert').filter({ hasText: 'That code is not valid for the new authenticator' }).waitFor();
  await ann.getByLabel('Enter the code the app shows').fill(code(shown));
  await ann.getByRole('button', { name: 'Confirm' }).click();
  await ann.getByText('Your authenticator is set up.').waitFor();
  // From now on changes are proven with it: the page asks for a current code.
  await ann.getByLabel('Current code from your authenticator').waitFor();

  // Her new authenticator now opens the MFA role the administrator just gave her.
  await people.go(ann, 'roles', 'My roles');
  const mfa = card(ann, 'MFA Role');
  await mfa.getByRole('button', { name: 'Activate MFA Role' }).click();
  await mfa.getByRole('button', { name: 'Activate', exact: true }).click();
  await mfa.getByLabel('Code from your authenticator app').fill(code(shown, Date.now() + 30_000));
  await mfa.getByRole('button', { name: 'Verify' }).click();
  await mfa.getByRole('timer').waitFor();
});

test('administration pages: users (with an MFA lockout to lift), groups with members, who holds what now, the audit trail', async () => {
  // A lockout as ten failed codes leave it (written to the store directly: the failures' backoff
  // takes real minutes; test/http/mfa-brute-force.test.ts drives them on a fake clock).
  const Database = loadSqliteDriver();
  const db = new Database(join(dataDir, 'elevate.db'));
  db.pragma('busy_timeout = 5000');
  db.prepare("insert or replace into mfa_attempts (account_id, failures, last_failure_at, locked_at) select id, 10, ?, ? from accounts where login = 'jen'").run(Date.now(), Date.now());
  db.close();
  await people.go(adminPage, 'admin/users', 'Users');
  const jenRow = adminPage.getByRole('row').filter({ hasText: 'jen' }).first();
  await jenRow.getByText('MFA locked after 10 failures').waitFor();
  await shot(adminPage, '15-admin-users');
  await jenRow.getByRole('button', { name: 'Lift MFA lockout of jen' }).click();
  await jenRow.getByText('MFA locked after 10 failures').waitFor({ state: 'detached' });

  await people.go(adminPage, 'admin/groups', 'Groups');
  const group = card(adminPage, 'MFA Protected Share');
  await group.getByRole('button', { name: 'Members of MFA Protected Share' }).click();
  await group.getByText('Ann').waitFor();
  await shot(adminPage, '16-admin-groups');

  await people.go(adminPage, 'admin/holdings', 'Active now');
  const row = adminPage.getByRole('row').filter({ hasText: 'MFA Role' });
  await row.waitFor();
  assert.match(await row.innerText(), /Ann \(ann\)/);
  await shot(adminPage, '17-admin-active-now');

  await people.go(adminPage, 'admin/audit', 'Audit trail');
  await adminPage.getByRole('row').filter({ hasText: 'role.updated' }).first().waitFor();
  // The action is picked from the closed list of audit actions, not typed.
  await adminPage.getByLabel('Action').selectOption('mfa.replayed');
  const replayed = adminPage.getByRole('row').filter({ hasText: 'mfa.replayed' });
  await replayed.waitFor();
  // The filtered page replaces the old one when its answer arrives, which may be just after the
  // first matching row shows (the unfiltered page held one too): wait for the old rows to go.
  await adminPage.getByRole('row').filter({ hasText: 'role.updated' }).first().waitFor({ state: 'detached', timeout: 10_000 });
  assert.equal(await adminPage.getByRole('row').filter({ hasText: 'role.updated' }).count(), 0, 'the action filter applies');
  assert.match(await replayed.innerText(), /jen/);
  await shot(adminPage, '18-admin-audit');
});

test('a form on another origin cannot make a change with jen\'s cookie, nor can a call without the CSRF token', async () => {
  const before = (await requestsOf('jen')).length;
  const adId = await jen.evaluate(async () => {
    const r = await fetch('/api/pamresources/pamroles', { credentials: 'same-origin' });
    return ((await r.json()) as { value: { RoleId: string; DisplayName: string }[] }).value.find((x) => x.DisplayName === 'Allow AD Access')!.RoleId;
  });
  // A page on another port of the same host: same site, so the SameSite cookie does go along.
  foreignServer = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end(
      `<form id="f" method="POST" action="${elevate.url}/api/pamresources/pamrequests">` +
        `<input name="RoleId" value="${adId}"><input name="RequestedTTL" value="3600"></form>` +
        '<button id="go" onclick="document.getElementById(\'f\').submit()">go</button>',
    );
  });
  await new Promise<void>((r) => foreignServer!.listen(0, '127.0.0.1', r));
  const foreign = `http://127.0.0.1:${(foreignServer.address() as { port: number }).port}`;
  const page = await jen.context().newPage();
  await page.goto(`${foreign}/`);
  const [answer] = await Promise.all([page.waitForResponse((r) => r.url().startsWith(elevate.url)), page.click('#go')]);
  assert.equal(answer.status(), 403);
  assert.match(await answer.text(), /Requests from origin http:\/\/127\.0\.0\.1:\d+ are not allowed/);
  await page.close();

  // Same origin but without the header: the cookie alone never authorises a change.
  const status = await jen.evaluate(async (roleId) => {
    const r = await fetch('/api/pamresources/pamrequests', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ RoleId: roleId, RequestedTTL: '3600' }),
    });
    return r.status;
  }, adId);
  assert.equal(status, 403);
  assert.equal((await requestsOf('jen')).length, before, 'no request was created');
});

test('on a phone-sized screen the pages fit without sideways scrolling', async () => {
  const phone = await people.newPerson({ width: 390, height: 844 });
  await people.signIn(phone, 'jen');
  const overflow = (await phone.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
  await shot(phone, '19-phone-my-roles');
  await people.go(phone, 'requests', 'My requests');
  await phone.getByRole('row').filter({ hasText: 'Patch DC01' }).waitFor();
  await shot(phone, '20-phone-my-requests');
});

test('sign out everywhere ends jen\'s other sessions; their next action lands on the sign-in page with a notice', async () => {
  const other = await people.newPerson();
  await people.signIn(other, 'jen');
  await people.go(jen, 'security', 'Security');
  await jen.getByRole('button', { name: 'Sign out everywhere' }).click();
  await jen.getByText('You are signed out on every device.').waitFor();
  await other.getByRole('link', { name: 'My requests' }).click();
  await other.getByText('Your session has ended; sign in again.').waitFor();
  await other.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  await shot(other, '21-session-ended');
});

test('no page broke the Content-Security-Policy or threw an uncaught error', () => {
  assert.deepEqual(people.cspViolations, []);
  assert.deepEqual(people.pageErrors, []);
});
