import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { SecretBox } from '../../ports/secret-box.js';

const VERSION = 'v1';
const IV_BYTES = 12; // GCM's native nonce size: no extra hashing, and random 96-bit nonces are safe at our volumes
const TAG_BYTES = 16;
export const MFA_KEY_BYTES = 32;

/**
 * AES-256-GCM. A sealed value reads `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts). The
 * key id lets a wrong key be named as such instead of surfacing as a bare authentication failure;
 * the context is authenticated data, so a value copied to another account's row fails to open.
 */
export class AesGcmSecretBox implements SecretBox {
  readonly #key: Buffer;
  readonly keyId: string;

  constructor(key: Buffer) {
    if (key.length !== MFA_KEY_BYTES) throw new Error(`the MFA key must be ${MFA_KEY_BYTES} bytes; got ${key.length}`);
    this.#key = Buffer.from(key);
    this.keyId = createHash('sha256').update('elevate mfa key id\0').update(key).digest('hex').slice(0, 8);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.keyId, iv.toString('base64url'), ct.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  open(sealed: string, context: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new Error('not a sealed secret (expected v1.<key id>.<iv>.<ciphertext>.<tag>)');
    const [, keyId, iv, ct, tag] = parts as [string, string, string, string, string];
    if (keyId !== this.keyId) {
      throw new Error(`this secret was sealed with MFA key ${keyId}, but the configured key is ${this.keyId}: configure the key the store was written with`);
    }
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      // GCM says only "unable to authenticate"; say what that means here.
      throw new Error(`a sealed secret failed authentication under MFA key ${this.keyId}: it was altered or belongs to another account`);
    }
  }

  isSealed(value: string): boolean {
    return value.startsWith(`${VERSION}.`);
  }
}
