import type { FastifyRequest } from 'fastify';
import type { ChangeProof } from '../../app/mfa/factor-change.js';
import type { MfaProof } from '../../app/mfa/mfa-kit.js';
import type { Config } from '../../config/schema.js';
import { readParams } from '../odata/request-params.js';
import { relyingParty } from '../webauthn-rp.js';
import { readAssertion } from './mfa-schemas.js';

/** `Code` (query, JSON or form) as a TOTP proof. */
export function totpProof(req: FastifyRequest): MfaProof | null {
  const { Code } = readParams(req.query, req.body, ['Code']);
  return Code ? { kind: 'totp', code: Code } : null;
}

/** `Passkey` (a JSON body's AuthenticationResponseJSON) as a passkey proof for this host's relying party. */
export function passkeyProof(req: FastifyRequest, config: Config): MfaProof | null {
  const assertion = readAssertion(req.body, 'Passkey');
  return assertion ? { kind: 'passkey', assertion, rp: relyingParty(req, config) } : null;
}

/** What authorises a change of the caller's factors: `Passkey` or `Code`, or `EnrolmentCode` for a first factor. */
export function changeProof(req: FastifyRequest, config: Config): ChangeProof {
  const { EnrolmentCode } = readParams(req.query, req.body, ['EnrolmentCode']);
  return { proof: passkeyProof(req, config) ?? totpProof(req), enrolmentCode: EnrolmentCode ?? null };
}
