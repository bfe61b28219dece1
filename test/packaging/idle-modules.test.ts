import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { tempDir } from '../support/harness.js';

const run = promisify(execFile);

/**
 * Modules a server loads only once it needs them: each is megabytes resident (docs/benchmarks.md,
 * "Idle memory"), and a server with none of their features configured never needs them.
 */
const OPTIONAL = ['nodemailer', 'openid-client', 'oauth4webapi', 'qrcode', '@simplewebauthn/server', 'pg', 'pg-pool', 'kerberos'];

test('a demo server that has answered a call has loaded none of the optional modules, nor Node\'s bundled fetch', async () => {
  const dataDir = tempDir();
  const startServer = new URL('../../src/main.js', import.meta.url).href;
  const loadConfig = new URL('../../src/config/load.js', import.meta.url).href;
  // A fresh process, so nothing this test runner loaded counts; module.registerHooks sees every
  // resolution, by import and by require.
  const script = `
    import { registerHooks } from 'node:module';
    const urls = new Set();
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); urls.add(r.url); return r; } });
    const { startServer } = await import(${JSON.stringify(startServer)});
    const { loadConfig } = await import(${JSON.stringify(loadConfig)});
    const server = await startServer(loadConfig({ env: {}, overrides: { dataDir: ${JSON.stringify(dataDir)}, port: 0, demo: true, logLevel: 'silent' } }));
    // node:http through require, not fetch: fetch is the very undici this test looks for.
    const { createRequire } = await import('node:module');
    const http = createRequire(import.meta.url)('node:http');
    const res = await new Promise((resolve, reject) => {
      http.get(server.url + '/api/pamresources/pamroles', { headers: { authorization: 'Basic ' + Buffer.from('jen:jen').toString('base64') } }, (r) => { r.resume(); r.on('end', () => resolve(r)); }).on('error', reject);
    });
    const builtins = process.moduleLoadList.filter((m) => /undici/.test(m));
    await server.close();
    process.stdout.write(JSON.stringify({ status: res.statusCode, urls: [...urls], builtins }));
  `;
  try {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000 });
    const out = JSON.parse(stdout) as { status: number; urls: string[]; builtins: string[] };
    assert.equal(out.status, 200);
    assert.ok(out.urls.some((u) => u.includes('/node_modules/fastify/')), 'the hook saw the modules loaded');
    const packageOf = (u: string) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1];
    const loaded = [...new Set(out.urls.map(packageOf).filter((p) => p !== undefined && OPTIONAL.includes(p)))];
    assert.deepEqual(loaded, [], `loaded at start: ${loaded.join(', ')}`);
    assert.deepEqual(out.builtins, [], "Node's bundled undici was loaded");
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
