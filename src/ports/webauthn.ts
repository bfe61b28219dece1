/**
 * WebAuthn ceremonies (passkeys). The adapter builds options and checks the authenticator's
 * signatures; the use cases own the challenges (stored durably) and the credentials.
 */

/** Who the passkeys are for: the relying party id (a domain, never an IP) and the page origins allowed. */
export interface RelyingParty {
  readonly id: string;
  readonly name: string;
  readonly origins: readonly string[];
}

/** A stored credential as the ceremonies need it. */
export interface PasskeyCredential {
  /** base64url credential id. */
  readonly id: string;
  /** base64url COSE public key. */
  readonly publicKey: string;
  /** The signature counter last seen; an assertion must exceed it when either is non-zero. */
  readonly counter: number;
  readonly transports: readonly string[];
}

/** What `navigator.credentials.create()` answered, as JSON (`RegistrationResponseJSON`). */
export interface AttestationJSON {
  readonly id: string;
  readonly rawId: string;
  readonly type: 'public-key';
  readonly response: {
    readonly clientDataJSON: string;
    readonly attestationObject: string;
    readonly transports?: readonly string[] | undefined;
  };
  readonly clientExtensionResults: Record<string, unknown>;
  readonly authenticatorAttachment?: string | undefined;
}

/** What `navigator.credentials.get()` answered, as JSON (`AuthenticationResponseJSON`). */
export interface AssertionJSON {
  readonly id: string;
  readonly rawId: string;
  readonly type: 'public-key';
  readonly response: {
    readonly clientDataJSON: string;
    readonly authenticatorData: string;
    readonly signature: string;
    readonly userHandle?: string | undefined;
  };
  readonly clientExtensionResults: Record<string, unknown>;
  readonly authenticatorAttachment?: string | undefined;
}

/** Options for the browser plus the challenge in them, which the caller must store to verify the answer. */
export interface CeremonyOptions {
  readonly options: Readonly<Record<string, unknown>>;
  readonly challenge: string;
}

export type Verified<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

export interface WebAuthn {
  /** Options to create a passkey for `user`, excluding the credentials they already have. */
  registrationOptions(
    rp: RelyingParty,
    user: { readonly id: string; readonly login: string; readonly displayName: string },
    exclude: readonly Pick<PasskeyCredential, 'id' | 'transports'>[],
  ): Promise<CeremonyOptions>;
  /** Checks an attestation against the challenge, origins and RP id; never throws for a bad answer. */
  verifyRegistration(
    rp: RelyingParty,
    response: AttestationJSON,
    expectedChallenge: string,
  ): Promise<Verified<PasskeyCredential & { readonly deviceType: string; readonly backedUp: boolean }>>;
  /** Options to assert with one of `allow`. */
  authenticationOptions(rp: RelyingParty, allow: readonly Pick<PasskeyCredential, 'id' | 'transports'>[]): Promise<CeremonyOptions>;
  /**
   * Checks an assertion by `credential` against the challenge, origins, RP id and counter; the new
   * counter is returned to be stored. Never throws for a bad answer.
   */
  verifyAuthentication(
    rp: RelyingParty,
    response: AssertionJSON,
    expectedChallenge: string,
    credential: PasskeyCredential,
  ): Promise<Verified<{ readonly newCounter: number }>>;
}
