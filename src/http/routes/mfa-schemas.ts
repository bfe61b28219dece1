import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import type { AssertionJSON, AttestationJSON } from '../../ports/webauthn.js';
import { factors, passkey, totpEnrolment, webauthnOptions } from '../../wire/mfa.js';
import { valueList } from '../../wire/odata.js';
import { answers, describedOnly, noContent, routeSchema } from '../plugins/zod-schemas.js';
import { parseBody } from './admin-schemas.js';

const b64url = z.string().max(16_384).regex(/^[A-Za-z0-9_-]*={0,2}$/, 'must be base64url');
const common = {
  id: b64url.min(1).max(1024),
  rawId: b64url.min(1).max(1024),
  type: z.literal('public-key'),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.string().max(32).optional(),
};

/** A RegistrationResponseJSON as browsers and @simplewebauthn/browser send it; unknown fields are dropped. */
export const attestationJson: z.ZodType<AttestationJSON> = z.object({
  ...common,
  response: z.object({ clientDataJSON: b64url, attestationObject: b64url, transports: z.array(z.string().max(32)).max(10).optional() }),
});

/** An AuthenticationResponseJSON. */
export const assertionJson: z.ZodType<AssertionJSON> = z.object({
  ...common,
  response: z.object({ clientDataJSON: b64url, authenticatorData: b64url, signature: b64url, userHandle: b64url.optional() }),
});

/** Which change passkey options for a factor-change proof are bound to. */
export const changeOptionsBody = z.object({ change: z.enum(['totp', 'add-passkey', 'remove-passkey']), passkeyId: b64url.min(1).max(1024).optional() }).strict();

export const passkeyRegistrationBody = z.object({ name: z.string().max(256).optional(), response: attestationJson }).strict();

/**
 * An object-valued parameter (`Passkey`) of a JSON body, matched without regard to case as the
 * other parameters are; undefined when absent.
 */
export function readAssertion(body: unknown, name: string): AssertionJSON | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const entry = Object.entries(body as Record<string, unknown>).find(([k]) => k.toLowerCase() === name.toLowerCase());
  if (!entry || entry[1] === undefined || entry[1] === null) return undefined;
  if (typeof entry[1] !== 'object') throw new DomainError('BadRequest', `${name} must be a JSON object (the passkey's AuthenticationResponseJSON); send the body as JSON.`);
  try {
    return parseBody(assertionJson, entry[1]);
  } catch (e) {
    throw new DomainError('BadRequest', `${name}: ${(e as Error).message}`);
  }
}

/**
 * What authorises a change of factors (mfa-proof.ts): read case-insensitively from the query, a
 * JSON body or a form, so described here, not validated by the schema.
 */
export const changeProofBody = describedOnly(
  z.object({
    Code: z.string().optional().meta({ description: 'The 6-digit code of a confirmed authenticator.' }),
    Passkey: assertionJson.optional().meta({ description: 'An AuthenticationResponseJSON for options from POST /api/mfa/change-options (JSON bodies only).' }),
    EnrolmentCode: z.string().optional().meta({ description: 'An administrator’s one-time enrolment code, for a first factor.' }),
  }),
);

const codeBody = describedOnly(z.object({ Code: z.string().meta({ description: 'The 6-digit code the authenticator shows.' }) }));

/** Every /api/mfa route (the OpenAPI document is built from these). */
export const MFA_ROUTES = {
  factors: routeSchema({ tags: ['mfa'], summary: 'My factors', response: answers({ 200: factors }) }),
  enrolTotp: routeSchema({ tags: ['mfa'], summary: 'Start an authenticator enrolment (secret shown once)', body: changeProofBody, response: answers({ 201: totpEnrolment }) }),
  confirmTotp: routeSchema({ tags: ['mfa'], summary: 'Confirm the enrolment with a first code', body: codeBody, response: answers({ 204: noContent }) }),
  changeOptions: routeSchema({ tags: ['mfa'], summary: 'Passkey options bound to one change of factors', body: changeOptionsBody, response: answers({ 200: webauthnOptions }) }),
  passkeyOptions: routeSchema({ tags: ['mfa'], summary: 'Options to register a passkey', body: changeProofBody, response: answers({ 200: webauthnOptions }) }),
  listPasskeys: routeSchema({ tags: ['mfa'], summary: 'My passkeys', response: answers({ 200: valueList(passkey) }) }),
  addPasskey: routeSchema({ tags: ['mfa'], summary: 'Register a passkey', body: passkeyRegistrationBody, response: answers({ 201: passkey }) }),
  removePasskey: routeSchema({ tags: ['mfa'], summary: 'Remove a passkey', params: z.object({ id: z.string() }), body: changeProofBody, response: answers({ 204: noContent }) }),
};
