// The Microsoft PAM sample portal's calls (test/e2e/portal-fixture/portal.js) served from an origin
// of their own and driven in real Chromium: what the browser tests of the MIM wire share.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { type ChromiumSession, launchChromium } from './chromium.js';

// Compiled to dist/test/support; the fixture (not compiled) and jQuery are read from the source tree.
const ROOT = new URL('../../../', import.meta.url);
const FIXTURE = new URL('test/e2e/portal-fixture/', ROOT);

export interface Role { RoleId: string; DisplayName: string; TTL: string; ExpirationTime?: string }
export interface PamRequest { RequestId: string; RoleId: string; RequestStatus: string; RequestedTTL: string; ExpirationTime: string; Justification: string | null }
export interface Approval { RoleName: string; Requestor: string; FIMRequestID: { Value: string }; ApprovalObjectID: { Value: string } }
export interface Collection<T> { value: T[] }

/** What portal.js hands back: the arguments of jQuery's success or error callback. */
export type Outcome<T> =
  | { ok: true; status: number; data: T; contentType: string | null }
  | { ok: false; status: number; textStatus: string; thrown: string; message: string | null };

function readFixture(url: URL): Buffer {
  try {
    return readFileSync(url);
  } catch (err) {
    throw new Error(`portal fixture file missing: ${fileURLToPath(url)} (run npm ci for jQuery)`, { cause: err });
  }
}

let files: Map<string, { body: Buffer; type: string }> | undefined;

/** A static file server for the fixture on 127.0.0.1 and a free port: the portal's own origin. */
export async function serveSamplePortal(): Promise<{ server: http.Server; origin: string }> {
  files ??= new Map([
    ['/index.html', { body: readFixture(new URL('index.html', FIXTURE)), type: 'text/html; charset=utf-8' }],
    ['/portal.js', { body: readFixture(new URL('portal.js', FIXTURE)), type: 'text/javascript; charset=utf-8' }],
    ['/jquery.min.js', { body: readFixture(new URL('node_modules/jquery/dist/jquery.min.js', ROOT)), type: 'text/javascript; charset=utf-8' }],
  ]);
  const server = http.createServer((req, res) => {
    const file = files!.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

/**
 * The fixture page at `origin` in a Chromium of its own, signed in to Elevate at `elevateUrl` as
 * `credentials` (the browser answers the Basic challenge). The caller closes the session.
 */
export async function openSamplePortal(
  origin: string,
  elevateUrl: string,
  credentials: { username: string; password: string },
): Promise<{ page: Page; session: ChromiumSession }> {
  const session = await launchChromium({ httpCredentials: { ...credentials, origin: elevateUrl } });
  try {
    const page = session.context.pages()[0] ?? (await session.context.newPage());
    const res = await page.goto(`${origin}/index.html?api=${encodeURIComponent(`${elevateUrl}/api/pamresources/`)}`);
    assert.equal(res?.status(), 200);
    await page.waitForFunction(() => 'portal' in globalThis);
    return { page, session };
  } catch (e) {
    await session.close().catch(() => {});
    throw e;
  }
}

/** Calls one of portal.js's functions inside the page. */
export function portal<T = unknown>(page: Page, fn: string, ...args: unknown[]): Promise<Outcome<T>> {
  return page.evaluate(
    ({ fn, args }) => (globalThis as unknown as { portal: Record<string, (...a: unknown[]) => unknown> }).portal[fn]!(...args),
    { fn, args },
  ) as Promise<Outcome<T>>;
}

export function ok<T>(o: Outcome<T>, what: string): T {
  assert.ok(o.ok, `${what} reached jQuery's error callback: ${JSON.stringify(o)}`);
  return o.data;
}

/** The sample portal's View History page: requests created in the last month. */
export async function history(page: Page): Promise<PamRequest[]> {
  const month = 31 * 24 * 3600_000;
  return ok(await portal<Collection<PamRequest>>(page, 'history', Date.now() - month, Date.now() + 24 * 3600_000), 'history').value;
}
