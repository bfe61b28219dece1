import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { packageVersion } from '../../config/package-version.js';
import { SECURITY_SCHEMES, securityOf } from './security.js';

const VERSION = packageVersion();

const TAGS = [
  { name: 'mim', description: 'The MIM 2016 PAM API under /api/pamresources: OData v3 shapes, frozen (docs/api.md).' },
  { name: 'session', description: 'Cookie sessions for the portal, and single sign-on.' },
  { name: 'me', description: 'Elevate extensions about the caller: why requests ended, approval paths, own API tokens.' },
  { name: 'mfa', description: 'Self-service and administered factors (docs/mfa-api.md).' },
  { name: 'admin', description: 'Administration: users, groups, roles, audit. Administrators only.' },
  { name: 'operations', description: 'Health, readiness, metrics, this document, the portal’s files.' },
];

const MEANING: Record<string, string> = {
  200: 'OK',
  201: 'Created',
  204: 'Done; no content',
  303: 'See the Location header',
  400: 'The input is wrong; the message names what to fix. Nothing was changed.',
  401: 'Not signed in, or the credentials are wrong.',
  403: 'Signed in, but not allowed to do this.',
  404: 'There is no such thing.',
  405: 'The path does not take this method; the Allow header lists those it takes.',
  409: 'Conflicts with the current state.',
  429: 'Too many attempts; retry after the Retry-After header’s seconds.',
  503: 'Not ready or unavailable; retry after the Retry-After header’s seconds.',
};

/**
 * Collects every route's zod schema into one OpenAPI 3.1 document (registered before the routes, so
 * it sees them all). A route is signed-in unless its schema says `security: PUBLIC`; which tokens it
 * admits comes from the token scope table (plugins/token-scopes.ts), not from each route.
 */
export async function describeRoutes(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Elevate',
        version: VERSION,
        description:
          'Just-in-time privileged access. /api/pamresources is a drop-in replacement for the MIM 2016 PAM REST API; everything else is an Elevate extension. Every refusal answers the OData error shape `{"odata.error": {code, message: {lang, value}}}`.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      tags: TAGS,
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    transform: (doc) => {
      const out = jsonSchemaTransform(doc);
      const schema = (out.schema ?? {}) as Record<string, unknown>;
      // Every answer says what it means (without, the document reads "Default Response").
      const response = schema.response as Record<string, Record<string, unknown>> | undefined;
      for (const [status, answer] of Object.entries(response ?? {})) answer.description ??= MEANING[status] ?? 'See the summary.';
      if (!schema.hide && schema.security === undefined) {
        const method = Array.isArray(doc.route.method) ? doc.route.method[0]! : doc.route.method;
        schema.security = securityOf(method, doc.url);
      }
      return { ...out, schema };
    },
    transformObject: jsonSchemaTransformObject,
  });
}

