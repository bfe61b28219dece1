import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdentitySignIn, loginFromPrincipal } from '../../src/app/identity-sign-in.js';
import { makeCore } from '../support/harness.js';

test('a Kerberos principal of the configured realm names its login; anything else names nobody', () => {
  assert.deepEqual(loginFromPrincipal('jen@CORP.EXAMPLE', 'CORP.EXAMPLE'), { login: 'jen' });
  // AD user names are not case-sensitive; Kerberos realms are.
  assert.deepEqual(loginFromPrincipal('Jen@CORP.EXAMPLE', 'CORP.EXAMPLE'), { login: 'jen' });
  assert.deepEqual(loginFromPrincipal('jen@corp.example', 'CORP.EXAMPLE'), { refused: 'foreign realm' });
  assert.deepEqual(loginFromPrincipal('jen@EVIL.EXAMPLE', 'CORP.EXAMPLE'), { refused: 'foreign realm' });
  // A realm that merely ends like ours is another realm.
  assert.deepEqual(loginFromPrincipal('jen@CORP.EXAMPLE@EVIL.EXAMPLE', 'CORP.EXAMPLE'), { refused: 'foreign realm' });
  assert.deepEqual(loginFromPrincipal('HTTP/elevate.corp.example@CORP.EXAMPLE', 'CORP.EXAMPLE'), { refused: 'no login in the identity' });
  assert.deepEqual(loginFromPrincipal('@CORP.EXAMPLE', 'CORP.EXAMPLE'), { refused: 'no login in the identity' });
  assert.deepEqual(loginFromPrincipal('jen', 'CORP.EXAMPLE'), { refused: 'no login in the identity' });
});

test('two first sign-ins of one new person at once make one account, and both get in', async () => {
  const t = await makeCore();
  try {
    const identities = new IdentitySignIn(t.core.deps, { createAccounts: true, adminGroups: [] });
    const who = { login: 'newbie', displayName: 'New Person', email: null, groups: [], via: 'oidc' };
    const outs = await Promise.all([identities.signIn(who, 'a'), identities.signIn(who, 'b'), identities.signIn(who, 'c')]);
    const ids = outs.map((o) => ('caller' in o ? o.caller.accountId : o.refused));
    const account = await t.core.store.read((tx) => tx.accounts.byLogin('newbie'));
    assert.deepEqual(ids, [account!.id, account!.id, account!.id]);
    const created = await t.core.store.read((tx) => tx.audit.list({ action: 'account.created', limit: 100 }));
    assert.equal(created.filter((e) => e.targetId === account!.id).length, 1);
  } finally {
    await t.destroy();
  }
});
