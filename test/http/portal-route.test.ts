// The route serving the built portal, against a small stand-in build in a temp folder, so these
// checks do not depend on the real bundle (the browser tests in test/e2e use that one).
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../../src/http/app.js';
import { PORTAL_CSP } from '../../src/http/routes/portal.js';
import { type TestCore, makeCore, tempDir } from '../support/harness.js';

let t: TestCore;
let built: FastifyInstance;
let unbuilt: FastifyInstance;
let dir: string;

before(async () => {
  t = await makeCore();
  dir = tempDir('elevate-portal-build-');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/portal-abc123.js"></script>');
  writeFileSync(join(dir, 'assets', 'portal-abc123.js'), 'console.log(1)');
  writeFileSync(join(dir, 'assets', 'portal-def456.css'), 'body{}');
  built = await buildApp({ core: t.core, config: t.config, logger: pino({ level: 'silent' }), portalDir: dir });
  unbuilt = await buildApp({ core: t.core, config: t.config, logger: pino({ level: 'silent' }), portalDir: join(dir, 'missing') });
});
after(async () => {
  await built.close();
  await unbuilt.close();
  await t.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /', () => {
  test('serves index.html, revalidated on every load, under a CSP that forbids inline scripts', async () => {
    const res = await built.inject({ method: 'GET', url: '/' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.equal(res.headers['content-security-policy'], PORTAL_CSP);
    assert.match(PORTAL_CSP, /script-src 'self'(;|$)/);
    assert.doesNotMatch(PORTAL_CSP, /unsafe-inline|unsafe-eval/);
    assert.match(PORTAL_CSP, /frame-ancestors 'none'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.match(res.body, /portal-abc123\.js/);
  });

  test('answers 503 in the error shape, naming the fix, when the portal was never built', async () => {
    const res = await unbuilt.inject({ method: 'GET', url: '/' });
    assert.equal(res.statusCode, 503);
    const body = res.json() as { 'odata.error': { code: string; message: { value: string } } };
    assert.equal(body['odata.error'].code, 'PortalNotBuilt');
    assert.match(body['odata.error'].message.value, /npm run build/);
  });
});

describe('GET /assets/:name', () => {
  test('hashed JS and CSS are cacheable for a year and immutable, with their types', async () => {
    const js = await built.inject({ method: 'GET', url: '/assets/portal-abc123.js' });
    assert.equal(js.statusCode, 200);
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(String(js.headers['content-type']), /^text\/javascript/);
    assert.equal(js.body, 'console.log(1)');
    const css = await built.inject({ method: 'GET', url: '/assets/portal-def456.css' });
    assert.match(String(css.headers['content-type']), /^text\/css/);
  });

  test('an unknown or traversing name is a 404 in the error shape, never cached', async () => {
    for (const url of ['/assets/portal-000000.js', '/assets/..%2Findex.html', '/assets/%2e%2e%2f%2e%2e%2fpackage.json']) {
      const res = await built.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.headers['cache-control'], 'no-store', url);
      assert.equal(typeof (res.json() as { 'odata.error': unknown })['odata.error'], 'object', url);
    }
  });
});

describe('the Basic challenge', () => {
  test('is left off for a same-origin script call (the portal shows its own sign-in form)', async () => {
    const res = await built.inject({ method: 'GET', url: '/api/session', headers: { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' } });
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers['www-authenticate'], undefined);
  });

  test('is kept for cross-origin calls, navigations and non-browser clients', async () => {
    for (const headers of [{ 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors' }, { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'navigate' }, {}]) {
      const res = await built.inject({ method: 'GET', url: '/api/pamresources/pamroles', headers });
      assert.equal(res.statusCode, 401);
      assert.match(String(res.headers['www-authenticate']), /^Basic/, JSON.stringify(headers));
    }
  });
});

describe('GET /favicon.ico', () => {
  test('answers the icon (an ICO holding a PNG), built portal or not', async () => {
    for (const app of [built, unbuilt]) {
      const res = await app.inject({ method: 'GET', url: '/favicon.ico' });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'image/x-icon');
      assert.deepEqual([...res.rawPayload.subarray(0, 4)], [0, 0, 1, 0], 'ICO header');
      assert.equal(res.rawPayload.subarray(22, 26).toString('latin1'), '\x89PNG');
    }
  });
});
