/** What the pamrequests tests share: the demo data's clock and group, and a fresh app per test. Not a test file itself. */
import { afterEach, beforeEach } from 'node:test';
import { makeApp, type TestApp } from '../../support/harness.js';

export const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
export const AD_GROUP = 'CORP Domain Admins';

/** A fresh app per test: every test starts from the seeded demo data at Monday 10:00Z. */
export function fresh(): { t: () => TestApp } {
  let app: TestApp | undefined;
  beforeEach(async () => {
    app = await makeApp();
  });
  afterEach(async () => {
    await app?.destroy();
    app = undefined;
  });
  return { t: () => app! };
}
