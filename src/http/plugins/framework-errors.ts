import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { odataError } from '../odata/error-map.js';

// Through require: importing node:http as an ES module reads every one of its exports, and one of
// them loads Node's bundled fetch (undici), a few MB resident in a server that never calls it.
const { STATUS_CODES } = createRequire(import.meta.url)('node:http') as typeof import('node:http');

/**
 * The OData code for each status Elevate answers without a domain refusal behind it. The sample
 * portal reads `odata.error.message.value` whatever the status, so the framework's and Node's own
 * answers get the same shape as ours.
 */
const CODE_OF_STATUS: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  408: 'RequestTimeout',
  413: 'PayloadTooLarge',
  414: 'UriTooLong',
  415: 'UnsupportedMediaType',
  417: 'ExpectationFailed',
  431: 'HeadersTooLarge',
  503: 'ServiceUnavailable',
};

export const codeOfStatus = (status: number): string => CODE_OF_STATUS[status] ?? (status >= 500 ? 'InternalError' : 'BadRequest');

/** Fastify's router errors, answered before any route, hook or error handler runs. */
function frameworkErrors(maxParamLength: number, corsOrigins: readonly string[]) {
  const allowed = new Set(corsOrigins);
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    // No hook runs for these, the CORS plugin's included: an allowed portal on another origin must
    // still be able to read the message, so its headers are set here the same way.
    const origin = req.headers.origin;
    if (origin !== undefined && allowed.has(origin)) {
      reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true').header('vary', 'Origin');
    }
    const status = err.statusCode ?? 500;
    const message =
      err.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? `A segment of the path is longer than ${maxParamLength} characters; no key or name is that long.`
        : err.code === 'FST_ERR_BAD_URL'
          ? 'The path is not a valid URL: a percent-escape in it is malformed.'
          : `Something went wrong on the server (request ${req.id}); the administrator can find it in the log.`;
    if (status >= 500) req.log.error({ err }, 'unexpected router error');
    return reply.code(status).header('cache-control', 'no-store').header('x-content-type-options', 'nosniff').send(odataError(codeOfStatus(status), message));
  };
}

/**
 * Node's HTTP parser refuses a request before Fastify sees it: headers too large (431), headers
 * or body too slow (408), anything that is not HTTP (400). The answer is written on the socket
 * itself, in the OData shape, and the connection closed, as Node and Fastify do by default.
 */
function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'The request took too long to arrive; send it again.']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'The request line and headers are too large for this server.']
        : [400, 'The request is not valid HTTP.'];
  this.log.debug({ err: { code: err.code, message: err.message } }, 'client error');
  if (socket.writable) socket.write(rawResponse(status, message));
  socket.destroy(err);
}

/** A whole HTTP/1.1 error response as text, for the places where there is no reply object. */
function rawResponse(status: number, message: string): string {
  const body = JSON.stringify(odataError(codeOfStatus(status), message));
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
    `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`
  );
}

/** Fastify options that put its own and Node's error answers in the OData shape. */
export function frameworkErrorOptions(
  maxParamLength: number,
  corsOrigins: readonly string[],
): Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler' | 'return503OnClosing'> {
  return {
    frameworkErrors: frameworkErrors(maxParamLength, corsOrigins),
    clientErrorHandler: clientErrorHandler as FastifyServerOptions['clientErrorHandler'],
    // Fastify's own 503 while closing is bare JSON; refuseWhileClosing answers it in our shape.
    return503OnClosing: false,
  };
}

/**
 * While the server shuts down, a request arriving on a kept-alive connection is refused with 503
 * and `Connection: close`, so a load balancer or client retries it on a node that stays.
 */
export function refuseWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_req, reply) => {
    if (!closing) return;
    return reply
      .code(503)
      .header('connection', 'close')
      .header('retry-after', '5')
      .send(odataError('ServiceUnavailable', 'This server is shutting down; send the request again.'));
  });
}

/** Node answers an `Expect:` other than 100-continue with an empty 417; this one says why. */
export function refuseUnknownExpectation(app: FastifyInstance): void {
  app.server.on('checkExpectation', (req, res) => {
    const body = JSON.stringify(odataError('ExpectationFailed', `Expect: ${String(req.headers.expect)} is not supported; send the request without it.`));
    res.writeHead(417, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', connection: 'close' });
    res.end(body);
  });
}
