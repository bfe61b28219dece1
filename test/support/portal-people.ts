import type { Browser, BrowserContext, Page } from 'playwright-core';

const WAIT_MS = 10_000;

/**
 * People using Elevate's portal in one headless Chromium, each in a browser context of their own
 * (own cookies, so own session). Collects every page error and CSP violation, which each test file
 * asserts to be none at its end.
 */
export class PortalPeople {
  readonly pageErrors: string[] = [];
  readonly cspViolations: string[] = [];
  readonly contexts: BrowserContext[] = [];

  constructor(
    private readonly browser: Browser,
    /** The portal's origin, e.g. http://localhost:8086 (passkeys need a name, not an IP address). */
    private readonly base: string,
  ) {}

  async newPerson(viewport = { width: 1280, height: 900 }): Promise<Page> {
    const context = await this.browser.newContext({ viewport });
    context.setDefaultTimeout(WAIT_MS);
    this.contexts.push(context);
    const page = await context.newPage();
    // The CSP forbids inline script; a violation would mean the bundle relies on something it may not.
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) this.cspViolations.push(m.text());
    });
    page.on('pageerror', (e) => this.pageErrors.push(`${page.url()}: ${e.stack ?? e.message}`));
    return page;
  }

  async signIn(page: Page, login: string, password = login): Promise<void> {
    await page.goto(`${this.base}/`);
    await page.getByLabel('User name').fill(login);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Administrators land on the admin overview, everyone else on their roles.
    await page.getByRole('heading', { level: 1, name: /^(My roles|Overview)$/ }).waitFor();
  }

  async go(page: Page, hash: string, title: string): Promise<void> {
    const target = `${this.base}/#/${hash}`;
    // Going to the page already shown changes nothing in a single-page app; load it afresh instead.
    if (page.url() === target) await page.reload();
    else await page.goto(target);
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
  }

  async closeAll(): Promise<void> {
    for (const c of this.contexts.splice(0)) await c.close().catch(() => {});
  }
}
