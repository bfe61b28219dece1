import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  MAX_TTL_SECONDS,
  decodeTimeLimitedMember,
  encodeTimeLimitedMember,
  memberDnOf,
  ttlSecondsUntil,
} from '../../../src/adapters/directory/ldap/ad-ttl.js';

const NOW = Date.UTC(2026, 0, 5, 10, 0, 0);
const BOB = 'CN=Bob Example,OU=Admins,DC=corp,DC=example';

test('a one-hour grant is written as <TTL=3600,DN>', () => {
  assert.equal(encodeTimeLimitedMember(BOB, NOW + 3_600_000, NOW), `<TTL=3600,${BOB}>`);
});

test('seconds are rounded up, so AD never ends the membership before the grant ends', () => {
  assert.equal(ttlSecondsUntil(NOW + 1, NOW), 1);
  assert.equal(ttlSecondsUntil(NOW + 999, NOW), 1);
  assert.equal(ttlSecondsUntil(NOW + 1000, NOW), 1);
  assert.equal(ttlSecondsUntil(NOW + 1001, NOW), 2);
  assert.equal(ttlSecondsUntil(NOW + 7_200_000, NOW), 7200);
});

test('a grant already over still gets a valid value: at least 1 second, never 0 or negative', () => {
  assert.equal(ttlSecondsUntil(NOW, NOW), 1);
  assert.equal(ttlSecondsUntil(NOW - 60_000, NOW), 1);
  assert.equal(encodeTimeLimitedMember(BOB, NOW - 1, NOW), `<TTL=1,${BOB}>`);
});

test('a far expiry is capped at the largest TTL AD takes; nonsense is refused', () => {
  assert.equal(ttlSecondsUntil(NOW + 100 * 365 * 86_400_000, NOW), MAX_TTL_SECONDS);
  assert.throws(() => ttlSecondsUntil(Number.NaN, NOW), RangeError);
  assert.throws(() => encodeTimeLimitedMember('', NOW + 1000, NOW), RangeError);
});

test('decoding splits the TTL from the DN, whatever the DN holds (commas, escapes, > signs)', () => {
  assert.deepEqual(decodeTimeLimitedMember(`<TTL=3600,${BOB}>`), { ttlSeconds: 3600, dn: BOB });
  const odd = 'CN=Smith\\, John \\> ops,OU=x,DC=corp';
  assert.deepEqual(decodeTimeLimitedMember(`<TTL=5,${odd}>`), { ttlSeconds: 5, dn: odd });
  assert.deepEqual(decodeTimeLimitedMember(`<ttl=7,${BOB}>`), { ttlSeconds: 7, dn: BOB }, 'the keyword in any case');
});

test('a plain DN or a malformed value is not a time-limited member', () => {
  assert.equal(decodeTimeLimitedMember(BOB), null);
  assert.equal(decodeTimeLimitedMember('<TTL=,CN=x>'), null);
  assert.equal(decodeTimeLimitedMember('<TTL=-5,CN=x>'), null);
  assert.equal(decodeTimeLimitedMember('<TTL=5,>'), null);
  assert.equal(decodeTimeLimitedMember('<TTL=5,CN=x'), null);
  assert.equal(decodeTimeLimitedMember('<TTL=9999999999,CN=x>'), null, 'beyond a 32-bit TTL');
  assert.equal(memberDnOf(BOB), BOB);
  assert.equal(memberDnOf(`<TTL=30,${BOB}>`), BOB);
});

test('property: decode(encode(dn, expiresAt, now)) gives the DN back and the rounded-up seconds', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 80 }), fc.integer({ min: -86_400_000, max: 400 * 86_400_000 }), (dn, delta) => {
      const decoded = decodeTimeLimitedMember(encodeTimeLimitedMember(dn, NOW + delta, NOW));
      assert.ok(decoded);
      assert.equal(decoded.dn, dn);
      assert.equal(decoded.ttlSeconds, Math.max(1, Math.ceil(delta / 1000)));
      assert.ok(decoded.ttlSeconds * 1000 >= delta, 'never ends before the grant');
    }),
  );
});
