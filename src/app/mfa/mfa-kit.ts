import type { Totp } from '../../ports/totp.js';
import type { AssertionJSON, RelyingParty, WebAuthn } from '../../ports/webauthn.js';

/** The factor engines the MFA use cases need beside Deps. */
export interface MfaKit {
  readonly totp: Totp;
  readonly webauthn: WebAuthn;
  /** Shown by authenticator apps above the account name. */
  readonly issuer: string;
}

/** What a person offers to pass a challenge: a TOTP code, or a passkey assertion for a stored challenge. */
export type MfaProof =
  | { readonly kind: 'totp'; readonly code: string }
  | { readonly kind: 'passkey'; readonly assertion: AssertionJSON; readonly rp: RelyingParty };

/** Failed attempts allowed per request (and per approver per approval) before further ones are refused. */
export const MAX_MFA_FAILURES = 5;

/** How long a stored WebAuthn challenge can be answered. */
export const CHALLENGE_TTL_MS = 5 * 60_000;
