import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkDirectory } from '../../../src/adapters/directory/ldap/directory-check.js';
import { ldapProbeConfig } from '../../../src/config/ldap-directory.js';
import { type Slapd, asAdmin, startSlapd } from '../../support/slapd.js';
import { closedPort, configFor } from './fixtures.js';

let slapd: Slapd;
before(async () => {
  slapd = await startSlapd();
  await asAdmin(slapd, (c) =>
    c.add(`cn=auditors,ou=groups,${slapd.baseDn}`, { objectClass: 'groupOfUniqueNames', cn: 'auditors', uniqueMember: `uid=alice,ou=people,${slapd.baseDn}` }),
  );
});
after(() => slapd?.stop());

const summary = (steps: { step: string; ok: boolean; detail: string }[]) => steps.map((s) => `${s.ok ? 'ok' : 'FAIL'} ${s.step}: ${s.detail}`);

test('all well: every step passes and says what it found', async () => {
  const steps = await checkDirectory(configFor(slapd), {
    login: 'alice',
    groupDns: [`cn=admins,ou=groups,${slapd.baseDn}`],
    groups: [{ dn: `cn=developers,ou=groups,${slapd.baseDn}`, memberAttribute: 'memberUid', name: 'Developers' }],
  });
  assert.ok(steps.every((s) => s.ok), summary(steps).join('\n'));
  assert.deepEqual(
    summary(steps).slice(1),
    [
      'ok tls: not used: ldap:// without startTls sends the bind password and sign-in passwords in clear text',
      'ok bind: bound as cn=admin,dc=example,dc=test',
      'ok user-lookup: alice is uid=alice,ou=people,dc=example,dc=test',
      'ok group: group cn=admins,ou=groups,dc=example,dc=test exists (groupOfNames, 1 member value); without emptyGroupMember its last member cannot be removed',
      "ok group: group cn=developers,ou=groups,dc=example,dc=test (Elevate group 'Developers') exists (posixGroup, 2 memberUid values)",
    ],
  );
  assert.match(steps[0]!.detail, /^reached 127\.0\.0\.1:\d+ in \d+ ms$/);
});

test('wrong group attribute, missing group, unknown login: each step fails with its reason; the others still run', async () => {
  const steps = await checkDirectory(configFor(slapd, { emptyGroupMember: `cn=nobody,${slapd.baseDn}` }), {
    login: 'nosuch',
    groups: [
      { dn: `cn=auditors,ou=groups,${slapd.baseDn}`, memberAttribute: 'member' },
      { dn: `cn=gone,ou=groups,${slapd.baseDn}` },
      { dn: `cn=auditors,ou=groups,${slapd.baseDn}`, memberAttribute: 'uniqueMember' },
    ],
  });
  assert.deepEqual(summary(steps).slice(3), [
    'FAIL user-lookup: user filter (uid=nosuch) matched no entry under ou=people,dc=example,dc=test',
    'FAIL group: group cn=auditors,ou=groups,dc=example,dc=test is a groupOfUniqueNames, which has no member attribute (use uniqueMember)',
    'FAIL group: group cn=gone,ou=groups,dc=example,dc=test does not exist',
    'ok group: group cn=auditors,ou=groups,dc=example,dc=test exists (groupOfUniqueNames, 1 uniqueMember value)',
  ]);
});

test('a failed bind ends the check; the password is in no detail', async () => {
  const env = { PW: 'wrong-secret' };
  const steps = await checkDirectory(configFor(slapd, { bindPasswordFile: undefined, bindPasswordEnv: 'PW' }), { login: 'alice', env });
  assert.deepEqual(summary(steps).slice(1), [
    'ok tls: not used: ldap:// without startTls sends the bind password and sign-in passwords in clear text',
    'FAIL bind: bind as cn=admin,dc=example,dc=test failed: invalid credentials (wrong password or no such DN)',
  ]);
  assert.ok(!JSON.stringify(steps).includes('wrong-secret'));
});

test('an unreachable server ends the check at connect', async () => {
  const port = await closedPort();
  const steps = await checkDirectory(configFor(slapd, { url: `ldap://127.0.0.1:${port}` }));
  assert.deepEqual(summary(steps), [`FAIL connect: cannot reach 127.0.0.1:${port}: connection refused`]);
});

test('without a user base (the --url form), the user step runs only when a login asks for it', async () => {
  const probe = ldapProbeConfig.parse({ url: slapd.url, bindDn: slapd.bindDn, bindPasswordFile: slapd.bindPasswordFile });
  assert.deepEqual((await checkDirectory(probe)).map((s) => s.step), ['connect', 'tls', 'bind']);
  const steps = await checkDirectory(probe, { login: 'alice' });
  assert.deepEqual(summary(steps).at(-1), 'FAIL user-lookup: cannot look alice up: no user base given');
  const withBase = await checkDirectory({ ...probe, userBase: slapd.people });
  assert.equal(summary(withBase).at(-1), 'ok user-lookup: user base ou=people,dc=example,dc=test exists (give a login to try the user filter)');
});
