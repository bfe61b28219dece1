import { createHash, timingSafeEqual } from 'node:crypto';

// Digests first: timingSafeEqual needs equal lengths, and comparing lengths would leak the secret's.
const digest = (s: string) => createHash('sha256').update(s).digest();

/** Compares a secret the client sent with the expected one in constant time. */
export function sameSecret(sent: string, expected: string): boolean {
  return timingSafeEqual(digest(sent), digest(expected));
}
