import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.js';

const load = (overrides: Record<string, unknown>) => loadConfig({ env: {}, overrides: { dataDir: '/tmp/unused', ...overrides } });

test('oidc: https issuers only (plain http on loopback, for tests), openid among the scopes, defaults filled in', () => {
  const c = load({ oidc: { issuer: 'https://login.corp.example/realms/corp', clientId: 'elevate' } });
  assert.deepEqual(
    { ...c.oidc },
    {
      issuer: 'https://login.corp.example/realms/corp',
      clientId: 'elevate',
      displayName: 'single sign-on',
      loginClaim: 'preferred_username',
      groupsClaim: 'groups',
      adminGroups: [],
      createAccounts: false,
      scopes: ['openid', 'profile', 'email'],
    },
  );
  assert.equal(c.passwordSignIn, true);
  assert.throws(() => load({ oidc: { issuer: 'http://login.corp.example/', clientId: 'elevate' } }), /oidc\.issuer/);
  assert.ok(load({ oidc: { issuer: 'http://127.0.0.1:9000/', clientId: 'elevate' } }).oidc);
  assert.throws(() => load({ oidc: { issuer: 'https://login.corp.example/', clientId: 'elevate', scopes: ['profile'] } }), /oidc\.scopes/);
  assert.throws(() => load({ oidc: { issuer: 'https://login.corp.example/', clientId: 'elevate', clientSecret: 'inline' } }), /clientSecret/);
});

test('kerberos: a service of the form HTTP@host and a realm', () => {
  const k = { keytab: '/etc/elevate/http.keytab', service: 'HTTP@elevate.corp.example', realm: 'CORP.EXAMPLE' };
  assert.deepEqual({ ...load({ kerberos: k }).kerberos }, k);
  assert.throws(() => load({ kerberos: { ...k, service: 'HTTP/elevate.corp.example@CORP.EXAMPLE' } }), /kerberos\.service/);
  assert.throws(() => load({ kerberos: { ...k, realm: '' } }), /kerberos\.realm/);
});

test('passwords off needs another way in', () => {
  assert.throws(() => load({ passwordSignIn: false }), /passwordSignIn/);
  assert.equal(load({ passwordSignIn: false, oidc: { issuer: 'https://login.corp.example/', clientId: 'elevate' } }).passwordSignIn, false);
});
