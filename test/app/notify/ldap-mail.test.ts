/**
 * Issue 15: LDAP users' email address is their directory entry's mail attribute (configurable),
 * read when a notification fans out and again when it is sent; an address on file wins. Against a
 * real slapd.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LdapDirectory } from '../../../src/adapters/directory/ldap/ldap-directory.js';
import { LOCAL_OPERATOR } from '../../../src/app/admin/require-admin.js';
import { upsertRole } from '../../../src/app/admin/roles.js';
import { upsertUser } from '../../../src/app/admin/users.js';
import { callerOf } from '../../../src/app/authenticate.js';
import { createRequestUseCase } from '../../../src/app/create-request.js';
import { fanOutNotifications, runNotifications } from '../../../src/app/notify/run-notifications.js';
import { ldapDirectoryConfig } from '../../../src/config/ldap-directory.js';
import { type TestCore, makeCore } from '../../support/harness.js';
import { type Slapd, setValues, startSlapd } from '../../support/slapd.js';
import { RecordingChannel } from './recording-channel.js';

let slapd: Slapd;
let t: TestCore;

before(async () => {
  slapd = await startSlapd();
  t = await makeCore({
    demo: false,
    config: { directories: { corp: { url: slapd.url, bindDn: slapd.bindDn, bindPasswordFile: slapd.bindPasswordFile, userBase: slapd.people, timeoutMs: 1000 } } },
  });
  const deps = t.core.deps;
  // alice and bob are LDAP users with no address on file; carol has one of her own; dave is in no directory.
  for (const login of ['alice', 'bob', 'dave']) await upsertUser(deps, t.core.hasher, LOCAL_OPERATOR, { login }, 'create');
  await upsertUser(deps, t.core.hasher, LOCAL_OPERATOR, { login: 'carol', email: 'carol@elsewhere.test' }, 'create');
  await upsertRole(deps, LOCAL_OPERATOR, { name: 'Dev', ttlSeconds: 3600, candidates: ['bob'], approvalRequired: true, approvers: ['alice', 'carol', 'dave'] }, 'create');
});

after(async () => {
  await t?.destroy();
  await slapd?.stop();
});

test('approvers without an address on file are mailed at their directory entry\'s mail, read at send time', async () => {
  const mail = new RecordingChannel('email', 'personal');
  const opts = { channels: [mail], portalUrl: 'https://elevate.corp.example', sendTimeoutMs: 2000 };
  const caller = await t.core.store.read(async (tx) => callerOf((await tx.accounts.byLogin('bob'))!));
  const roleId = await t.core.store.read(async (tx) => (await tx.roles.byName('Dev'))!.id);
  await createRequestUseCase(t.core.deps, caller, { roleId, ttlSeconds: 600, justification: 'deploy', requestedAt: null, creationMethod: 'test' });
  // The fan-out found alice's address in the directory; it changes before the send: the send uses the new one.
  assert.equal(await fanOutNotifications(t.core.deps, opts), 1);
  await setValues(slapd, `uid=alice,${slapd.people}`, 'mail', ['alice.new@example.test']);
  await runNotifications(t.core.deps, opts);
  assert.deepEqual(
    mail.sent.map((m) => `${m.to!.login} ${m.to!.email}`).sort(),
    ['alice alice.new@example.test', 'carol carol@elsewhere.test'],
    'alice by the directory, carol by her own address, dave (in no directory) not at all',
  );
});

test('the mail attribute is configurable, and a directory that cannot answer delays the event instead of dropping it', async () => {
  await setValues(slapd, `uid=bob,${slapd.people}`, 'displayName', ['bob.alt@example.test']);
  const config = (mailAttribute?: string) => ldapDirectoryConfig.parse({ url: slapd.url, bindDn: slapd.bindDn, bindPasswordFile: slapd.bindPasswordFile, userBase: slapd.people, ...(mailAttribute && { mailAttribute }) });
  assert.equal(await new LdapDirectory('corp', config(), { now: Date.now }).emailOf('bob'), 'bob@example.test', 'mail by default');
  assert.equal(await new LdapDirectory('corp', config('displayName'), { now: Date.now }).emailOf('bob'), 'bob.alt@example.test');
  assert.equal(await new LdapDirectory('corp', config(), { now: Date.now }).emailOf('nobody'), null);

  const down = await makeCore({ demo: false, config: { directories: { corp: { url: 'ldap://127.0.0.1:1', bindDn: slapd.bindDn, bindPasswordFile: slapd.bindPasswordFile, userBase: slapd.people, timeoutMs: 500 } } } });
  try {
    const deps = down.core.deps;
    for (const login of ['alice', 'bob']) await upsertUser(deps, down.core.hasher, LOCAL_OPERATOR, { login }, 'create');
    await upsertRole(deps, LOCAL_OPERATOR, { name: 'Dev', ttlSeconds: 3600, candidates: ['bob'], approvalRequired: true, approvers: ['alice'] }, 'create');
    const caller = await down.core.store.read(async (tx) => callerOf((await tx.accounts.byLogin('bob'))!));
    const roleId = await down.core.store.read(async (tx) => (await tx.roles.byName('Dev'))!.id);
    const { request } = await createRequestUseCase(deps, caller, { roleId, ttlSeconds: 600, justification: 'deploy', requestedAt: null, creationMethod: 'test' });
    const report = await runNotifications(deps, { channels: [new RecordingChannel('email', 'personal')], portalUrl: 'https://x.test', sendTimeoutMs: 500 });
    assert.equal(report.fannedOut, 0, 'not fanned out while the directory is down');
    const waiting = await down.core.store.transaction((tx) => tx.notifications.toFanOut(down.clock.now(), 10));
    assert.deepEqual(waiting.map((n) => n.requestId), [request.id], 'the event waits for the next pass');
  } finally {
    await down.destroy();
  }
});
