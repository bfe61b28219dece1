import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BindPasswordError, readBindPassword, userFilterFor } from '../../../src/adapters/directory/ldap/ldap-config.js';
import { ldapDirectoryConfig } from '../../../src/config/ldap-directory.js';
import { loadConfig } from '../../../src/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'elevate-ldap-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const base = { url: 'ldap://dc1.corp.example', bindDn: 'cn=svc,dc=corp', bindPasswordFile: '/run/secrets/ldap', userBase: 'ou=people,dc=corp' };

test('defaults: uid filter and attribute, 5 s timeout, no TLS, no AD mode, no sign-in', () => {
  assert.deepEqual(ldapDirectoryConfig.parse(base), {
    ...base,
    startTls: false,
    userFilter: '(uid={login})',
    loginAttribute: 'uid',
    timeoutMs: 5000,
    adTimeLimitedMembers: false,
    signIn: false,
    mailAttribute: 'mail',
  });
});

test('the login is escaped into the filter: input cannot widen or rewrite it', () => {
  const c = { userFilter: '(&(objectClass=person)(uid={login}))' };
  assert.equal(userFilterFor(c, 'alice'), '(&(objectClass=person)(uid=alice))');
  assert.equal(userFilterFor(c, '*'), '(&(objectClass=person)(uid=\\2a))');
  assert.equal(userFilterFor(c, 'x)(uid=*'), '(&(objectClass=person)(uid=x\\29\\28uid=\\2a))');
  assert.equal(userFilterFor(c, 'a\\b'), '(&(objectClass=person)(uid=a\\5cb))');
});

test('invalid directory settings are refused with a reason each', () => {
  const issues = (v: unknown) => {
    const r = ldapDirectoryConfig.safeParse(v);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  assert.deepEqual(issues({ ...base, bindPasswordEnv: 'LDAP_PW' }), ['bindPasswordFile: give exactly one of bindPasswordFile and bindPasswordEnv']);
  assert.deepEqual(issues({ ...base, bindPasswordFile: undefined }), ['bindPasswordFile: give exactly one of bindPasswordFile and bindPasswordEnv']);
  assert.match(issues({ ...base, url: 'http://dc1' })[0]!, /^url: must be an LDAP URL/);
  assert.match(issues({ ...base, url: 'ldap://dc1/dc=corp' })[0]!, /^url: must be an LDAP URL/);
  assert.deepEqual(issues({ ...base, userFilter: '(uid=alice)' }), ['userFilter: must contain {login}, which stands for the login']);
  assert.match(issues({ ...base, userFilter: '(uid={login}' })[0]!, /^userFilter: must be an LDAP filter/);
  assert.deepEqual(issues({ ...base, url: 'ldaps://dc1', startTls: true }), ['startTls: StartTLS upgrades ldap:// connections; ldaps:// is already TLS']);
  assert.deepEqual(issues({ ...base, caFile: '/ca.pem' }), ['caFile: caFile is used only with ldaps:// or startTls: true']);
  assert.deepEqual(issues({ ...base, bindPassword: 'x' }), [': Unrecognized key: "bindPassword"'], 'no inline password');
});

test("config 'directories': names are checked and 'embedded' is reserved", () => {
  const c = loadConfig({ env: {}, overrides: { directories: { corp: base } } });
  assert.equal(c.directories.corp?.userFilter, '(uid={login})');
  assert.ok(Object.isFrozen(c.directories.corp));
  assert.deepEqual(loadConfig({ env: {} }).directories, {});
  assert.throws(() => loadConfig({ env: {}, overrides: { directories: { embedded: base } } }), /directories\.embedded: 'embedded' is Elevate's own directory/);
  assert.throws(() => loadConfig({ env: {}, overrides: { directories: { Corp_1: base } } }), /directories\.Corp_1: a directory name is 1-32 lower-case/);
});

test('the bind password comes from a file (one trailing newline dropped) or an environment variable', () => {
  const f = join(dir, 'pw');
  writeFileSync(f, 's3cret\n');
  assert.equal(readBindPassword({ bindPasswordFile: f }), 's3cret');
  writeFileSync(f, 's3cret\r\n');
  assert.equal(readBindPassword({ bindPasswordFile: f }), 's3cret');
  writeFileSync(f, ' s3cret \n\n');
  assert.equal(readBindPassword({ bindPasswordFile: f }), ' s3cret \n', 'only one newline; spaces are part of it');
  assert.equal(readBindPassword({ bindPasswordEnv: 'PW' }, { PW: 'from-env' }), 'from-env');
});

test('a missing or empty password is an error that names where it looked, never a value', () => {
  const f = join(dir, 'empty');
  writeFileSync(f, '\n');
  assert.throws(() => readBindPassword({ bindPasswordFile: join(dir, 'nope') }), {
    name: 'BindPasswordError',
    message: `cannot read the bind password file ${join(dir, 'nope')}: no such file`,
  });
  assert.throws(() => readBindPassword({ bindPasswordFile: f }), /bind password file .* is empty/);
  assert.throws(() => readBindPassword({ bindPasswordEnv: 'PW' }, {}), BindPasswordError);
  assert.throws(() => readBindPassword({ bindPasswordEnv: 'PW' }, { PW: '' }), /PW \(bind password\) is not set or empty/);
});
