/**
 * `elevate token create|list|revoke`, `elevate login` and `elevate logout` against a real server
 * (issue 16, part 3): after login, end-user commands need no ELEVATE_PASSWORD.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { startServer } from '../../src/main.js';
import { cliJson, runCli, tempDir } from './run-cli.js';

test('token create/list/revoke, and login stores a token (0600) that later commands use until logout revokes it', async (t) => {
  const server = await startServer(loadConfig({ env: {}, overrides: { dataDir: tempDir(t), port: 0, demo: true, logLevel: 'silent' } }));
  t.after(() => server.close());
  const home = tempDir(t);
  const base = { ELEVATE_SERVER: server.url, XDG_CONFIG_HOME: home };
  const withPassword = { env: { ...base, ELEVATE_USER: 'jen', ELEVATE_PASSWORD: 'jen' } };

  const created = await cliJson(['token', 'create', '--name', 'ci', '--scope', 'request,read', '--expires', '30d'], withPassword);
  assert.match(created.token, /^elv_/);
  assert.deepEqual(created.scopes, ['read', 'request']);
  assert.equal(Date.parse(created.expiresAt) - Date.parse(created.createdAt), 30 * 86_400_000);
  assert.deepEqual(await cliJson(['whoami'], { env: { ...base, ELEVATE_TOKEN: created.token } }), { Username: 'PRIV\\jen' });
  const listed = await runCli(['token', 'list'], withPassword);
  assert.match(listed.stdout, /^ci\s+read,request\s/m);
  assert.doesNotMatch(listed.stdout, new RegExp(created.token.slice(4)));

  // Without a password or a stored token there is nobody to be.
  const nobody = await runCli(['whoami'], { env: base });
  assert.notEqual(nobody.code, 0);

  const login = await cliJson(['login'], withPassword);
  assert.equal(login.login, 'jen');
  const file = join(home, 'elevate', 'credentials.json');
  assert.equal(login.file, file);
  assert.equal(statSync(file).mode & 0o777, 0o600, 'the credentials file is readable by its owner only');
  assert.equal(statSync(join(home, 'elevate')).mode & 0o777, 0o700);
  const stored = Object.values(JSON.parse(readFileSync(file, 'utf8')) as Record<string, { token: string }>)[0]!.token;
  assert.deepEqual(await cliJson(['whoami'], { env: base }), { Username: 'PRIV\\jen' }, 'no password needed after login');
  assert.ok((await cliJson(['roles'], { env: base })).length > 0);
  // The stored token cannot make tokens: that still takes the password.
  assert.notEqual((await runCli(['token', 'create', '--name', 'x', '--scope', 'read'], { env: base })).code, 0);

  const logout = await runCli(['logout'], { env: base });
  assert.equal(logout.code, 0, logout.stderr);
  const revoked = await runCli(['whoami'], { env: { ...base, ELEVATE_TOKEN: stored } });
  assert.notEqual(revoked.code, 0);
  assert.match(revoked.stderr, /HTTP 401/, 'logout revoked the token on the server');
  assert.notEqual((await runCli(['whoami'], { env: base })).code, 0, 'and forgot it here');

  const revoke = await runCli(['token', 'revoke', 'ci'], withPassword);
  assert.equal(revoke.code, 0, revoke.stderr);
  assert.match((await runCli(['whoami'], { env: { ...base, ELEVATE_TOKEN: created.token } })).stderr, /HTTP 401/);
});
