import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { odataErrorBody } from '../../wire/odata.js';
import { odataError } from '../odata/error-map.js';
import { PUBLIC } from '../openapi/security.js';
import { routeSchema, textAnswer } from '../plugins/zod-schemas.js';
import { FAVICON_ICO } from './favicon.js';

export interface PortalOptions {
  /** The folder scripts/build-portal.mjs writes: index.html and assets/portal-<hash>.{js,css}. */
  readonly dir: string;
}

/**
 * The portal's pages may run only the bundled script and style from this origin: an injected
 * <script> or inline handler does nothing, and no other site may frame the page (clickjacking).
 */
export const PORTAL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

function security(reply: FastifyReply): FastifyReply {
  return reply.header('content-security-policy', PORTAL_CSP).header('x-frame-options', 'DENY');
}

/** Serves the built portal at / from memory: a few small files, read once at start. */
export async function portalRoutes(app: FastifyInstance, opts: PortalOptions): Promise<void> {
  const index = join(opts.dir, 'index.html');
  const page = routeSchema({
    security: PUBLIC,
    tags: ['operations'],
    summary: 'The web portal',
    response: { 200: textAnswer('text/html', 'The portal’s page.'), 503: odataErrorBody },
  });
  const icon = routeSchema({ security: PUBLIC, tags: ['operations'], summary: 'The portal’s icon', response: { 200: textAnswer('image/x-icon', 'An ICO holding a 32 px PNG.') } });
  app.get('/favicon.ico', { schema: icon }, async (_req, reply) => reply.header('cache-control', 'public, max-age=86400').type('image/x-icon').send(FAVICON_ICO));
  if (!existsSync(index)) {
    app.log.warn({ dir: opts.dir }, 'the portal is not built; / answers 503 until `npm run build` has run');
    app.get('/', { schema: page }, async (_req, reply) =>
      reply.code(503).send(odataError('PortalNotBuilt', 'The web portal has not been built on this server; run `npm run build` (or `npm ci`) and restart. The API under /api works.')),
    );
    return;
  }
  const html = readFileSync(index);
  const assets = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(join(opts.dir, 'assets'))) {
    const type = TYPES[name.slice(name.lastIndexOf('.') + 1)];
    if (type) assets.set(name, { body: readFileSync(join(opts.dir, 'assets', name)), type });
  }

  // Revalidated on every load, so a new build's hashed names reach browsers at once.
  app.get('/', { schema: page }, async (_req, reply) => security(reply).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html));

  const asset = routeSchema({
    security: PUBLIC,
    tags: ['operations'],
    summary: 'A file of the portal (content-hashed name, cached for a year)',
    params: z.object({ name: z.string() }),
    response: { 200: textAnswer('text/javascript', 'The script or (text/css) the style sheet.'), 404: odataErrorBody },
  });
  app.get<{ Params: { name: string } }>('/assets/:name', { schema: asset }, async (req, reply) => {
    const file = assets.get(req.params.name);
    if (!file) return reply.code(404).send(odataError('NotFound', `There is no portal asset '${req.params.name}'; reload the page to get the current ones.`));
    // The name carries the content's hash: a changed file gets a new name, so this one never changes.
    return security(reply).header('cache-control', 'public, max-age=31536000, immutable').type(file.type).send(file.body);
  });
}
