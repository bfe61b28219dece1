import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LdapAuthenticator } from '../../../src/adapters/directory/ldap/ldap-authenticator.js';
import { type Slapd, startSlapd } from '../../support/slapd.js';
import { DIRECTORY, closedPort, configFor } from './fixtures.js';

let slapd: Slapd;
let auth: LdapAuthenticator;
before(async () => {
  slapd = await startSlapd();
  auth = new LdapAuthenticator(DIRECTORY, configFor(slapd, { signIn: true }));
});
after(() => slapd?.stop());

test('the right password signs in: hashed ({SSHA}, alice) and plain (bob)', async () => {
  assert.equal(await auth.verifyByBind('alice', 'alice-pw'), true);
  assert.equal(await auth.verifyByBind('bob', 'bob-pw'), true);
  assert.equal(await auth.verifyByBind('Bob', 'bob-pw'), true, 'uid matches without case');
});

test('a wrong password, an unknown login, or a filter trick is a plain no', async () => {
  assert.equal(await auth.verifyByBind('alice', 'bob-pw'), false);
  assert.equal(await auth.verifyByBind('alice', 'alice-pw '), false);
  assert.equal(await auth.verifyByBind('nosuch', 'alice-pw'), false);
  assert.equal(await auth.verifyByBind('*', 'alice-pw'), false);
  assert.equal(await auth.verifyByBind('alice)(uid=*', 'alice-pw'), false);
});

test('an empty password is refused before any bind: some servers take it as an anonymous bind', async () => {
  assert.equal(await auth.verifyByBind('alice', ''), false);
  // Proof that nothing was sent: the same call against a directory that cannot be reached still says no.
  const port = await closedPort();
  const unreachable = new LdapAuthenticator(DIRECTORY, configFor(slapd, { url: `ldap://127.0.0.1:${port}`, signIn: true }));
  assert.equal(await unreachable.verifyByBind('alice', ''), false);
});

test('a directory that cannot answer is an error, not a no', async () => {
  const port = await closedPort();
  const unreachable = new LdapAuthenticator(DIRECTORY, configFor(slapd, { url: `ldap://127.0.0.1:${port}`, signIn: true }));
  await assert.rejects(unreachable.verifyByBind('alice', 'alice-pw'), {
    code: 'DirectoryUnavailable',
    message: `Directory 'corp': cannot reach 127.0.0.1:${port}: connection refused`,
  });
});
