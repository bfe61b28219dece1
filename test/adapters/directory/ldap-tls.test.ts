import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkDirectory } from '../../../src/adapters/directory/ldap/directory-check.js';
import { LdapDirectory } from '../../../src/adapters/directory/ldap/ldap-directory.js';
import { type Slapd, startSlapd } from '../../support/slapd.js';
import { DIRECTORY, account, configFor, group } from './fixtures.js';

let slapd: Slapd;
before(async () => {
  slapd = await startSlapd({ tls: true });
});
after(() => slapd?.stop());

const admins = () => group(`cn=admins,ou=groups,${slapd.baseDn}`);
const directory = (extra: Record<string, unknown>) => new LdapDirectory(DIRECTORY, configFor(slapd, extra), { now: Date.now });

test('ldaps:// with the CA file: grants and revokes over TLS', async () => {
  const d = directory({ url: slapd.ldapsUrl, caFile: slapd.caFile });
  await d.addMember(admins(), account('bob'), null);
  assert.deepEqual(await d.members(admins()), ['alice', 'bob']);
  await d.removeMember(admins(), account('bob'));
  assert.deepEqual(await d.members(admins()), ['alice']);
});

test('StartTLS on ldap:// with the CA file', async () => {
  const d = directory({ startTls: true, caFile: slapd.caFile });
  assert.deepEqual(await d.members(admins()), ['alice']);
});

test('ldaps:// without the CA: the untrusted certificate is named, with the fix', async () => {
  await assert.rejects(directory({ url: slapd.ldapsUrl }).members(admins()), {
    code: 'DirectoryUnavailable',
    message: /TLS with 127\.0\.0\.1:\d+ failed: the server's certificate is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\); set caFile/,
  });
  await assert.rejects(directory({ startTls: true }).members(admins()), { message: /certificate is not trusted/ });
});

test('a host name the certificate does not carry is refused', async () => {
  // The certificate names 127.0.0.1 and localhost; [::ffff:127.0.0.1] reaches the same server under another name.
  const port = new URL(slapd.ldapsUrl!).port;
  await assert.rejects(directory({ url: `ldaps://[::ffff:127.0.0.1]:${port}`, caFile: slapd.caFile }).members(admins()), (e: Error) => {
    // (Node writes the address as ::ffff:7f00:1; a machine without IPv6 cannot reach it at all.)
    assert.match(e.message, /certificate does not name ::ffff:7f00:1 \(IP: ::ffff:7f00:1 is not in the cert's list: 127\.0\.0\.1\)|cannot reach/);
    return true;
  });
});

test('a missing CA file is named', async () => {
  await assert.rejects(directory({ url: slapd.ldapsUrl, caFile: '/nonexistent/ca.pem' }).members(admins()), {
    code: 'DirectoryUnavailable',
    message: "Directory 'corp': cannot read caFile /nonexistent/ca.pem: no such file",
  });
});

test('the wrong scheme for a port: plain LDAP to the TLS port and TLS to the plain one', async () => {
  const tlsPort = new URL(slapd.ldapsUrl!).port;
  const plainPort = new URL(slapd.url).port;
  await assert.rejects(directory({ url: `ldap://127.0.0.1:${tlsPort}`, timeoutMs: 2000 }).members(admins()), {
    message: /127\.0\.0\.1:\d+ closed the connection before answering \(if that port serves ldaps:\/\/, use an ldaps:\/\/ URL\)$/,
  });
  await assert.rejects(directory({ url: `ldaps://127.0.0.1:${plainPort}`, caFile: slapd.caFile, timeoutMs: 2000 }).members(admins()), {
    message: /TLS with 127\.0\.0\.1:\d+ failed: the server closed the connection \(if that port serves plain LDAP, use ldap:\/\/ with startTls\)$/,
  });
});

test('directory test over ldaps:// reports the certificate it verified', async () => {
  const steps = await checkDirectory(configFor(slapd, { url: slapd.ldapsUrl, caFile: slapd.caFile }), { login: 'alice' });
  assert.deepEqual(
    steps.map((s) => [s.step, s.ok]),
    [['connect', true], ['tls', true], ['bind', true], ['user-lookup', true]],
  );
  assert.match(steps[1]!.detail, /^TLS ok: certificate of CN=127\.0\.0\.1 verified against .*cert\.pem, valid until /);
  const untrusted = await checkDirectory(configFor(slapd, { url: slapd.ldapsUrl }));
  assert.deepEqual(untrusted.map((s) => [s.step, s.ok]), [['connect', true], ['tls', false]]);
  const startTls = await checkDirectory(configFor(slapd, { startTls: true, caFile: slapd.caFile }));
  assert.deepEqual(startTls.map((s) => [s.step, s.ok]), [['connect', true], ['tls', true], ['bind', true], ['user-lookup', true]]);
  assert.match(startTls[1]!.detail, /^StartTLS ok/);
});
