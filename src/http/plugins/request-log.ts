import type { FastifyInstance } from 'fastify';

/**
 * One log line per request, when its answer has gone, instead of Fastify's two ("incoming request"
 * and "request completed"): the same fields (the request as `requestLogSerializer` redacts it, the
 * status, the time taken) for half the logging cost, which was a tenth of a cheap call's CPU.
 * Needs Fastify's own request logging off (`new LogController({ disableRequestLogging: true })`).
 */
export function logEachRequestOnce(app: FastifyInstance): void {
  app.addHook('onResponse', (req, reply, done) => {
    req.log.info({ req, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime }, 'request completed');
    done();
  });
}
