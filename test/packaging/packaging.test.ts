import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { z } from 'zod';
import { loadConfig } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import { tempDir } from '../support/harness.js';
import { freePort } from '../support/server-process.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const UNIT = join(ROOT, 'packaging/systemd/elevate.service');
const EXAMPLE = join(ROOT, 'packaging/elevate.example.yaml');
const CONTAINERFILE = join(ROOT, 'packaging/container/Containerfile');

test('the systemd unit passes systemd-analyze verify without a word, and its exposure score is low', async () => {
  // systemd-analyze exits 0 even for unknown keys and bad values; it only says so on stderr.
  const verify = await run('systemd-analyze', ['verify', UNIT]);
  assert.equal(verify.stderr, '');
  assert.equal(verify.stdout, '');
  const security = await run('systemd-analyze', ['security', '--offline=yes', UNIT]);
  const score = Number(/Overall exposure level for elevate\.service: ([\d.]+)/.exec(security.stdout)?.[1]);
  assert.ok(score <= 2, `exposure ${score} (systemd's scale: 0 best, 10 worst)`);
  const unit = readFileSync(UNIT, 'utf8');
  for (const line of ['User=elevate', 'NoNewPrivileges=yes', 'ProtectSystem=strict', 'StateDirectory=elevate', 'CapabilityBoundingSet=']) {
    assert.match(unit, new RegExp(`^${line}$`, 'm'));
  }
});

/** Every setting's path in the schema (`http.requestTimeoutMs`, `directories.*.url`). */
function schemaPaths(schema: z.ZodType, prefix = ''): string[] {
  let s: z.ZodType = schema;
  // Defaults, optionals and prefaults wrap the schema that has the shape.
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional || s instanceof z.ZodPrefault) s = s.unwrap() as z.ZodType;
  if (s instanceof z.ZodObject) return Object.entries(s.shape).flatMap(([k, v]) => [`${prefix}${k}`, ...schemaPaths(v as z.ZodType, `${prefix}${k}.`)]);
  if (s instanceof z.ZodRecord) return [`${prefix}*`, ...schemaPaths(s.valueType as z.ZodType, `${prefix}*.`)];
  return [];
}

/** The keys the example names, set or commented out (`# key: value`), by indentation. */
function examplePaths(text: string, records: ReadonlySet<string>): Set<string> {
  const paths = new Set<string>();
  const stack: { indent: number; key: string }[] = [];
  for (const line of text.split('\n')) {
    // `#   key:` at column 0 stands for a key indented as if the `#` were a space.
    const m = /^(\s*)(?:#(\s+))?([A-Za-z][A-Za-z0-9]*):(?:\s|$)/.exec(line);
    if (!m) continue;
    const indent = m[1]!.length + (m[2] ? m[2].length - 1 : 0);
    while (stack.length > 0 && stack.at(-1)!.indent >= indent) stack.pop();
    // A record's keys (a directory's name, a Slack user id) are any name: they stand for '*'.
    const parent = stack.map((f) => f.key).join('.');
    const key = records.has(parent) ? '*' : m[3]!;
    stack.push({ indent, key });
    paths.add(stack.map((f) => f.key).join('.'));
  }
  return paths;
}

test('the example configuration loads, and names every setting Elevate knows', () => {
  const text = readFileSync(EXAMPLE, 'utf8');
  const config = loadConfig({ file: EXAMPLE, env: {} });
  assert.equal(config.port, 8086);
  assert.equal(config.directories.corp?.signIn, true);
  assert.deepEqual(Object.keys(parse(text) as object).length > 10, true);
  const all = schemaPaths(configSchema);
  const named = examplePaths(text, new Set(all.filter((p) => p.endsWith('.*')).map((p) => p.slice(0, -2))));
  const missing = all.filter((p) => !named.has(p));
  assert.deepEqual(missing, [], 'settings the example does not mention');
  const unknown = [...named].filter((p) => !all.includes(p));
  assert.deepEqual(unknown, [], 'keys in the example that are no setting');
});

test("the container recipe's build steps give a tree that runs as an unprivileged user, read-only, with production packages only, and passes its health check", { timeout: 300_000 }, async (t) => {
  const dir = tempDir('elevate-image-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755);
  const app = join(dir, 'app');
  await run('bash', [join(ROOT, 'packaging/container/assemble.sh'), app], { maxBuffer: 1 << 24 });
  for (const dev of ['typescript', 'playwright-core', 'esbuild', 'fast-check', 'autocannon', 'smtp-server', 'oidc-provider']) {
    assert.equal(existsSync(join(app, 'node_modules', dev)), false, `${dev} (a devDependency) is in the image`);
  }
  assert.equal(existsSync(join(app, 'dist/test')), false, 'no tests in the image');
  // Read-only for everyone, as with `docker run --read-only`; state only in the data volume.
  await run('chmod', ['-R', 'a-w', app]);
  const data = join(dir, 'data');
  mkdirSync(data, { mode: 0o700 });
  const nobody = 65534;
  chownSync(data, nobody, nobody);
  const port = await freePort();
  const containerfile = readFileSync(CONTAINERFILE, 'utf8');
  const entry = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(containerfile)![1]!) as string[];
  const env = { PATH: process.env.PATH!, NODE_ENV: 'production', ELEVATE_DATA: data, ELEVATE_PORT: String(port), HOME: '/nonexistent' };
  // The image brings its own Node; a copy beside the tree stands for it, so the unprivileged user
  // can run it wherever the checkout lives (a clone under a 0700 directory is out of its reach).
  const node = join(dir, 'node');
  copyFileSync(process.execPath, node);
  chmodSync(node, 0o755);
  const server = spawn(node, [...entry.slice(1).map((a) => a.replace(/^\/app\//, `${app}/`)), 'serve', '--demo'], { uid: nobody, gid: nobody, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  server.stdout.on('data', (d) => (out += d));
  server.stderr.on('data', (d) => (out += d));
  // A process that could not start emits 'error' and never 'exit': either ends the wait.
  const exited = new Promise((r) => {
    server.once('exit', r);
    server.once('error', (e) => {
      out += `spawn failed: ${e.message}\n`;
      r(null);
    });
  });
  t.after(async () => {
    server.kill('SIGTERM');
    await exited;
  });
  // The image's own HEALTHCHECK command, pointed at this port.
  const health = JSON.parse(/^HEALTHCHECK .*CMD (\[.*\])$/m.exec(containerfile)![1]!) as string[];
  const script = health[2]!.replace('8086', String(port));
  const deadline = Date.now() + 60_000;
  for (;;) {
    assert.equal(server.exitCode, null, `serve exited:\n${out}`);
    assert.ok(server.pid !== undefined, `serve did not start:\n${out}`);
    const probe = await run(process.execPath, ['-e', script]).then(
      () => 0,
      (e: { code?: number }) => e.code ?? 1,
    );
    if (probe === 0) break;
    assert.ok(Date.now() < deadline, `the health check never passed:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const roles = await fetch(`http://127.0.0.1:${port}/api/pamresources/pamroles`, { headers: { authorization: `Basic ${Buffer.from('jen:jen').toString('base64')}` } });
  assert.equal(roles.status, 200);
  assert.ok(existsSync(join(data, 'elevate.db')), 'the store is in the data volume');
});
