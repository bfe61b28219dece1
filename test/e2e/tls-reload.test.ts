/**
 * `elevate serve --tls-cert --tls-key` (issue 16, part 4): HTTPS from a real server process, and a
 * new certificate picked up on SIGHUP without dropping the listener or an open connection.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TLSSocket, connect } from 'node:tls';
import { CLI, freePort } from '../support/server-process.js';

/** A self-signed certificate for 127.0.0.1 whose subject CN is `cn`. */
function makeCert(dir: string, cn: string): { cert: string; key: string } {
  const cert = join(dir, `${cn}.crt`);
  const key = join(dir, `${cn}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', `/CN=${cn}`, '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert, key };
}

/** Opens a TLS connection and resolves with the socket once the handshake is done. */
function open(port: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => resolve(s));
    s.once('error', reject);
  });
}

const subjectOf = (s: TLSSocket) => s.getPeerCertificate().subject.CN;

/** One HTTP/1.1 request on an open socket, kept alive; resolves with the status line. */
function get(s: TLSSocket, path: string): Promise<string> {
  return new Promise((resolve) => {
    s.once('data', (d: Buffer) => resolve(d.toString('utf8').split('\r\n')[0]!));
    s.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
  });
}

function signIn(port: number): Promise<{ status: number; setCookie: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/session/login', method: 'POST', rejectUnauthorized: false, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, setCookie: String(res.headers['set-cookie']) }));
    });
    req.once('error', reject);
    req.end(JSON.stringify({ login: 'jen', password: 'jen' }));
  });
}

test('serve --tls-cert/--tls-key serves HTTPS and reloads the certificate on SIGHUP, keeping the listener and open connections', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'elevate-tls-'));
  const first = makeCert(dir, 'first');
  const second = makeCert(dir, 'second');
  // The server reads these two paths; the test replaces their contents as a renewal would.
  const certFile = join(dir, 'server.crt');
  const keyFile = join(dir, 'server.key');
  const install = (c: { cert: string; key: string }) => {
    renameSync(c.cert, certFile);
    renameSync(c.key, keyFile);
  };
  install(first);
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'serve', '--demo', '--data', join(dir, 'data'), '--port', String(port), '--tls-cert', certFile, '--tls-key', keyFile], {
    env: { ...process.env, ELEVATE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waitFor = async (re: RegExp, what: string) => {
    const deadline = Date.now() + 30_000;
    while (!re.test(out)) {
      if (child.exitCode !== null) throw new Error(`elevate serve exited with ${child.exitCode}:\n${out}`);
      if (Date.now() > deadline) throw new Error(`no ${what} within 30 s:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  try {
    await waitFor(/Elevate is listening on https:\/\/127\.0\.0\.1:\d+/, 'listening line');
    const before = await open(port);
    assert.equal(subjectOf(before), 'first');
    assert.equal(await get(before, '/healthz'), 'HTTP/1.1 200 OK');
    // Over TLS the session cookie is Secure.
    const login = await signIn(port);
    assert.equal(login.status, 200);
    assert.match(login.setCookie, /; Secure/);

    install(second);
    child.kill('SIGHUP');
    await waitFor(/TLS certificate reloaded/, 'reload message');
    const after = await open(port);
    assert.equal(subjectOf(after), 'second', 'a new connection gets the new certificate');
    assert.equal(await get(after, '/healthz'), 'HTTP/1.1 200 OK');
    assert.equal(await get(before, '/healthz'), 'HTTP/1.1 200 OK', 'the connection opened before the reload still works');

    // A key that does not match its certificate is refused; the server keeps the previous pair.
    const third = makeCert(dir, 'third');
    renameSync(third.cert, certFile);
    writeFileSync(keyFile, execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']));
    child.kill('SIGHUP');
    await waitFor(/TLS certificate NOT reloaded/, 'refusal message');
    const still = await open(port);
    assert.equal(subjectOf(still), 'second');
    for (const s of [before, after, still]) s.destroy();
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
