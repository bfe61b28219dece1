import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, DEMO_PORTAL_ORIGINS, loadConfig } from '../../src/config/load.js';
import { redactDatabaseUrl } from '../../src/adapters/store/postgres/database-url.js';
import { describeStore } from '../../src/composition/store-admin.js';
import { tempDir } from '../support/harness.js';

test('defaults are MIM\'s port on loopback, and the result is frozen', () => {
  const c = loadConfig({ env: {} });
  assert.equal(c.port, 8086);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.accountDomain, 'PRIV');
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.corsOrigins) && Object.isFrozen(c.session));
});

test('file < environment < flags; repeated --cors-origin adds to the file\'s list', () => {
  const dir = tempDir();
  const file = join(dir, 'elevate.yaml');
  writeFileSync(file, 'port: 9000\nhost: 0.0.0.0\ncorsOrigins: [ "https://a.example" ]\naccountDomain: CORP\n');
  const c = loadConfig({
    file,
    env: { ELEVATE_PORT: '9100', ELEVATE_DOMAIN: 'BASTION' },
    overrides: { port: 9200, corsOrigins: ['http://b.example:8090'] },
  });
  assert.equal(c.port, 9200);
  assert.equal(c.host, '0.0.0.0');
  assert.equal(c.accountDomain, 'BASTION');
  assert.deepEqual(c.corsOrigins, ['https://a.example', 'http://b.example:8090']);
});

test('a demo with no origins admits the sample portal on port 8090; configured origins are kept as given', () => {
  assert.deepEqual(loadConfig({ env: {}, overrides: { demo: true } }).corsOrigins, [...DEMO_PORTAL_ORIGINS]);
  assert.deepEqual(loadConfig({ env: {}, overrides: { demo: true, corsOrigins: ['https://p.example'] } }).corsOrigins, ['https://p.example']);
  assert.deepEqual(loadConfig({ env: {} }).corsOrigins, []);
});

test('invalid settings are refused with the name of each bad key', () => {
  assert.throws(
    () => loadConfig({ env: { ELEVATE_PORT: 'eighty', ELEVATE_TIME_ZONE: 'Mars/Olympus' }, overrides: { corsOrigins: ['http://x.example/path'] } }),
    (e: unknown) =>
      e instanceof ConfigError && /port/.test(e.message) && /timeZone/.test(e.message) && /corsOrigins\.0/.test(e.message),
  );
  const dir = tempDir();
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'prot: 8086\n');
  assert.throws(() => loadConfig({ file, env: {} }), (e: unknown) => e instanceof ConfigError && /prot/.test(e.message));
  assert.throws(() => loadConfig({ file: join(dir, 'missing.yaml'), env: {} }), (e: unknown) => e instanceof ConfigError && /cannot read/.test(e.message));
});

test('the PostgreSQL store: URL from file < ELEVATE_DATABASE_URL < --database, pool and timeout settings, non-PostgreSQL URLs refused', () => {
  const dir = tempDir();
  const file = join(dir, 'elevate.yaml');
  writeFileSync(file, 'database: postgres://file@db/elevate\ndatabasePoolSize: 4\n');
  assert.equal(loadConfig({ env: {} }).database, undefined, 'the embedded store by default');
  assert.equal(loadConfig({ file, env: {} }).database, 'postgres://file@db/elevate');
  const c = loadConfig({ file, env: { ELEVATE_DATABASE_URL: 'postgresql://env@db/elevate', ELEVATE_STATEMENT_TIMEOUT_MS: '2500' } });
  assert.deepEqual([c.database, c.databasePoolSize, c.statementTimeoutMs], ['postgresql://env@db/elevate', 4, 2500]);
  assert.equal(loadConfig({ file, env: { ELEVATE_DATABASE_URL: 'postgres://env@db/x' }, overrides: { database: 'postgres://flag@db/x' } }).database, 'postgres://flag@db/x');
  assert.throws(
    () => loadConfig({ env: { ELEVATE_DATABASE_URL: 'mysql://u:s3cret@db/x', ELEVATE_DATABASE_POOL_SIZE: '0' } }),
    (e: unknown) => e instanceof ConfigError && /database: must be a postgres/.test(e.message) && /databasePoolSize/.test(e.message) && !/s3cret/.test(e.message),
  );
});

test('database URLs are printed without their password', () => {
  assert.equal(describeStore(loadConfig({ env: {}, overrides: { database: 'postgres://elevate:s3cret@db:5432/elevate?sslmode=require' } })), 'PostgreSQL postgres://elevate:***@db:5432/elevate?sslmode=require');
  assert.equal(redactDatabaseUrl('postgres://elevate:s3cret@[bad'), 'postgres://***@[bad');
  assert.equal(describeStore(loadConfig({ env: {}, overrides: { dataDir: '/var/lib/elevate' } })), 'embedded store in /var/lib/elevate');
});

test('MFA key and WebAuthn settings come from the file or ELEVATE_MFA_KEY[_FILE] / ELEVATE_WEBAUTHN_*', () => {
  const dir = tempDir();
  const file = join(dir, 'elevate.yaml');
  writeFileSync(file, 'webauthn:\n  rpName: Corp Elevate\n  rpId: elevate.corp.example\n');
  const c = loadConfig({
    file,
    env: { ELEVATE_MFA_KEY_FILE: '/etc/elevate/mfa.key', ELEVATE_WEBAUTHN_ORIGINS: 'https://portal.corp.example, https://elevate.corp.example' },
  });
  assert.equal(c.mfaKeyFile, '/etc/elevate/mfa.key');
  assert.deepEqual(c.webauthn, { rpName: 'Corp Elevate', rpId: 'elevate.corp.example', origins: ['https://portal.corp.example', 'https://elevate.corp.example'] });
  assert.deepEqual(loadConfig({ env: {} }).webauthn, { rpName: 'Elevate' });
  for (const rpId of ['127.0.0.1', 'https://elevate.example', 'elevate.example/']) {
    assert.throws(() => loadConfig({ env: { ELEVATE_WEBAUTHN_RP_ID: rpId } }), (e: unknown) => e instanceof ConfigError && /webauthn\.rpId/.test(e.message), rpId);
  }
  assert.throws(
    () => loadConfig({ env: { ELEVATE_MFA_KEY: 'x', ELEVATE_MFA_KEY_FILE: '/k' } }),
    (e: unknown) => e instanceof ConfigError && /mfaKey: give the MFA key once/.test(e.message),
  );
});

test('audit checkpoint settings come from the file or ELEVATE_AUDIT_*; bad values are named', () => {
  const noExport = { sinks: [], batchSize: 500, sendTimeoutMs: 10_000, leaseSeconds: 30 };
  assert.deepEqual(loadConfig({ env: {} }).audit, { checkpointIntervalSeconds: 10, export: noExport });
  const dir = tempDir();
  const file = join(dir, 'elevate.yaml');
  writeFileSync(file, 'audit:\n  signingKeyFile: /etc/elevate/audit.key\n  checkpointIntervalSeconds: 30\n');
  assert.deepEqual(loadConfig({ file, env: {} }).audit, { signingKeyFile: '/etc/elevate/audit.key', checkpointIntervalSeconds: 30, export: noExport });
  const env = loadConfig({ file, env: { ELEVATE_AUDIT_SIGNING_KEY_FILE: '/k', ELEVATE_AUDIT_CHECKPOINT_FILE: '/var/log/elevate/checkpoints.jsonl' } }).audit;
  assert.deepEqual(env, { signingKeyFile: '/k', checkpointFile: '/var/log/elevate/checkpoints.jsonl', checkpointIntervalSeconds: 30, export: noExport });
  assert.throws(() => loadConfig({ env: {}, overrides: { audit: { checkpointIntervalSeconds: 0 } } }), /audit\.checkpointIntervalSeconds/);
  assert.throws(() => loadConfig({ env: {}, overrides: { audit: { signingKey: 'x' } } }), /audit: Unrecognized key/);
  // The export's sinks: each kind's keys checked, names unique, secrets only by file.
  const sinks = (s: unknown[]) => loadConfig({ env: {}, overrides: { audit: { export: { sinks: s } } } as never }).audit.export.sinks;
  assert.deepEqual(sinks([{ type: 'file', name: 'a', path: '/x' }]), [{ type: 'file', name: 'a', path: '/x', maxBytes: 100 * 1024 * 1024, keep: 10 }]);
  assert.throws(() => sinks([{ type: 'file', name: 'a', path: '/x' }, { type: 'stdout', name: 'a' }]), /sink names must be unique/);
  assert.throws(() => sinks([{ type: 'http', name: 'h', url: 'ftp://x' }]), /http:\/\/ or https:\/\//);
  assert.throws(() => sinks([{ type: 'http', name: 'h', url: 'https://x', bearerToken: 't' }]), /Unrecognized key/);
  assert.throws(() => sinks([{ type: 'syslog', name: 's', host: 'h', tls: { certFile: '/c' } }]), /certFile and keyFile go together/);
  assert.throws(() => sinks([{ type: 'kafka', name: 'k' }]), /type/);
});

test('connection and sign-in limits have bounded defaults; allowedHosts comes from the file, ELEVATE_ALLOWED_HOSTS and --allowed-host', () => {
  const c = loadConfig({ env: {} });
  assert.deepEqual(c.http, { requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 5_000, idleTimeoutMs: 60_000, maxConnections: 1024 });
  assert.deepEqual(c.signIn, { verificationConcurrency: 4, verificationQueue: 16, addressConcurrency: 2, addressFailures: 100 });
  assert.deepEqual(c.allowedHosts, []);
  const dir = tempDir();
  const file = join(dir, 'elevate.yaml');
  writeFileSync(file, 'allowedHosts: [elevate.corp.example]\nhttp: { maxConnections: 10 }\n');
  assert.deepEqual(loadConfig({ file, env: {}, overrides: { allowedHosts: ['pam.corp.example'] } }).allowedHosts, ['elevate.corp.example', 'pam.corp.example']);
  assert.equal(loadConfig({ file, env: {} }).http.maxConnections, 10);
  assert.equal(loadConfig({ file, env: {} }).http.requestTimeoutMs, 30_000);
  assert.deepEqual(loadConfig({ env: { ELEVATE_ALLOWED_HOSTS: 'a.example, [::1]' } }).allowedHosts, ['a.example', '[::1]']);
  for (const overrides of [
    { allowedHosts: ['http://a.example'] },
    { allowedHosts: ['a.example:8086'] },
    { http: { requestTimeoutMs: 1000, headersTimeoutMs: 2000 } },
    { http: { requestTimeoutMs: 0 } },
    { http: { maxConections: 5 } },
    { signIn: { verificationQueue: -1 } },
  ]) {
    assert.throws(() => loadConfig({ env: {}, overrides }), ConfigError, JSON.stringify(overrides));
  }
});
