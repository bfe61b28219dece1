import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { PasswordHasher } from '../../ports/password-hasher.js';

const KEYLEN = 32;

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEYLEN, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/**
 * scrypt from Node's crypto (no native dependency to build). Format:
 * `scrypt$N$r$p$<salt base64>$<key base64>`.
 */
export class ScryptHasher implements PasswordHasher {
  constructor(private readonly cost: { n: number; r: number; p: number } = { n: 1 << 15, r: 8, p: 1 }) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const { n, r, p } = this.cost;
    const key = await scryptAsync(password, salt, n, r, p);
    return `scrypt$${n}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  async verify(password: string, hash: string): Promise<boolean> {
    const parts = hash.split('$');
    if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
    const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
    if (![n, r, p].every((x) => Number.isSafeInteger(x) && x > 0) || n > 1 << 20 || r > 32 || p > 16) return false;
    const salt = Buffer.from(parts[4]!, 'base64');
    const expected = Buffer.from(parts[5]!, 'base64');
    if (expected.length !== KEYLEN) return false;
    const actual = await scryptAsync(password, salt, n, r, p);
    return timingSafeEqual(actual, expected);
  }
}
