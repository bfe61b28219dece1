import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { LdapDirectory } from '../../../src/adapters/directory/ldap/ldap-directory.js';
import { DomainError } from '../../../src/domain/errors.js';
import { type Slapd, asAdmin, setValues, startSlapd, valuesOn } from '../../support/slapd.js';
import { DIRECTORY, account, closedPort, configFor, group, silentServer } from './fixtures.js';

const NOW = Date.UTC(2026, 0, 5, 10, 0, 0);
let slapd: Slapd;
let dn: (rdn: string) => string;
let ADMINS: string;
let AUDITORS: string;
let DEVELOPERS: string;
let NOBODY: string;

before(async () => {
  slapd = await startSlapd();
  dn = (rdn) => `${rdn},${slapd.baseDn}`;
  ADMINS = dn('cn=admins,ou=groups');
  AUDITORS = dn('cn=auditors,ou=groups');
  DEVELOPERS = dn('cn=developers,ou=groups');
  NOBODY = dn('cn=nobody,ou=groups');
  await asAdmin(slapd, async (c) => {
    await c.add(AUDITORS, { objectClass: 'groupOfUniqueNames', cn: 'auditors', uniqueMember: dn('uid=alice,ou=people') });
    // An account whose RDN is not its login: members() must read its uid.
    await c.add(dn('cn=Dave Example,ou=people'), { objectClass: 'inetOrgPerson', cn: 'Dave Example', sn: 'Example', uid: 'dave' });
    await c.add(dn('ou=services'), { objectClass: 'organizationalUnit', ou: 'services' });
  });
});
after(() => slapd?.stop());

const directory = (extra: Record<string, unknown> = {}, env?: NodeJS.ProcessEnv) =>
  new LdapDirectory(DIRECTORY, configFor(slapd, extra), { now: () => NOW, env });

/** Asserts a DirectoryUnavailable whose message matches, and that the bind password is not in it. */
async function rejectsUnavailable(p: Promise<unknown>, message: RegExp, step?: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof DomainError, `expected a DomainError, got ${String(e)}`);
    assert.equal(e.code, 'DirectoryUnavailable');
    assert.match(e.message, message);
    assert.ok(!e.message.includes(slapd.bindPassword), 'the bind password is never in a message');
    if (step) assert.equal(e.details.step, step);
    assert.equal(e.details.directory, DIRECTORY);
    return true;
  });
}

describe('member (groupOfNames)', () => {
  beforeEach(() => setValues(slapd, ADMINS, 'member', [dn('uid=alice,ou=people')]));

  test('add and remove are idempotent: a retried job converges', async () => {
    const d = directory();
    const admins = group(ADMINS);
    await d.addMember(admins, account('bob'), null);
    await d.addMember(admins, account('bob'), null);
    assert.deepEqual(await valuesOn(slapd, ADMINS, 'member'), [dn('uid=alice,ou=people'), dn('uid=bob,ou=people')]);
    assert.deepEqual(await d.members(admins), ['alice', 'bob']);
    await d.removeMember(admins, account('bob'));
    await d.removeMember(admins, account('bob'));
    assert.deepEqual(await d.members(admins), ['alice']);
  });

  test('the login is matched without regard to case, and members() answers in lower case', async () => {
    const d = directory();
    await d.addMember(group(ADMINS), account('Carol'), null);
    assert.deepEqual(await d.members(group(ADMINS)), ['alice', 'carol']);
    await d.removeMember(group(ADMINS), account('CAROL'));
    assert.deepEqual(await d.members(group(ADMINS)), ['alice']);
  });

  test('the last member cannot go without a placeholder: a clear error, and the member stays', async () => {
    await rejectsUnavailable(
      directory().removeMember(group(ADMINS), account('alice')),
      /removing alice from cn=admins,.* failed: alice is the last member, .* set emptyGroupMember for directory 'corp'/,
      'group',
    );
    assert.deepEqual(await valuesOn(slapd, ADMINS, 'member'), [dn('uid=alice,ou=people')]);
  });

  test('with emptyGroupMember the placeholder takes the last place, and is never reported as a member', async () => {
    const d = directory({ emptyGroupMember: NOBODY });
    await d.removeMember(group(ADMINS), account('alice'));
    assert.deepEqual(await valuesOn(slapd, ADMINS, 'member'), [NOBODY]);
    assert.deepEqual(await d.members(group(ADMINS)), []);
    await d.removeMember(group(ADMINS), account('alice'));
    await d.addMember(group(ADMINS), account('bob'), null);
    assert.deepEqual(await d.members(group(ADMINS)), ['bob']);
  });

  test('members() maps DNs to logins: by RDN, by reading the entry, else the DN itself', async () => {
    const outside = dn('uid=alice,ou=services');
    const gone = dn('cn=Gone Person,ou=people');
    await setValues(slapd, ADMINS, 'member', [
      dn('UID=Alice,OU=People'),
      dn('cn=Dave Example,ou=people'),
      gone,
      outside,
      NOBODY,
    ]);
    // A namesake outside userBase is somebody else, not the account 'alice'.
    assert.deepEqual(await directory({ emptyGroupMember: NOBODY }).members(group(ADMINS)), ['alice', 'dave', gone, outside].sort());
  });

  test('revoking an account whose entry was deleted removes the value that still names it', async () => {
    await setValues(slapd, ADMINS, 'member', [dn('uid=alice,ou=people'), dn('uid=frank,ou=people')]);
    await directory().removeMember(group(ADMINS), account('frank'));
    assert.deepEqual(await valuesOn(slapd, ADMINS, 'member'), [dn('uid=alice,ou=people')]);
  });
});

test('uniqueMember (groupOfUniqueNames): add, members, remove, idempotent', async () => {
  const d = directory();
  const auditors = group(AUDITORS, 'uniqueMember');
  await d.addMember(auditors, account('carol'), null);
  await d.addMember(auditors, account('carol'), null);
  assert.deepEqual(await valuesOn(slapd, AUDITORS, 'uniqueMember'), [dn('uid=alice,ou=people'), dn('uid=carol,ou=people')]);
  assert.deepEqual(await d.members(auditors), ['alice', 'carol']);
  await d.removeMember(auditors, account('carol'));
  await d.removeMember(auditors, account('carol'));
  assert.deepEqual(await d.members(auditors), ['alice']);
});

test('memberUid (posixGroup): the login as the directory spells it; the group may become empty', async () => {
  const d = directory();
  const developers = group(DEVELOPERS, 'memberUid');
  await d.addMember(developers, account('CAROL'), null);
  await d.addMember(developers, account('carol'), null);
  assert.deepEqual(await valuesOn(slapd, DEVELOPERS, 'memberUid'), ['alice', 'bob', 'carol'], "carol's uid, not the typed case");
  assert.deepEqual(await d.members(developers), ['alice', 'bob', 'carol']);
  for (const login of ['carol', 'carol', 'alice', 'bob']) await d.removeMember(developers, account(login));
  assert.deepEqual(await d.members(developers), []);
  await setValues(slapd, DEVELOPERS, 'memberUid', ['alice', 'bob']);
});

test('a member attribute the group does not have is named in the error', async () => {
  await rejectsUnavailable(
    directory().addMember(group(ADMINS, 'memberUid'), account('bob'), null),
    /adding bob to cn=admins,.* failed: the group's object classes do not allow memberUid/,
    'group',
  );
});

test('a missing group DN is named in the error, for reads and writes alike', async () => {
  const missing = group(dn('cn=nope,ou=groups'));
  await rejectsUnavailable(directory().members(missing), /group cn=nope,ou=groups,dc=example,dc=test does not exist/, 'group');
  await rejectsUnavailable(directory().addMember(missing, account('bob'), null), /group cn=nope,ou=groups,dc=example,dc=test does not exist/, 'group');
});

test('an account the user filter does not find, or finds twice, is refused by name', async () => {
  await rejectsUnavailable(
    directory().addMember(group(ADMINS), account('nosuch'), null),
    /user filter \(uid=nosuch\) matched no entry under ou=people,dc=example,dc=test/,
    'user-lookup',
  );
  // A filter is escaped, so a login cannot widen it to everyone.
  await rejectsUnavailable(directory().addMember(group(ADMINS), account('*'), null), /user filter \(uid=\\2a\) matched no entry/);
  await rejectsUnavailable(
    directory({ userFilter: '(|(uid={login})(sn=Example))' }).addMember(group(ADMINS), account('bob'), null),
    /matched \d entries under ou=people,dc=example,dc=test .*; it must match exactly one/,
    'user-lookup',
  );
  await rejectsUnavailable(
    directory({ userBase: dn('ou=nowhere') }).addMember(group(ADMINS), account('bob'), null),
    /user base ou=nowhere,dc=example,dc=test does not exist/,
  );
});

test('AD time-limited members: OpenLDAP refuses the <TTL=...> value, and the error says what AD mode needs', async () => {
  await rejectsUnavailable(
    directory({ adTimeLimitedMembers: true }).addMember(group(ADMINS), account('bob'), NOW + 3_600_000),
    /refused the time-limited value <TTL=3600,uid=bob,ou=people,dc=example,dc=test>; adTimeLimitedMembers needs Active Directory/,
    'group',
  );
  // Without an end there is nothing to limit: the plain DN is written.
  await directory({ adTimeLimitedMembers: true }).addMember(group(ADMINS), account('bob'), null);
  await directory().removeMember(group(ADMINS), account('bob'));
});

describe('failures to reach or bind become DirectoryUnavailable', () => {
  test('connection refused', async () => {
    const port = await closedPort();
    await rejectsUnavailable(
      directory({ url: `ldap://127.0.0.1:${port}` }).members(group(ADMINS)),
      new RegExp(`^Directory 'corp': cannot reach 127\\.0\\.0\\.1:${port}: connection refused$`),
      'connect',
    );
  });

  test('a server that never answers times out', async () => {
    const silent = await silentServer();
    try {
      await rejectsUnavailable(
        directory({ url: `ldap://127.0.0.1:${silent.port}`, timeoutMs: 300 }).members(group(ADMINS)),
        new RegExp(`127\\.0\\.0\\.1:${silent.port} did not answer within 300 ms`),
        'connect',
      );
    } finally {
      await silent.close();
    }
  });

  test('a wrong bind password (from the environment) fails the bind, and is not in the message', async () => {
    const env = { LDAP_PW: 'not-the-secret' };
    await assert.rejects(
      directory({ bindPasswordFile: undefined, bindPasswordEnv: 'LDAP_PW' }, env).members(group(ADMINS)),
      (e: DomainError) => {
        assert.equal(e.message, "Directory 'corp': bind as cn=admin,dc=example,dc=test failed: invalid credentials (wrong password or no such DN)");
        assert.ok(!e.message.includes('not-the-secret'));
        return e.code === 'DirectoryUnavailable' && e.details.step === 'bind';
      },
    );
    // The right one, read from the same variable at connect time.
    assert.deepEqual(await directory({ bindPasswordFile: undefined, bindPasswordEnv: 'LDAP_PW' }, { LDAP_PW: slapd.bindPassword }).members(group(ADMINS)), ['alice']);
  });

  test('an unreadable password file is named; no bind is tried', async () => {
    await rejectsUnavailable(
      directory({ bindPasswordFile: '/nonexistent/ldap-pw' }).members(group(ADMINS)),
      /bind as cn=admin,dc=example,dc=test not attempted: cannot read the bind password file \/nonexistent\/ldap-pw: no such file/,
      'bind',
    );
  });
});

test('a group of another directory, or without a DN, is a caller error', async () => {
  await assert.rejects(directory().members({ ...group(ADMINS), directory: 'embedded' }), { code: 'BadRequest' });
  await assert.rejects(directory().members({ ...group(ADMINS), dn: null }), { code: 'BadRequest' });
});
