import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { PortalPeople } from './portal-people.js';
import type { ServerProcess } from './server-process.js';

/**
 * Ends a browser test's stand, whatever part of it `before` got to start: the people's pages, then
 * the browser, then the server, then its data directory (the server writes there until it stops).
 */
export async function closePortalStand(stand: { people?: PortalPeople; browser?: Browser; elevate?: ServerProcess; dataDir?: string }): Promise<void> {
  await stand.people?.closeAll();
  await stand.browser?.close();
  await stand.elevate?.stop();
  if (stand.dataDir) rmSync(stand.dataDir, { recursive: true, force: true });
}
