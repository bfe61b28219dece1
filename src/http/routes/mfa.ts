import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../../app/deps.js';
import { confirmTotp, startTotpEnrolment } from '../../app/mfa/enrol-totp.js';
import { type FactorChange, changeOptions } from '../../app/mfa/factor-change.js';
import { mfaFactors } from '../../app/mfa/factors.js';
import type { MfaKit } from '../../app/mfa/mfa-kit.js';
import { passkeyRegistrationOptions, registerPasskey, removePasskey } from '../../app/mfa/passkeys.js';
import type { Config } from '../../config/schema.js';
import { DomainError } from '../../domain/errors.js';
import { methodNotAllowed } from '../plugins/method-not-allowed.js';
import { readParams } from '../odata/request-params.js';
import { relyingParty } from '../webauthn-rp.js';
import { MFA_ROUTES as s } from './mfa-schemas.js';
import { changeProof } from './mfa-proof.js';
import { enrolmentToWire, factorsToWire, passkeyToWire } from './mfa-wire.js';

export interface MfaRoutesOptions {
  readonly deps: Deps;
  readonly mfa: MfaKit;
  readonly config: Config;
}

/** Self-service factors (an Elevate extension, see docs/mfa-api.md): TOTP with a first-code confirmation, and passkeys. */
export async function mfaRoutes(root: FastifyInstance, opts: MfaRoutesOptions): Promise<void> {
  const { deps, mfa } = opts;
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get('/', { schema: s.factors }, async (req) => factorsToWire(await mfaFactors(deps, req.caller!, req.caller!.login)));

  // Every change of factors carries its proof (see changeProof): a password alone changes nothing.
  app.post('/totp', { schema: s.enrolTotp }, async (req, reply) =>
    reply.code(201).send(await enrolmentToWire(await startTotpEnrolment(deps, mfa, req.caller!, changeProof(req, opts.config)))),
  );
  app.post('/totp/confirm', { schema: s.confirmTotp }, async (req, reply) => {
    const p = readParams(req.query, req.body, ['Code']);
    if (!p.Code) throw new DomainError('BadRequest', 'Code is required: the 6-digit code your authenticator shows.');
    await confirmTotp(deps, mfa, req.caller!, p.Code);
    return reply.code(204).send();
  });

  app.post('/change-options', { schema: s.changeOptions }, async (req) => {
    const body = req.body;
    if (body.change === 'remove-passkey' && !body.passkeyId) throw new DomainError('BadRequest', 'passkeyId is required to remove a passkey.');
    const change: FactorChange = body.change === 'remove-passkey' ? { kind: 'remove-passkey', passkeyId: body.passkeyId! } : { kind: body.change };
    return changeOptions(deps, mfa, req.caller!, change, relyingParty(req, opts.config));
  });
  app.post('/passkeys/options', { schema: s.passkeyOptions }, async (req) => passkeyRegistrationOptions(deps, mfa, req.caller!, relyingParty(req, opts.config), changeProof(req, opts.config)));
  app.get('/passkeys', { schema: s.listPasskeys }, async (req) => ({ value: (await mfaFactors(deps, req.caller!, req.caller!.login)).passkeys.map(passkeyToWire) }));
  app.post('/passkeys', { schema: s.addPasskey }, async (req, reply) => {
    const p = await registerPasskey(deps, mfa, req.caller!, relyingParty(req, opts.config), req.body.name ?? 'Passkey', req.body.response);
    return reply.code(201).send(passkeyToWire(p));
  });
  app.delete('/passkeys/:id', { schema: s.removePasskey }, async (req, reply) => {
    await removePasskey(deps, mfa, req.caller!, req.params.id, changeProof(req, opts.config));
    return reply.code(204).send();
  });

  for (const [url, methods] of [
    ['/', ['GET']],
    ['/totp', ['POST']],
    ['/totp/confirm', ['POST']],
    ['/change-options', ['POST']],
    ['/passkeys/options', ['POST']],
    ['/passkeys', ['GET', 'POST']],
    ['/passkeys/:id', ['DELETE']],
  ] as const) {
    methodNotAllowed(app, url, methods);
  }
}
