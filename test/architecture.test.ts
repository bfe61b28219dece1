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

test('the domain reads no clock, no environment and no randomness', () => {
  const offenders = files(join(SRC, 'domain')).filter((f) => /Date\.now\(|new Date\(\)|process\.env|Math\.random/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders.map((f) => relative(SRC, f)), []);
});
