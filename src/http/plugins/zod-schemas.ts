import type { FastifyInstance, FastifySchema } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { odataErrorBody } from '../../wire/odata.js';

/**
 * Route schemas are zod (src/wire/*.ts for answers, beside the routes for requests): they validate
 * requests here and feed the OpenAPI document (http/openapi/). A refused request answers 400 in the
 * OData error shape, naming the first bad field, exactly as parseBody always has.
 */

/** Schemas that only describe: MIM's parameters are read case-insensitively from query, JSON or form (readParams). */
const DESCRIBED_ONLY = new WeakSet<z.ZodType>();

/** Marks a schema as documentation only: the route reads its input itself. */
export function describedOnly<T extends z.ZodType>(schema: T): T {
  DESCRIBED_ONLY.add(schema);
  return schema;
}

/** The message for a failed parse: the first issue, with the path to it. */
export function firstIssue(part: string, error: z.ZodError): string {
  const i = error.issues[0]!;
  return `Invalid ${part}: ${i.path.join('.') || `(${part})`}: ${i.message}`;
}

const PART_NAMES: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'headers' };

export function useZodSchemas(app: FastifyInstance): void {
  app.setValidatorCompiler<z.ZodType>(({ schema, httpPart }) => {
    if (DESCRIBED_ONLY.has(schema)) return (data) => ({ value: data });
    const part = PART_NAMES[httpPart ?? 'body'] ?? 'request';
    return (data) => {
      // An absent body is an empty object, as parseBody took it.
      const r = schema.safeParse(httpPart === 'body' ? (data ?? {}) : data);
      return r.success ? { value: r.data } : { error: new DomainError('BadRequest', firstIssue(part, r.error)) };
    };
  });
  // Answers are documented, not re-checked on the way out: the handlers build them from typed views,
  // and the openapi tests compare real answers with their documented schemas.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}

/** The refusals every signed-in route may answer, in the one error shape. */
const REFUSALS = { 400: odataErrorBody, 401: odataErrorBody, 403: odataErrorBody, 404: odataErrorBody, 409: odataErrorBody, 429: odataErrorBody } as const;

/** No body: the 204 a deletion answers. */
export const noContent = z.never().optional().meta({ description: 'No content.' });

/** A route's responses with the OData refusals beside them. */
export const answers = <R extends Record<number, z.ZodType | ReturnType<typeof textAnswer>>>(ok: R) => ({ ...REFUSALS, ...ok });

/** Type-checks a route schema written with zod (params, querystring, body, response, and OpenAPI's summary, tags, security). */
export const routeSchema = <S extends FastifySchema>(s: S) => s;

/** An answer that is not JSON (Prometheus text, CSDL XML, the portal's files), for the OpenAPI document. */
export const textAnswer = (contentType: string, description: string) => ({ description, content: { [contentType]: { schema: z.string() } } });
