// Bundles the portal (portal/src, Preact + TSX) into portal/build: one content-hashed JS file, one
// content-hashed CSS file and index.html naming them. Run by `npm ci` (prepare) and scripts/test.sh.
// Type errors are caught by `tsc -p portal/tsconfig.json`, which runs before this; esbuild only strips types.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../portal/', import.meta.url));
const out = `${root}build/`;

const result = await build({
  entryPoints: [`${root}src/main.tsx`, `${root}src/styles.css`],
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'esm',
  target: ['es2022'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  write: false,
  outdir: out,
  logLevel: 'warning',
  legalComments: 'none',
});

rmSync(out, { recursive: true, force: true });
mkdirSync(`${out}assets`, { recursive: true });
const names = {};
for (const f of result.outputFiles) {
  const ext = f.path.endsWith('.css') ? 'css' : 'js';
  // The hash names the content, so the server can let browsers keep these files for a year.
  const hash = createHash('sha256').update(f.contents).digest('hex').slice(0, 12);
  const name = `portal-${hash}.${ext}`;
  writeFileSync(`${out}assets/${name}`, f.contents);
  names[ext] = name;
}
if (!names.js || !names.css) throw new Error('esbuild produced no JS or no CSS for the portal');
const html = readFileSync(`${root}index.html`, 'utf8').replace('%JS%', `/assets/${names.js}`).replace('%CSS%', `/assets/${names.css}`);
writeFileSync(`${out}index.html`, html);
console.log(`portal built: ${names.js}, ${names.css}`);
