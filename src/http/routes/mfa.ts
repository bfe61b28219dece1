import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../app/deps.js';
import { confirmTotp, enrolTotp } from '../../app/mfa/enrol-totp.js';
import { DomainError } from '../../domain/errors.js';
import type { Totp } from '../../ports/totp.js';
import { methodNotAllowed } from '../plugins/method-not-allowed.js';
import { readParams } from '../odata/request-params.js';

export interface MfaRoutesOptions {
  readonly deps: Deps;
  readonly totp: Totp;
  readonly issuer: string;
}

/** Self-service TOTP enrolment (an Elevate extension): start, then confirm with a first code. */
export async function mfaRoutes(app: FastifyInstance, opts: MfaRoutesOptions): Promise<void> {
  app.post('/totp', async (req, reply) =>
    reply.code(201).send(await enrolTotp(opts.deps, opts.totp, req.caller!, req.caller!.login, opts.issuer)),
  );
  app.post('/totp/confirm', async (req, reply) => {
    const p = readParams(req.query, req.body, ['Code']);
    if (!p.Code) throw new DomainError('BadRequest', 'Code is required: the 6-digit code your authenticator shows.');
    await confirmTotp(opts.deps, opts.totp, req.caller!, p.Code);
    return reply.code(204).send();
  });
  methodNotAllowed(app, '/totp', ['POST']);
  methodNotAllowed(app, '/totp/confirm', ['POST']);
}
