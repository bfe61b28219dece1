import type { FastifyError, FastifyInstance } from 'fastify';
import { isDomainError } from '../../domain/errors.js';
import { STATUS_OF, odataError } from '../odata/error-map.js';
import { codeOfStatus } from './framework-errors.js';

/** Fastify's own client errors, reworded for the person reading the portal's error box. */
const FASTIFY_MESSAGES: Record<string, (e: FastifyError) => string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => 'The request body is too large for this server.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => 'Send the body as application/json or application/x-www-form-urlencoded.',
  FST_ERR_CTP_EMPTY_JSON_BODY: () => 'The body is declared as JSON but is empty; send a JSON object or no Content-Type.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => 'The Content-Length header does not match the body.',
  FST_ERR_CTP_INVALID_JSON_BODY: () => 'The request body is not valid JSON.',
};

/**
 * The last word on every failure, in the OData error shape. Domain refusals map through STATUS_OF;
 * client errors keep their 4xx; anything unexpected is logged with the request id and answered with a
 * generic 500 that reveals nothing of the internals.
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isDomainError(err)) {
      const status = STATUS_OF[err.code];
      const wait = err.details.retryAfterSeconds;
      if (typeof wait === 'number') reply.header('retry-after', String(wait));
      else if (status === 503) reply.header('retry-after', '5');
      return reply.code(status).send(odataError(err.code, err.message));
    }
    const status = err.statusCode ?? 500;
    if (err.validation) return reply.code(400).send(odataError('BadRequest', err.message));
    if (status >= 400 && status < 500) {
      const message = (err.code && FASTIFY_MESSAGES[err.code]?.(err)) ?? (/^SyntaxError/.test(err.name) ? 'The request body is not valid JSON.' : err.message);
      return reply.code(status).send(odataError(codeOfStatus(status), message));
    }
    req.log.error({ err }, 'unexpected error');
    return reply.code(500).send(odataError('InternalError', `Something went wrong on the server (request ${req.id}); the administrator can find it in the log.`));
  });

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send(odataError('NotFound', `There is nothing at ${req.method} ${req.url.split('?')[0]}. The MIM PAM API is under /api/pamresources/.`)),
  );
}
