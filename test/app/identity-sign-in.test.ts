import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loginFromPrincipal } from '../../src/app/identity-sign-in.js';

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
