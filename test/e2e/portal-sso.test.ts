// Single sign-on in Elevate's own portal, in real headless Chromium against a real `elevate serve`
// process and a real OpenID provider (oidc-provider) on loopback. The portal is reached as
// localhost and the provider as 127.0.0.1: two sites, as in production, so the flow cookie must
// survive the provider's cross-site redirect back.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/chromium.js';
import { closePortalStand } from '../support/portal-teardown.js';
import { IDP_CLIENT_SECRET, TestIdp } from '../support/oidc-provider.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { oidcSettings } from '../support/sso-app.js';

const SHOTS = fileURLToPath(new URL('../../../test-artifacts/portal/', import.meta.url));

let idp: TestIdp;
let elevate: ServerProcess;
let base: string;
let dataDir: string;
let browser: Browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'elevate-portal-sso-'));
  idp = await TestIdp.start({
    jen: { name: 'Jen', email: 'jen@corp.example', groups: ['staff'] },
    boss: { name: 'Boss Person', email: 'boss@corp.example', groups: ['staff', 'elevate-admins'] },
    weird: { name: 'Weird', preferred_username: 'not a login!' },
  });
  const { redirectUri: _fromTheRequest, ...oidc } = oidcSettings(idp, { createAccounts: true, adminGroups: ['elevate-admins'] });
  const config = join(dataDir, 'elevate.json');
  writeFileSync(config, JSON.stringify({ oidc }));
  elevate = await startServerProcess(['--demo', '--data', dataDir, '--config', config]);
  base = elevate.url.replace('127.0.0.1', 'localhost');
  // No redirectUri configured: Elevate derives it from the address the browser used.
  idp.register([`${base}/api/session/oidc/callback`]);
  browser = await launchBrowser();
}, { timeout: 40_000 });

after(async () => {
  await closePortalStand({ browser, elevate, dataDir });
  await idp?.close();
});

/** A fresh browser (its own cookies, so its own provider session) at the portal's sign-in page. */
async function person(): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  return page;
}

/** Through the provider's own login form, as the person would. */
async function signInAtProvider(page: Page, login: string): Promise<void> {
  await page.getByRole('link', { name: 'Sign in with Corp ID' }).click();
  await page.waitForURL((u) => u.origin === idp.issuer);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('whatever the provider checks');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.waitForURL((u) => u.origin === base);
}

test('jen signs in with "Sign in with Corp ID", uses the portal, and signs out', async () => {
  const page = await person();
  // Passwords are still allowed here: both ways are offered.
  await page.getByLabel('User name').waitFor();
  await page.screenshot({ path: join(SHOTS, '40-sign-in-with-sso.png'), fullPage: true });
  await signInAtProvider(page, 'jen');
  await page.getByRole('heading', { level: 1, name: 'My roles' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Users' }).count(), 0, 'jen is no administrator');
  await page.getByRole('button', { name: 'Sign out' }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  // The session is over on the server, not just in the page.
  const cookies = await page.context().cookies(base);
  const res = await fetch(`${elevate.url}/api/session`, { headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') } });
  assert.equal(res.status, 401);
  await page.context().close();
});

test('a member of elevate-admins gets an account on first sign-in, as an administrator', async () => {
  const page = await person();
  await signInAtProvider(page, 'boss');
  // Administrators land on the console's Overview: the first sign-in made boss one.
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  await page.getByRole('link', { name: 'Users' }).click();
  await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
  await page.getByRole('rowheader', { name: 'boss', exact: true }).waitFor();
  await page.screenshot({ path: join(SHOTS, '41-sso-admin.png'), fullPage: true });
  await page.context().close();
});

test('a person whose identity names no usable login is told so on the sign-in page', async () => {
  const page = await person();
  await signInAtProvider(page, 'weird');
  await page.getByText('Your identity was confirmed, but it has no Elevate account that may sign in.').waitFor();
  assert.equal(new URL(page.url()).search, '', 'the code is taken out of the address');
  await page.context().close();
});

test('a callback with a forged state lands on the sign-in page with the reason, and no session', async () => {
  const page = await person();
  await page.goto(`${base}/api/session/oidc/callback?code=stolen&state=forged&iss=${encodeURIComponent(idp.issuer)}`);
  await page.getByText('The sign-in could not be matched to this browser').waitFor();
  assert.equal((await page.context().cookies(base)).some((c) => c.name === 'elevate_session'), false);
  await page.context().close();
});

test('the client secret never reaches the log', () => {
  assert.doesNotMatch(elevate.output(), new RegExp(IDP_CLIENT_SECRET));
  assert.match(elevate.output(), /single sign-on through OpenID Connect/);
});
