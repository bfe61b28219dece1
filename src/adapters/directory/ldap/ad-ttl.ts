/**
 * Active Directory's time-limited group membership (Windows Server 2016, with the Privileged Access
 * Management optional feature enabled). A link value written as `<TTL=seconds,DN>` makes AD itself
 * remove the link when the seconds run out, so access ends on time even if Elevate is down.
 * Reading `member` with the LDAP_SERVER_LINK_TTL control returns values in the same form.
 */

export interface TimeLimitedValue {
  readonly ttlSeconds: number;
  readonly dn: string;
}

/** The largest TTL AD accepts as a 32-bit signed count of seconds (about 68 years). */
export const MAX_TTL_SECONDS = 2_147_483_647;

/**
 * Seconds from `now` to `expiresAt`, rounded up so the membership never ends before the grant does,
 * and at least 1: a grant processed after its end still gets a valid, immediately lapsing value
 * (the revoke that follows removes it anyway) rather than a zero or negative TTL.
 */
export function ttlSecondsUntil(expiresAt: number, now: number): number {
  if (!Number.isFinite(expiresAt) || !Number.isFinite(now)) throw new RangeError('expiresAt and now must be finite epoch milliseconds');
  return Math.min(MAX_TTL_SECONDS, Math.max(1, Math.ceil((expiresAt - now) / 1000)));
}

/** `<TTL=seconds,DN>` for a membership of `dn` that ends at `expiresAt`. */
export function encodeTimeLimitedMember(dn: string, expiresAt: number, now: number): string {
  if (dn === '') throw new RangeError('a time-limited member needs a DN');
  return `<TTL=${ttlSecondsUntil(expiresAt, now)},${dn}>`;
}

const TTL_VALUE = /^<TTL=(\d{1,10}),([\s\S]+)>$/i;

/** Splits `<TTL=seconds,DN>`; null for a plain DN (a link without a time limit). */
export function decodeTimeLimitedMember(value: string): TimeLimitedValue | null {
  const m = TTL_VALUE.exec(value);
  if (!m) return null;
  const ttlSeconds = Number(m[1]);
  if (ttlSeconds > MAX_TTL_SECONDS) return null;
  return { ttlSeconds, dn: m[2]! };
}

/** The DN of a member value, with or without a time limit. */
export function memberDnOf(value: string): string {
  return decodeTimeLimitedMember(value)?.dn ?? value;
}
