import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The dependency rule of STYLE.md, checked on the source: domain <- ports <- app <- {http, cli};
 * adapters depend on ports and domain only; the composition root (main.ts and its parts in
 * composition/) alone wires adapters in, and nothing imports it but src/elevate.ts (the process
 * entry, which hands it to the CLI) and the tests.
 */
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
}

/** The layer a src/ file belongs to: its top folder, or 'root' for main.ts, elevate.ts and composition/. */
function layerOfFile(rel: string): string {
  return !rel.includes('/') || rel.startsWith('composition/') ? 'root' : rel.split('/')[0]!;
}

/** The src/ layer an import lands in, or 'package' / 'node' for the outside world. */
function layerOf(file: string, spec: string): string {
  if (spec.startsWith('node:')) return 'node';
  if (!spec.startsWith('.')) return 'package';
  return layerOfFile(relative(SRC, join(file, '..', spec)));
}

// No layer lists 'root': the composition root and the entry are imported by nobody in src/.
const ALLOWED: Record<string, readonly string[]> = {
  domain: ['domain'],
  ports: ['domain', 'ports'],
  app: ['domain', 'ports', 'app', 'node'],
  adapters: ['domain', 'ports', 'adapters', 'node', 'package'],
  http: ['domain', 'ports', 'app', 'http', 'config', 'wire', 'node', 'package'],
  cli: ['domain', 'ports', 'app', 'cli', 'config', 'wire', 'node', 'package'],
  // The wire contract (zod schemas and their types) the server, the CLI and the portal share: it
  // stands alone, so the portal can import its types without pulling in anything server-side.
  wire: ['wire', 'package'],
  config: ['domain', 'config', 'node', 'package'],
};

function importRefused(file: string, spec: string): boolean {
  return !ALLOWED[layerOfFile(relative(SRC, file))]?.includes(layerOf(file, spec));
}

test('every import follows the dependency rule', () => {
  const broken: string[] = [];
  const all = files(SRC);
  assert.ok(all.length > 50, `only ${all.length} source files found under ${SRC}`);
  // The rule itself must bite: an adapter import from http would be refused, and so would each
  // seal of the composition root (Core and the LDAP check once came to http and cli from main.ts,
  // and config borrowed the LDAP schema and the database URL check from adapters).
  assert.equal(importRefused(join(SRC, 'http/app.ts'), '../adapters/x.js'), true);
  assert.equal(importRefused(join(SRC, 'http/app.ts'), '../main.js'), true);
  assert.equal(importRefused(join(SRC, 'cli/commands/directory.ts'), '../../main.js'), true);
  assert.equal(importRefused(join(SRC, 'cli/run.ts'), '../elevate.js'), true);
  // The parts of the composition root are sealed as main.ts is.
  assert.equal(importRefused(join(SRC, 'http/app.ts'), '../composition/open-core.js'), true);
  assert.equal(importRefused(join(SRC, 'cli/commands/db.ts'), '../../composition/store-admin.js'), true);
  assert.equal(importRefused(join(SRC, 'app/core.ts'), '../composition/logger.js'), true);
  assert.equal(importRefused(join(SRC, 'adapters/store/copy-store.ts'), '../../composition/open-store.js'), true);
  assert.equal(importRefused(join(SRC, 'config/schema.ts'), '../adapters/directory/ldap/ldap-config.js'), true);
  assert.equal(importRefused(join(SRC, 'app/core.ts'), '../config/schema.js'), true);
  assert.equal(importRefused(join(SRC, 'cli/with-core.ts'), '../app/core.js'), false);
  assert.equal(importRefused(join(SRC, 'wire/mim.ts'), '../domain/request/request.js'), true);
  for (const file of all) {
    const rel = relative(SRC, file);
    if (layerOfFile(rel) === 'root') continue; // the composition root may import anything
    for (const spec of imports(file)) {
      if (importRefused(file, spec)) broken.push(`${rel} imports ${spec} (${layerOfFile(rel)} -> ${layerOf(file, spec)})`);
    }
  }
  assert.deepEqual(broken, []);
});

/** Re-exports of adapters: what once let the CLI reach the LDAP adapter through main.ts. */
function adapterReExports(text: string): string[] {
  return [...text.matchAll(/^export\s[^;]*?from\s*'([^']*\/adapters\/[^']*)'/gm)].map((m) => m[1]!);
}

test('the composition root hands out services, never adapter modules', () => {
  assert.deepEqual(adapterReExports("export { checkDirectory } from './adapters/directory/ldap/directory-check.js';"), ['./adapters/directory/ldap/directory-check.js']);
  assert.deepEqual(adapterReExports("export type { Core } from './app/core.js';\nimport { x } from './adapters/y.js';"), []);
  const roots = files(SRC).filter((f) => layerOfFile(relative(SRC, f)) === 'root');
  assert.ok(roots.some((f) => f.endsWith('/main.ts')), 'src/main.ts not found');
  assert.ok(roots.some((f) => f.endsWith('/composition/open-core.ts')), 'src/composition/open-core.ts not counted as the composition root');
  assert.deepEqual(roots.flatMap((f) => adapterReExports(readFileSync(f, 'utf8')).map((s) => `${relative(SRC, f)} re-exports ${s}`)), []);
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

/** Every cycle of the graph, each as the files along it (Tarjan's strongly connected components). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

test('no two source files depend on each other, however far round', () => {
  // Type-only imports count: a type that runs back up a layer is the start of a knot.
  assert.deepEqual(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]])), [['a', 'b', 'c']]);
  assert.deepEqual(cycles(new Map([['a', ['a']]])), [['a']]);
  assert.deepEqual(cycles(new Map([['a', ['b']], ['b', []]])), []);
  const all = files(SRC);
  const known = new Set(all);
  const graph = new Map(all.map((f) => [f, imports(f).map((s) => target(f, s)).filter((t): t is string => t !== null && known.has(t))]));
  assert.ok([...graph.values()].some((to) => to.length > 0), 'no imports between source files were found');
  assert.deepEqual(cycles(graph).map((c) => c.map((f) => relative(SRC, f))), []);
});

test('the domain reads no clock, no environment and no randomness', () => {
  const offenders = files(join(SRC, 'domain')).filter((f) => /Date\.now\(|new Date\(\)|process\.env|Math\.random/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders.map((f) => relative(SRC, f)), []);
});
