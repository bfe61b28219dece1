/** The authorization matrix's rows for the public, session, single sign-on and MFA enrolment endpoints. */
import assert from 'node:assert/strict';
import { API } from '../../support/harness.js';
import { type Row, ADMIN_ONLY, ANY_USER, PUBLIC, BOGUS_ATTESTATION } from './authorization-matrix.js';

export const SESSION_ROWS: Row[] = [
  // Public endpoints.
  // The portal's files are public: everything behind them asks the API, which checks the caller.
  { name: 'GET / (the portal, built by scripts/test.sh)', call: () => ({ method: 'GET', url: '/' }), expect: PUBLIC(200) },
  { name: 'GET /assets/:name (unknown asset)', call: () => ({ method: 'GET', url: '/assets/portal-0.js' }), expect: PUBLIC(404) },
  { name: 'GET /favicon.ico', call: () => ({ method: 'GET', url: '/favicon.ico' }), expect: PUBLIC(200) },
  { name: 'GET /healthz', call: () => ({ method: 'GET', url: '/healthz' }), expect: PUBLIC(200) },
  { name: 'GET /readyz', call: () => ({ method: 'GET', url: '/readyz' }), expect: PUBLIC(200) },
  // The OpenAPI document describes shapes, never data: public, behind the host check like everything.
  {
    name: 'GET /api/openapi.json',
    call: () => ({ method: 'GET', url: '/api/openapi.json' }),
    expect: PUBLIC(200),
    check: (_who, res) => assert.equal((res.json() as { openapi: string }).openapi, '3.1.0'),
  },
  { name: 'GET /metrics', call: () => ({ method: 'GET', url: '/metrics' }), expect: ADMIN_ONLY(200) },
  {
    name: 'POST /api/session/login',
    call: () => ({ method: 'POST', url: '/api/session/login', payload: { login: 'jen', password: 'jen' } }),
    expect: PUBLIC(200),
  },
  {
    name: 'POST /api/session/login with a wrong password',
    call: () => ({ method: 'POST', url: '/api/session/login', payload: { login: 'jen', password: 'guess' } }),
    expect: PUBLIC(401),
    // A failed sign-in is audited.
    refusalRecorded: ['nobody', 'jen', 'ann', 'admin'],
  },
  // Session endpoints that need a caller.
  { name: 'GET /api/session', call: () => ({ method: 'GET', url: '/api/session' }), expect: ANY_USER(200) },
  { name: 'GET /api/session/methods', call: () => ({ method: 'GET', url: '/api/session/methods' }), expect: PUBLIC(200) },
  // Single sign-on is public by design: /start sends anyone to the provider (here unreachable, so
  // back to the sign-in page), and /callback without this browser's flow cookie opens nothing.
  { name: 'GET /api/session/oidc/start', call: () => ({ method: 'GET', url: '/api/session/oidc/start' }), expect: PUBLIC(303), check: (_who, res) => assert.equal(res.headers.location, '/?sso_error=unreachable') },
  { name: 'GET /api/session/oidc/callback (no flow)', call: () => ({ method: 'GET', url: '/api/session/oidc/callback?code=x&state=y' }),
    expect: PUBLIC(303),
    check: (_who, res) => {
      assert.equal(res.headers.location, '/?sso_error=state');
      assert.equal(res.cookies.find((c) => c.name === 'elevate_session'), undefined);
    },
  },
  { name: 'POST /api/session/logout', call: () => ({ method: 'POST', url: '/api/session/logout' }), expect: ANY_USER(204) },
  { name: 'POST /api/session/logout-everywhere', call: () => ({ method: 'POST', url: '/api/session/logout-everywhere' }), expect: ANY_USER(204) },

  // Self-service MFA enrolment (an Elevate extension). jen's demo authenticator is confirmed already;
  // ann and admin have no factor. A password alone changes no factor (issue 11).
  {
    name: 'POST /api/mfa/totp',
    call: () => ({ method: 'POST', url: '/api/mfa/totp' }),
    expect: { nobody: 401, jen: 403, ann: 403, admin: 403 },
  },
  {
    name: "POST /api/mfa/totp with jen's current code",
    call: (f) => ({ method: 'POST', url: '/api/mfa/totp', payload: { Code: f.jenCode } }),
    expect: { nobody: 401, jen: 201, ann: 403, admin: 403 },
  },
  {
    name: 'POST /api/mfa/totp/confirm before enrolling',
    call: () => ({ method: 'POST', url: '/api/mfa/totp/confirm', payload: { Code: '123456' } }),
    expect: { nobody: 401, jen: 409, ann: 409, admin: 409 },
  },
  {
    name: 'POST /api/mfa/change-options (nobody here has a passkey)',
    call: () => ({ method: 'POST', url: '/api/mfa/change-options', payload: { change: 'add-passkey' } }),
    expect: { nobody: 401, jen: 409, ann: 409, admin: 409 },
  },
  {
    name: 'GET /api/mfa (own factors only, never a secret)',
    call: () => ({ method: 'GET', url: '/api/mfa' }),
    expect: ANY_USER(200),
    check: (who, res) => {
      assert.equal((res.json() as { login: string }).login, who);
      assert.doesNotMatch(res.body, /secret/i);
    },
  },
  { name: 'POST /api/mfa/passkeys/options', call: () => ({ method: 'POST', url: '/api/mfa/passkeys/options' }), expect: { nobody: 401, jen: 403, ann: 403, admin: 403 } },
  {
    name: "POST /api/mfa/passkeys/options with jen's current code",
    call: (f) => ({ method: 'POST', url: '/api/mfa/passkeys/options', payload: { Code: f.jenCode } }),
    expect: { nobody: 401, jen: 200, ann: 403, admin: 403 },
  },
  { name: 'GET /api/mfa/passkeys', call: () => ({ method: 'GET', url: '/api/mfa/passkeys' }), expect: ANY_USER(200) },
  {
    name: 'POST /api/mfa/passkeys without a registration challenge',
    call: () => ({ method: 'POST', url: '/api/mfa/passkeys', payload: { name: 'Key', response: BOGUS_ATTESTATION } }),
    expect: { nobody: 401, jen: 403, ann: 403, admin: 403 },
    // A refused registration is audited.
    refusalRecorded: ['jen', 'ann', 'admin'],
  },
  { name: 'DELETE /api/mfa/passkeys/:id (not yours)', call: () => ({ method: 'DELETE', url: '/api/mfa/passkeys/AAAA' }), expect: { nobody: 401, jen: 404, ann: 404, admin: 404 } },
];
