import type { Instant } from '../domain/time.js';

/** RFC 6238 time-based one-time passwords. */
export interface Totp {
  /** A new random shared secret, base32. */
  newSecret(): string;
  /** The otpauth:// URI an authenticator app reads (usually from a QR code). */
  uri(secret: string, accountLabel: string, issuer: string): string;
  /** The 30-second time step `code` is valid for at `now` (one step of drift allowed), or null. */
  matchStep(secret: string, code: string, now: Instant): number | null;
}
