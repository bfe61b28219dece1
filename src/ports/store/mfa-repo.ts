import type { MfaAttempts } from '../../domain/mfa/attempt-limit.js';
import type { Instant } from '../../domain/time.js';

/** An account's TOTP authenticator. */
export interface TotpFactor {
  readonly accountId: string;
  /** The base32 shared secret sealed by the SecretBox (context `totp:<accountId>`); never plaintext once sealed at start-up. */
  readonly sealedSecret: string;
  /** False until the owner proved possession with a first code. */
  readonly confirmed: boolean;
  /** Highest time step a code was accepted for; codes at or below it are replays. */
  readonly lastStep: number;
  readonly createdAt: Instant;
}

/** A registered WebAuthn credential. The public key is not secret, so it is stored as it is. */
export interface Passkey {
  /** base64url credential id, unique across all accounts. */
  readonly id: string;
  readonly accountId: string;
  readonly name: string;
  /** base64url COSE public key. */
  readonly publicKey: string;
  readonly counter: number;
  readonly transports: readonly string[];
  readonly deviceType: string;
  readonly backedUp: boolean;
  readonly createdAt: Instant;
  readonly lastUsedAt: Instant | null;
}

/**
 * What a stored challenge is for; `subjectId` is the account, request or approval it is bound to, or
 * for 'factor-change' the change it authorises. 'totp-enrol' holds a pending authenticator's sealed
 * secret until its first code confirms it.
 */
export type ChallengePurpose = 'register' | 'request' | 'approval' | 'factor-change' | 'totp-enrol';

/** A one-time code an administrator issued so an account without any factor can enrol its first. */
export interface EnrolmentCode {
  readonly accountId: string;
  /** SHA-256 of the normalised code, hex; the code itself is answered once and never stored. */
  readonly codeHash: string;
  readonly issuedBy: string;
  readonly issuedAt: Instant;
  readonly expiresAt: Instant;
}

/** A one-time challenge (WebAuthn, or a pending TOTP secret) bound to what it proves. */
export interface MfaChallenge {
  readonly purpose: ChallengePurpose;
  readonly subjectId: string;
  readonly accountId: string;
  readonly challenge: string;
  readonly expiresAt: Instant;
}

/** Second factors (TOTP, passkeys), their challenges, failure counts and enrolment codes. */
export interface MfaRepo {
  /** The account's TOTP factor, confirmed or not, or undefined. */
  totp(accountId: string): Promise<TotpFactor | undefined>;
  /** Every TOTP factor (for sealing plaintext secrets at start-up). */
  allTotp(): Promise<TotpFactor[]>;
  /** Stores the account's TOTP factor, replacing any earlier one. */
  saveTotp(f: TotpFactor): Promise<void>;
  /** Removes the TOTP factor, the passkeys, the pending challenges and the enrolment code of the account. */
  removeAll(accountId: string): Promise<void>;
  /** Wrong codes entered for a request so far. */
  failures(requestId: string): Promise<number>;
  /** Records how many wrong codes were entered for a request. */
  setFailures(requestId: string, n: number): Promise<void>;
  /** Failed step-up attempts of one approver on one approval. */
  stepUpFailures(approvalId: string, accountId: string): Promise<number>;
  /** Records how many step-up attempts of one approver on one approval failed. */
  setStepUpFailures(approvalId: string, accountId: string, n: number): Promise<void>;

  /** The account's passkeys, oldest first. */
  passkeys(accountId: string): Promise<Passkey[]>;
  /** The passkey with this credential id, whoever owns it, or undefined. */
  passkey(id: string): Promise<Passkey | undefined>;
  /** Registers a new passkey. */
  insertPasskey(p: Passkey): Promise<void>;
  /** Records a successful assertion: the new signature counter and when. */
  usePasskey(id: string, counter: number, at: Instant): Promise<void>;
  /** Removes one of the account's passkeys; false when it has none with that id. */
  removePasskey(accountId: string, id: string): Promise<boolean>;

  /** Stores a challenge, replacing any earlier one for the same purpose, subject and account. */
  putChallenge(c: MfaChallenge): Promise<void>;
  /** Removes and returns the challenge for purpose, subject and account: each works once. */
  takeChallenge(purpose: ChallengePurpose, subjectId: string, accountId: string): Promise<MfaChallenge | undefined>;
  /** Drops challenges that expired before `now`. */
  purgeChallenges(now: Instant): Promise<void>;

  /** Failed factor attempts of the account across everything; undefined when it has none on record. */
  attempts(accountId: string): Promise<MfaAttempts | undefined>;
  /** Stores the account's failed attempts and lockout, replacing the earlier record. */
  saveAttempts(a: MfaAttempts): Promise<void>;
  /** Every account with failures or a lockout on record (for administrators). */
  allAttempts(): Promise<MfaAttempts[]>;

  /** The account's outstanding enrolment code, if any. */
  enrolmentCode(accountId: string): Promise<EnrolmentCode | undefined>;
  /** Stores a code, replacing any earlier one of the account. */
  saveEnrolmentCode(c: EnrolmentCode): Promise<void>;
  /** Removes the account's enrolment code (used, or superseded by a factor). */
  removeEnrolmentCode(accountId: string): Promise<void>;
}
