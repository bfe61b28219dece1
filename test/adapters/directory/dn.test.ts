import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isWithin, leadingRdnValue, normalizeDn, parseDn, sameDn } from '../../../src/adapters/directory/ldap/dn.js';

test('a DN splits into RDNs, leftmost first, with values unescaped', () => {
  assert.deepEqual(parseDn('uid=alice,ou=people,dc=example,dc=test'), [
    [{ type: 'uid', value: 'alice' }],
    [{ type: 'ou', value: 'people' }],
    [{ type: 'dc', value: 'example' }],
    [{ type: 'dc', value: 'test' }],
  ]);
  assert.deepEqual(parseDn('cn=Smith\\, John,ou=x')?.[0], [{ type: 'cn', value: 'Smith, John' }]);
  assert.deepEqual(parseDn('cn=J\\C3\\BCrgen,ou=x')?.[0], [{ type: 'cn', value: 'Jürgen' }], 'hex pairs are UTF-8 bytes');
  assert.deepEqual(parseDn('cn=a+uid=b,ou=x')?.[0], [{ type: 'cn', value: 'a' }, { type: 'uid', value: 'b' }]);
  assert.deepEqual(parseDn('uid = alice , ou=people')?.map((r) => r[0]!.value), ['alice', 'people'], 'spaces around separators');
  assert.deepEqual(parseDn(''), []);
});

test('malformed DNs do not parse', () => {
  for (const bad of ['alice', 'uid=alice,', ',uid=a', 'uid=a\\', '=x', 'u id=a']) assert.equal(parseDn(bad), null, bad);
});

test('DNs compare without regard to case or spacing', () => {
  assert.ok(sameDn('UID=Alice, OU=People,DC=Example,DC=Test', 'uid=alice,ou=people,dc=example,dc=test'));
  assert.ok(!sameDn('uid=alice,ou=people', 'uid=bob,ou=people'));
  assert.equal(normalizeDn('cn=B+uid=a,OU=X'), 'cn=b+uid=a,ou=x');
  assert.equal(normalizeDn('uid=a+cn=B,OU=X'), 'cn=b+uid=a,ou=x', 'multi-valued RDNs in any order');
});

test('isWithin: the base itself and what lies below it', () => {
  const base = 'ou=people,dc=example,dc=test';
  assert.ok(isWithin('uid=alice,ou=people,dc=example,dc=test', base));
  assert.ok(isWithin('uid=alice,OU=People,dc=example,dc=test', base));
  assert.ok(isWithin(base, base));
  assert.ok(!isWithin('uid=alice,ou=services,dc=example,dc=test', base));
  assert.ok(!isWithin('uid=alice,ou=people,dc=other,dc=test', base));
  assert.ok(!isWithin('dc=test', base));
});

test('leadingRdnValue reads the login from the RDN only when the RDN is that one attribute', () => {
  assert.equal(leadingRdnValue('uid=Alice,ou=people', 'uid'), 'Alice');
  assert.equal(leadingRdnValue('UID=alice,ou=people', 'uid'), 'alice');
  assert.equal(leadingRdnValue('cn=Alice Example,ou=people', 'uid'), null);
  assert.equal(leadingRdnValue('cn=a+uid=b,ou=people', 'uid'), null);
  assert.equal(leadingRdnValue('not a dn', 'uid'), null);
});
