import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { CeremonyOptions, PasskeyCredential, RelyingParty, Verified, WebAuthn } from '../../ports/webauthn.js';

/**
 * The library and its ASN.1 and COSE dependencies take about 15 MB of a server's memory, and
 * passkey ceremonies are rare (enrolment and the odd step-up): it is loaded on the first one.
 */
let library: Promise<typeof import('@simplewebauthn/server')> | null = null;
function webauthnLibrary(): Promise<typeof import('@simplewebauthn/server')> {
  library ??= import('@simplewebauthn/server');
  return library;
}

/** How long the browser lets the person answer; the stored challenge lives as long. */
export const CEREMONY_TIMEOUT_MS = 5 * 60_000;

/**
 * Passkeys through @simplewebauthn/server. Attestation is 'none': Elevate trusts the account's
 * password session to vouch for the new key rather than an authenticator vendor's certificate.
 * User verification is preferred, not required: a passkey here is a second factor after the
 * password, and security keys without a PIN must still work.
 */
export const simpleWebAuthn: WebAuthn = {
  async registrationOptions(rp, user, exclude) {
    const { generateRegistrationOptions } = await webauthnLibrary();
    const options = await generateRegistrationOptions({
      rpName: rp.name,
      rpID: rp.id,
      userName: user.login,
      userDisplayName: user.displayName,
      // The user handle is the account's random id: it identifies without revealing the login.
      userID: new TextEncoder().encode(user.id),
      timeout: CEREMONY_TIMEOUT_MS,
      attestationType: 'none',
      excludeCredentials: exclude.map((c) => ({ id: c.id, transports: [...c.transports] })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    return ceremony(options);
  },

  async verifyRegistration(rp, response, expectedChallenge) {
    const { verifyRegistrationResponse } = await webauthnLibrary();
    return refusing(async () => {
      const v = await verifyRegistrationResponse({ response: response as unknown as RegistrationResponseJSON, ...expectations(rp, expectedChallenge) });
      if (!v.verified) return { ok: false, reason: 'the attestation did not verify' };
      const { credential, credentialDeviceType, credentialBackedUp } = v.registrationInfo;
      return {
        ok: true,
        value: {
          id: credential.id,
          publicKey: Buffer.from(credential.publicKey).toString('base64url'),
          counter: credential.counter,
          transports: credential.transports ?? response.response.transports ?? [],
          deviceType: credentialDeviceType,
          backedUp: credentialBackedUp,
        },
      };
    });
  },

  async authenticationOptions(rp, allow) {
    const { generateAuthenticationOptions } = await webauthnLibrary();
    const options = await generateAuthenticationOptions({
      rpID: rp.id,
      allowCredentials: allow.map((c) => ({ id: c.id, transports: [...c.transports] })),
      timeout: CEREMONY_TIMEOUT_MS,
      userVerification: 'preferred',
    });
    return ceremony(options);
  },

  async verifyAuthentication(rp, response, expectedChallenge, credential) {
    const { verifyAuthenticationResponse } = await webauthnLibrary();
    return refusing(async () => {
      const v = await verifyAuthenticationResponse({
        response: response as unknown as AuthenticationResponseJSON,
        ...expectations(rp, expectedChallenge),
        credential: toLibraryCredential(credential),
      });
      // The library refuses a counter that did not grow (a cloned authenticator) by throwing.
      return v.verified ? { ok: true, value: { newCounter: v.authenticationInfo.newCounter } } : { ok: false, reason: 'the signature did not verify' };
    });
  },
};

function expectations(rp: RelyingParty, expectedChallenge: string) {
  return { expectedChallenge, expectedOrigin: [...rp.origins], expectedRPID: rp.id, requireUserVerification: false };
}

/** The library throws for every malformed or mismatched answer; those are refusals, not faults. */
async function refusing<T>(verify: () => Promise<Verified<T>>): Promise<Verified<T>> {
  try {
    return await verify();
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}

function ceremony(options: { challenge: string }): CeremonyOptions {
  return { options: options as unknown as Record<string, unknown>, challenge: options.challenge };
}

function toLibraryCredential(c: PasskeyCredential) {
  return { id: c.id, publicKey: new Uint8Array(Buffer.from(c.publicKey, 'base64url')), counter: c.counter, transports: [...c.transports] };
}

