import type { UserView } from '../../app/admin/users.js';
import type { IssuedEnrolmentCode } from '../../app/mfa/enrolment-code.js';
import type { MfaFactors } from '../../app/mfa/factors.js';
import type { TotpEnrolment } from '../../app/mfa/enrol-totp.js';
import type { PasskeyView } from '../../app/mfa/passkeys.js';

const iso = (at: number) => new Date(at).toISOString();
const isoOrNull = (at: number | null) => (at === null ? null : iso(at));

/** A user for administrators: the account, and its MFA lockout with times as ISO strings. */
export function userToWire(u: UserView) {
  const l = u.mfaLockout;
  return { ...u, mfaLockout: { locked: l.locked, failures: l.failures, lockedAt: isoOrNull(l.lockedAt), waitUntil: isoOrNull(l.waitUntil) } };
}

/** The one answer that carries an enrolment code. */
export const enrolmentCodeToWire = (c: IssuedEnrolmentCode) => ({ code: c.code, expiresAt: iso(c.expiresAt) });

export const passkeyToWire = (p: PasskeyView) => ({ id: p.id, name: p.name, createdAt: iso(p.createdAt), lastUsedAt: isoOrNull(p.lastUsedAt) });

export function factorsToWire(f: MfaFactors) {
  return {
    login: f.login,
    totp: f.totp && { confirmed: f.totp.confirmed, createdAt: iso(f.totp.createdAt) },
    passkeys: f.passkeys.map(passkeyToWire),
  };
}

/**
 * The one answer that carries a TOTP secret, with the QR code authenticator apps scan. SVG keeps it
 * text: the portal can show the data URL in an <img> without inserting markup into its page.
 */
export async function enrolmentToWire(e: TotpEnrolment) {
  // Loaded on the first enrolment: a server that never enrols keeps it out of memory.
  const { default: QRCode } = await import('qrcode');
  const qrSvg = await QRCode.toString(e.uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return {
    secret: e.secret,
    uri: e.uri,
    qrSvg,
    qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(qrSvg, 'utf8').toString('base64')}`,
    confirmed: e.confirmed,
  };
}
