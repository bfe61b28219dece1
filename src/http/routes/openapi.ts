import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PUBLIC } from '../openapi/security.js';
import { methodNotAllowed } from '../plugins/method-not-allowed.js';

/**
 * GET /api/openapi.json: the OpenAPI 3.1 document of this server's routes. Public (behind the host
 * check like everything): it describes shapes, never data, and clients generate code from it.
 */
export async function openapiRoutes(app: FastifyInstance): Promise<void> {
  const schema = {
    security: PUBLIC,
    tags: ['operations'],
    summary: 'This document',
    response: { 200: z.looseObject({ openapi: z.literal('3.1.0') }).meta({ description: 'The OpenAPI 3.1 document.' }) },
  };
  app.get('/api/openapi.json', { schema }, async () => app.swagger());
  methodNotAllowed(app, '/api/openapi.json', ['GET']);
}
