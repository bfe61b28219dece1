import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

/** The same screen at desktop width and on a 390 px phone, saved in `dir`; on the phone nothing may need sideways scrolling. */
export async function shotBoth(page: Page, dir: string, name: string): Promise<void> {
  const size = page.viewportSize() ?? DESKTOP;
  for (const [tag, vp] of [['desktop', DESKTOP], ['390', PHONE]] as const) {
    await page.setViewportSize(vp);
    await page.screenshot({ path: join(dir, `${name}-${tag}.png`), fullPage: true });
    if (tag === '390') {
      const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
      assert.ok(overflow <= 0, `${name} at 390 px scrolls sideways by ${overflow} px`);
    }
  }
  await page.setViewportSize(size);
}
