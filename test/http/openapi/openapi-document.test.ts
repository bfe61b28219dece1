import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { FastifyInstance } from 'fastify';
import { basic, makeApp, type TestApp } from '../../support/harness.js';

type Doc = { openapi: string; paths: Record<string, Record<string, { security?: unknown[]; responses?: Record<string, unknown> }>> };

let t: TestApp;
let doc: Doc;

/** Every route the router holds, from its printed tree: `{ method, url }` with `:param` segments. */
function registeredRoutes(app: FastifyInstance): { method: string; url: string }[] {
  const out: { method: string; url: string }[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    for (const method of (m[3] ?? '').split(', ').filter((x) => x && x !== 'HEAD')) out.push({ method, url: stack.join('') });
  }
  return out;
}

const openapiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

before(async () => {
  t = await makeApp();
  const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
  assert.equal(res.statusCode, 200, res.body);
  doc = res.json();
});
after(() => t.destroy());

test('the document is valid OpenAPI 3.1 (checked by a standard validator)', async () => {
  assert.equal(doc.openapi, '3.1.0');
  const result = await new Validator().validate(doc as never);
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2)?.slice(0, 4000));
});

test('every route the server answers is in the document, or is a 405 telling which methods the path takes', async () => {
  const routes = registeredRoutes(t.app);
  assert.ok(routes.length > 60, `only ${routes.length} routes parsed`);
  const undocumented: string[] = [];
  for (const r of routes) {
    // CORS preflights (OPTIONS *) are the CORS plugin's, answered for listed origins only.
    if (r.method === 'OPTIONS' || doc.paths[openapiPath(r.url)]?.[r.method.toLowerCase()]) continue;
    // Not documented: it must be a method-not-allowed answer for a documented path.
    const url = r.url.replace(":key", "pamrequests(guid'00000000-0000-0000-0000-000000000001')").replace(':action', 'Close').replace(/:\w+/g, 'x');
    const res = await t.app.inject({ method: r.method as 'GET', url, headers: basic('admin') });
    if (res.statusCode !== 405) undocumented.push(`${r.method} ${r.url} (${res.statusCode})`);
  }
  assert.deepEqual(undocumented, []);
});

test('every documented operation has a summary, a tag and a documented answer (a route without a schema fails here)', () => {
  const bare: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops) as [string, { summary?: string; tags?: string[]; responses?: Record<string, { description?: string }> }][]) {
      const responses = Object.values(op.responses ?? {});
      if (!op.summary || !op.tags?.length || responses.length === 0 || responses.some((r) => r.description === 'Default Response')) bare.push(`${method.toUpperCase()} ${path}`);
    }
  }
  assert.deepEqual(bare, []);
});

test('the document is public but, like everything, answers only at an allowed host', async () => {
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/openapi.json', headers: { host: 'evil.example' } })).statusCode, 421);
});
