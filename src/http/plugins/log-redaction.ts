import type { FastifyRequest } from 'fastify';

/** Query parameters whose values never reach the log. MIM clients may send any parameter in the query string. */
const SECRET_PARAMS = /^(code|enrolmentcode|password|passkey|secret)$/i;

/** `url` with the values of secret query parameters replaced, for logging. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      let name = eq < 0 ? pair : pair.slice(0, eq);
      try {
        name = decodeURIComponent(name);
      } catch {
        // A malformed escape is logged as sent; only the value matters here.
      }
      return eq >= 0 && SECRET_PARAMS.test(name) ? `${pair.slice(0, eq)}=[redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, q)}?${query}`;
}

/**
 * Replaces Fastify's request serializer (pino's own serializers win over Fastify's defaults): the
 * same fields, with secrets taken out of the URL.
 */
export function requestLogSerializer(req: FastifyRequest): Record<string, unknown> {
  return { method: req.method, url: redactUrl(req.url), host: req.host, remoteAddress: req.ip };
}
