import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The dependency rule of STYLE.md, checked on the source: domain <- ports <- app <- {http, cli};
 * adapters depend on ports and domain only; main.ts alone wires adapters in.
 */
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
}

/** The src/ layer an import lands in, or 'package' / 'node' for the outside world. */
function layerOf(file: string, spec: string): string {
  if (spec.startsWith('node:')) return 'node';
  if (!spec.startsWith('.')) return 'package';
  const target = relative(SRC, join(file, '..', spec));
  return target === 'main.js' ? 'main' : target.split('/')[0]!;
}

const ALLOWED: Record<string, readonly string[]> = {
  domain: ['domain'],
  ports: ['domain', 'ports'],
  app: ['domain', 'ports', 'app', 'node'],
  adapters: ['domain', 'ports', 'adapters', 'node', 'package'],
  http: ['domain', 'ports', 'app', 'http', 'config', 'node', 'package', 'main'],
  cli: ['domain', 'ports', 'app', 'cli', 'config', 'node', 'package', 'main'],
  config: ['domain', 'config', 'adapters', 'node', 'package'],
};

test('every import follows the dependency rule', () => {
  const broken: string[] = [];
  const all = files(SRC);
  assert.ok(all.length > 50, `only ${all.length} source files found under ${SRC}`);
  // The rule itself must bite: an adapter import from http would be refused.
  assert.equal(ALLOWED.http!.includes(layerOf(join(SRC, 'http/app.ts'), '../adapters/x.js')), false);
  for (const file of all) {
    const rel = relative(SRC, file);
    const layer = rel.includes('/') ? rel.split('/')[0]! : 'main';
    if (layer === 'main') continue; // the composition root may import anything
    for (const spec of imports(file)) {
      const to = layerOf(file, spec);
      if (!ALLOWED[layer]?.includes(to)) broken.push(`${rel} imports ${spec} (${layer} -> ${to})`);
    }
  }
  assert.deepEqual(broken, []);
});

/** The src/ file a relative import names, or null for a package or node: import. */
function target(file: string, spec: string): string | null {
  return spec.startsWith('.') ? join(file, '..', spec).replace(/\.js$/, '.ts') : null;
}

const KYSELY = join(SRC, 'adapters/store/kysely/');

/**
 * Inside the Kysely store, store-tx.ts builds the repositories and nothing there builds it: a
 * repository imports schema, query helpers and sql-traits.ts, never store-tx.ts nor another
 * repository. The stores (sqlite/, postgres/, copy-store.ts) are the ones that import store-tx.ts.
 */
function kyselyImportRefused(file: string, spec: string): boolean {
  const to = target(file, spec);
  if (to === null || !file.startsWith(KYSELY) || !to.startsWith(KYSELY)) return false;
  return to.endsWith('/store-tx.ts') || (file.endsWith('-repo.ts') && to.endsWith('-repo.ts'));
}

test('the Kysely repositories and store-tx.ts never import each other', () => {
  // The rule bites: a repository taking its traits from store-tx.ts, or one repository another.
  assert.equal(kyselyImportRefused(join(KYSELY, 'request-repo.ts'), './store-tx.js'), true);
  assert.equal(kyselyImportRefused(join(KYSELY, 'request-repo.ts'), './role-repo.js'), true);
  assert.equal(kyselyImportRefused(join(KYSELY, 'store-tx.ts'), './request-repo.js'), false);
  assert.equal(kyselyImportRefused(join(SRC, 'adapters/store/sqlite/sqlite-store.ts'), '../kysely/store-tx.js'), false);
  const broken = files(KYSELY).flatMap((f) => imports(f).filter((s) => kyselyImportRefused(f, s)).map((s) => `${relative(SRC, f)} imports ${s}`));
  assert.deepEqual(broken, []);
});

test('the domain reads no clock, no environment and no randomness', () => {
  const offenders = files(join(SRC, 'domain')).filter((f) => /Date\.now\(|new Date\(\)|process\.env|Math\.random/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders.map((f) => relative(SRC, f)), []);
});
