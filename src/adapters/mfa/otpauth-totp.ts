import { Secret, TOTP } from 'otpauth';
import type { Totp } from '../../ports/totp.js';

const PERIOD_S = 30;

export const otpauthTotp: Totp = {
  newSecret: () => new Secret({ size: 20 }).base32,
  uri: (secret, accountLabel, issuer) =>
    new TOTP({ issuer, label: accountLabel, secret: Secret.fromBase32(secret), period: PERIOD_S, digits: 6, algorithm: 'SHA1' }).toString(),
  matchStep(secret, code, now) {
    if (!/^\d{6}$/.test(code)) return null;
    const totp = new TOTP({ secret: Secret.fromBase32(secret), period: PERIOD_S, digits: 6, algorithm: 'SHA1' });
    // otpauth compares in constant time and returns the step offset of the match.
    const delta = totp.validate({ token: code, timestamp: now, window: 1 });
    return delta === null ? null : Math.floor(now / 1000 / PERIOD_S) + delta;
  },
};
