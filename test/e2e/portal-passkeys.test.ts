// Passkeys in the portal, with Chromium's virtual WebAuthn authenticator (DevTools protocol): a
// person registers one on the Security page, answers a role's MFA check with it, and an approver
// confirms an approval with one. WebAuthn needs a domain name, so the portal is opened as localhost.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Secret, TOTP } from 'otpauth';
import type { Browser, Locator, Page } from 'playwright-core';
import { DEMO_TOTP_SECRET } from '../../src/app/demo.js';
import { launchBrowser } from '../support/chromium.js';
import { PortalPeople } from '../support/portal-people.js';
import { closePortalStand } from '../support/portal-teardown.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const SHOTS = fileURLToPath(new URL('../../../test-artifacts/portal/', import.meta.url));

let elevate: ServerProcess;
let base: string;
let dataDir: string;
let browser: Browser;
let people: PortalPeople;

/** A person's browser with a platform authenticator that says yes without a touch. */
async function personWithAuthenticator(): Promise<Page> {
  const page = await people.newPerson();
  const context = page.context();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return page;
}

function card(page: Page, name: string): Locator {
  return page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
}

/** Adds a passkey on the Security page, proven as issue 11 asks: a current code, or for a first factor an enrolment code. */
async function addPasskey(page: Page, name: string, proof: { code: string } | { enrolmentCode: string }): Promise<void> {
  await people.go(page, 'security', 'Security');
  if ('code' in proof) await page.getByLabel('Current code from your authenticator').fill(proof.code);
  else await page.getByLabel('Enrolment code').fill(proof.enrolmentCode);
  await page.getByLabel('Name for the new passkey').fill(name);
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await page.getByRole('list', { name: 'Your passkeys' }).getByRole('button', { name: `Remove ${name}` }).waitFor();
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'elevate-passkeys-'));
  elevate = await startServerProcess(['--demo', '--data', dataDir]);
  base = elevate.url.replace('127.0.0.1', 'localhost');
  browser = await launchBrowser();
  people = new PortalPeople(browser, base);
}, { timeout: 40_000 });

after(() => closePortalStand({ people, browser, elevate, dataDir }));

let jen: Page;

test('jen registers a passkey on the Security page', async () => {
  jen = await personWithAuthenticator();
  await people.signIn(jen, 'jen');
  // The password alone adds nothing: without a current code the page says what is missing.
  await people.go(jen, 'security', 'Security');
  await jen.getByLabel('Name for the new passkey').fill('Sneaky');
  await jen.getByRole('button', { name: 'Add a passkey' }).click();
  await jen.getByRole('alert').filter({ hasText: 'Enter a current code from your authenticator' }).waitFor();
  await addPasskey(jen, 'Test laptop', { code: new TOTP({ secret: Secret.fromBase32(DEMO_TOTP_SECRET) }).generate() });
  await jen.screenshot({ path: join(SHOTS, '22-passkeys.png'), fullPage: true });
});

test('jen answers the MFA role\'s check with the passkey instead of a code', async () => {
  await people.go(jen, 'roles', 'My roles');
  const mfa = card(jen, 'MFA Role');
  await mfa.getByRole('button', { name: 'Activate MFA Role' }).click();
  await mfa.getByRole('button', { name: 'Activate', exact: true }).click();
  await mfa.getByRole('button', { name: 'Use a passkey' }).click();
  await mfa.getByRole('timer').waitFor();
  assert.match(await mfa.innerText(), /Active until/); // one green line says it (issue 18)
});

test('an approver confirms an approval with a passkey when the role asks approvers for MFA', async () => {
  const admin = `Basic ${Buffer.from('admin:admin').toString('base64')}`;
  const res = await fetch(`${elevate.url}/api/admin/roles/ApprovalRole`, {
    method: 'PATCH',
    headers: { authorization: admin, 'content-type': 'application/json' },
    body: JSON.stringify({ approverMfaRequired: true }),
  });
  assert.equal(res.status, 200, await res.text());

  const ann = await personWithAuthenticator();
  await people.signIn(ann, 'ann');
  const issued = await fetch(`${elevate.url}/api/admin/users/ann/mfa/enrolment-code`, { method: 'POST', headers: { authorization: admin } });
  assert.equal(issued.status, 201);
  await addPasskey(ann, 'Ann key', { enrolmentCode: ((await issued.json()) as { code: string }).code });

  await people.go(jen, 'roles', 'My roles');
  const role = card(jen, 'ApprovalRole');
  await role.getByRole('button', { name: 'Request ApprovalRole' }).click();
  await role.getByLabel('Justification').fill('Quarterly restore test');
  await role.getByRole('button', { name: 'Request approval' }).click();
  await role.getByText(/waiting for an approver/).first().waitFor();

  await people.go(ann, 'approvals', 'Approvals');
  const item = card(ann, 'jen asks for ApprovalRole');
  await item.getByRole('button', { name: "Approve jen's request for ApprovalRole" }).click();
  await item.getByRole('alert').waitFor();
  await item.getByRole('button', { name: 'Approve with a passkey' }).click();
  await ann.getByText('Nothing is waiting for you.').waitFor();
  await role.getByRole('timer').waitFor({ timeout: 15_000 });
});

test('jen removes her passkey, proving the removal with the passkey itself', async () => {
  await people.go(jen, 'security', 'Security');
  const list = jen.getByRole('list', { name: 'Your passkeys' });
  await list.getByRole('button', { name: 'Remove Test laptop' }).click();
  await jen.getByText('You have no passkeys.').waitFor();
});

test('no page threw an uncaught error', () => {
  assert.deepEqual(people.pageErrors, []);
});
