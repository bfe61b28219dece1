// What the browser tests of the portal's pages share: where the photographs go, TOTP codes as an
// authenticator app computes them, a role's card, and a test that photographs every page it fails on.
import { join } from 'node:path';
import { test as nodeTest } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Secret, TOTP } from 'otpauth';
import type { Locator, Page } from 'playwright-core';
import type { PortalPeople } from '../support/portal-people.js';

export const SHOTS = fileURLToPath(new URL('../../../test-artifacts/portal/', import.meta.url));

export function totp(secret: string): TOTP {
  return new TOTP({ secret: Secret.fromBase32(secret), period: 30, digits: 6, algorithm: 'SHA1' });
}
export const code = (secret: string, at = Date.now()) => totp(secret).generate({ timestamp: at });

/** A code valid for no step the server could accept now (it allows one step either side). */
export function wrongCode(secret: string): string {
  const near = new Set([-30_000, 0, 30_000, 60_000].map((d) => code(secret, Date.now() + d)));
  for (let n = 0; ; n++) {
    const c = String(n * 137_911 % 1_000_000).padStart(6, '0');
    if (!near.has(c)) return c;
  }
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

export function card(page: Page, name: string): Locator {
  return page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
}

/** `test`, but when it fails it photographs every open page of `people` so the reviewer sees what the browser saw. */
export function photographingTest(people: () => PortalPeople): (name: string, fn: () => Promise<void> | void) => void {
  return (name, fn) =>
    nodeTest(name, async () => {
      try {
        await fn();
      } catch (err) {
        let n = 0;
        for (const c of people().contexts) for (const p of c.pages()) await shot(p, `failed-${name.slice(0, 30).replace(/\W+/g, '-')}-${++n}`).catch(() => {});
        throw err;
      }
    });
}
