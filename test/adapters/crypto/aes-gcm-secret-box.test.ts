import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { AesGcmSecretBox } from '../../../src/adapters/crypto/aes-gcm-secret-box.js';
import { parseMfaKey } from '../../../src/adapters/crypto/mfa-key.js';

const box = new AesGcmSecretBox(randomBytes(32));

test('a sealed secret opens with the same key and context, and never shows its plaintext', () => {
  const sealed = box.seal('JBSWY3DPEHPK3PXP', 'totp:jen');
  assert.ok(box.isSealed(sealed) && !box.isSealed('JBSWY3DPEHPK3PXP'));
  assert.ok(!sealed.includes('JBSWY3DPEHPK3PXP'));
  assert.equal(box.open(sealed, 'totp:jen'), 'JBSWY3DPEHPK3PXP');
  assert.notEqual(box.seal('JBSWY3DPEHPK3PXP', 'totp:jen'), sealed, 'a fresh nonce each time');
});

test('another account\'s context, an altered value or another key fails loudly', () => {
  const sealed = box.seal('JBSWY3DPEHPK3PXP', 'totp:jen');
  assert.throws(() => box.open(sealed, 'totp:ann'), /failed authentication/);
  const parts = sealed.split('.');
  const ct = Buffer.from(parts[3]!, 'base64url');
  ct[0]! ^= 1;
  parts[3] = ct.toString('base64url');
  assert.throws(() => box.open(parts.join('.'), 'totp:jen'), /failed authentication/);
  const other = new AesGcmSecretBox(randomBytes(32));
  assert.throws(() => other.open(sealed, 'totp:jen'), new RegExp(`sealed with MFA key ${box.keyId}, but the configured key is ${other.keyId}`));
  assert.throws(() => box.open('JBSWY3DPEHPK3PXP', 'totp:jen'), /not a sealed secret/);
});

test('keys are 32 bytes as base64, base64url or hex; anything else is refused by where it came from', () => {
  const key = randomBytes(32);
  for (const text of [key.toString('base64'), key.toString('base64url'), key.toString('hex'), `${key.toString('hex')}\n`]) {
    assert.deepEqual(parseMfaKey(text, 'k'), key);
  }
  for (const text of ['', 'short', randomBytes(16).toString('base64'), randomBytes(31).toString('hex')]) {
    assert.throws(() => parseMfaKey(text, 'ELEVATE_MFA_KEY'), /MFA key in ELEVATE_MFA_KEY must be 32 random bytes/);
  }
  assert.throws(() => new AesGcmSecretBox(randomBytes(16)), /32 bytes/);
});
