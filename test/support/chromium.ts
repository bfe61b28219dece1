import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`; scripts/ci.sh installs it). Nothing is ever downloaded. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// The flags that keep Chromium quiet on a closed network (see ../shared/recipes/chromium.md).
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChromiumSession {
  readonly context: BrowserContext;
  readonly userDataDir: string;
  /** Closes the browser and removes its profile directory. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts a headless Chromium with a fresh profile of its own (its own cookies, HTTP auth cache and
 * credentials), so each session behaves like a different person's browser. Throws, never skips,
 * when Chromium is not installed.
 */
function requireChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}. The browser tests drive Debian's chromium and never download one: ` +
        'run `DEBIAN_FRONTEND=noninteractive apt-get install -y chromium` (scripts/ci.sh does), or set CHROMIUM_PATH.',
    );
  }
}

/**
 * One headless Chromium whose `newContext()`s are separate people: each context has its own
 * cookies and storage, at a fraction of the cost of a browser per person.
 */
export async function launchBrowser(): Promise<Browser> {
  requireChromium();
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS, timeout: 30_000 });
}

export async function launchChromium(options: BrowserContextOptions = {}): Promise<ChromiumSession> {
  requireChromium();
  const userDataDir = mkdtempSync(join(tmpdir(), 'elevate-chromium-'));
  let context: BrowserContext;
  try {
    // Playwright refuses --user-data-dir in args; a persistent context is how a profile dir is given.
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ARGS,
      timeout: 30_000,
      ...options,
    });
  } catch (err) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
  let closed = false;
  return {
    context,
    userDataDir,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await context.close();
      } finally {
        rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
      }
    },
  };
}
