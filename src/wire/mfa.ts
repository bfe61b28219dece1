import { z } from 'zod';

// Self-service and administered factors (docs/mfa-api.md): answers only; requests are in http/routes/mfa-schemas.ts.

export const passkey = z.object({ id: z.string(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() }).meta({ id: 'Passkey' });
export type Passkey = z.infer<typeof passkey>;

export const factors = z
  .object({ login: z.string(), totp: z.object({ confirmed: z.boolean(), createdAt: z.string() }).nullable(), passkeys: z.array(passkey) })
  .meta({ id: 'Factors' });
export type Factors = z.infer<typeof factors>;

/** The one answer that carries a TOTP secret (shown once), with its QR code. */
export const totpEnrolment = z
  .object({ secret: z.string(), uri: z.string(), qrSvg: z.string(), qrDataUrl: z.string(), confirmed: z.boolean() })
  .meta({ id: 'TotpEnrolment' });
export type TotpEnrolment = z.infer<typeof totpEnrolment>;

/** The one answer that carries an enrolment code (shown once). */
export const enrolmentCode = z.object({ code: z.string(), expiresAt: z.string() }).meta({ id: 'EnrolmentCode' });
export type EnrolmentCode = z.infer<typeof enrolmentCode>;

/** WebAuthn options (PublicKeyCredentialRequestOptionsJSON or …CreationOptionsJSON), as the browser API takes them. */
export const webauthnOptions = z
  .record(z.string(), z.unknown())
  .meta({ id: 'WebAuthnOptions', description: 'PublicKeyCredentialRequestOptionsJSON or …CreationOptionsJSON (challenge, rpId, allowCredentials …), for navigator.credentials.' });
