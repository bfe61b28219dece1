// WebAuthn through the browser's own JSON helpers (Chromium 129+, Firefox 119+, Safari 18.4+): the
// server's options go in as JSON and the credential comes back as JSON, with no library.
import { ApiError } from './api.js';

type PKC = typeof PublicKeyCredential & {
  parseCreationOptionsFromJSON?: (o: PublicKeyCredentialCreationOptionsJSON) => PublicKeyCredentialCreationOptions;
  parseRequestOptionsFromJSON?: (o: PublicKeyCredentialRequestOptionsJSON) => PublicKeyCredentialRequestOptions;
};

export function passkeysSupported(): boolean {
  const pkc = (globalThis as { PublicKeyCredential?: PKC }).PublicKeyCredential;
  return !!pkc?.parseCreationOptionsFromJSON && !!pkc.parseRequestOptionsFromJSON && !!navigator.credentials;
}

/** The browser's refusals, in words: most mean the person cancelled or the device said no. */
function refused(e: unknown): never {
  const name = (e as { name?: string })?.name;
  if (name === 'NotAllowedError') throw new ApiError(0, 'PasskeyCancelled', 'The passkey was not used (cancelled, timed out, or not allowed on this device). Try again, or use a code.');
  if (name === 'InvalidStateError') throw new ApiError(0, 'PasskeyExists', 'This device already holds a passkey for your account.');
  if (name === 'SecurityError') throw new ApiError(0, 'PasskeyOrigin', 'Passkeys need this site to be opened by its name (such as localhost), not by an IP address.');
  throw new ApiError(0, 'PasskeyFailed', 'The browser could not use a passkey here. Use a code from your authenticator instead.');
}

export async function createPasskey(options: PublicKeyCredentialCreationOptionsJSON): Promise<PublicKeyCredentialJSON> {
  const publicKey = (PublicKeyCredential as PKC).parseCreationOptionsFromJSON!(options);
  const cred = (await navigator.credentials.create({ publicKey }).catch(refused)) as PublicKeyCredential | null;
  if (!cred) refused(null);
  return cred.toJSON();
}

export async function usePasskey(options: PublicKeyCredentialRequestOptionsJSON): Promise<PublicKeyCredentialJSON> {
  const publicKey = (PublicKeyCredential as PKC).parseRequestOptionsFromJSON!(options);
  const cred = (await navigator.credentials.get({ publicKey }).catch(refused)) as PublicKeyCredential | null;
  if (!cred) refused(null);
  return cred.toJSON();
}
