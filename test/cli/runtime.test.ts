import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from './run-cli.js';

// Elevate runs on Node 24, installed by npm ci as the npm package `node` (docs/runtime.md).
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BUNDLED = join(ROOT, 'node_modules/.bin/node');
const BIN = join(ROOT, 'bin/elevate.js');
// The host's own Node: 20 on the machines Elevate is built for (Debian's nodejs package).
const HOST_NODE = '/usr/bin/node';
const run = promisify(execFile);

function major(version: string): number {
  return Number(version.replace(/^v/, '').split('.')[0]);
}

test('the tests run on the Node 24 that npm ci installed', () => {
  assert.ok(existsSync(BUNDLED), 'node_modules/.bin/node is missing: npm ci installs it');
  assert.equal(realpathSync(process.execPath), realpathSync(BUNDLED));
  assert.equal(major(process.version), 24);
});

test("bin/elevate.js started by the host's older Node runs the command on Node 24, exit status and all", async (t) => {
  assert.ok(existsSync(HOST_NODE), `${HOST_NODE} is missing: this test needs the host's own (older) Node`);
  const hostVersion = (await run(HOST_NODE, ['-v'])).stdout.trim();
  assert.ok(major(hostVersion) < 24, `${HOST_NODE} is ${hostVersion}: this test needs a host Node older than 24`);

  const dir = tempDir(t);
  const data = join(dir, 'data');
  const pw = join(dir, 'root.pw');
  writeFileSync(pw, 'first-admin-pw\n', { mode: 0o600 });
  const env = { PATH: process.env.PATH ?? '', HOME: dir };
  // init opens SQLite: better-sqlite3 13 would crash Node 20 itself (a segmentation fault).
  const made = await run(HOST_NODE, [BIN, 'init', '--data', data, '--admin', 'root', '--password-file', pw, '--json'], { env });
  assert.equal(JSON.parse(made.stdout).created, true);
  const status = await run(HOST_NODE, [BIN, 'db', 'status', '--data', data, '--json'], { env });
  assert.ok(JSON.parse(status.stdout).schemaVersion);
  // A failing command's status reaches the caller.
  await assert.rejects(run(HOST_NODE, [BIN, 'user', 'list', '--data', join(dir, 'nothing-here')], { env }), (e: { code?: number; stderr?: string }) => {
    assert.equal(e.code, 1);
    assert.match(String(e.stderr), /no Elevate store/);
    return true;
  });
});
