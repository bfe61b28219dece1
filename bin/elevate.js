#!/usr/bin/env -S node --max-semi-space-size=2
// The flag caps V8's young generation at 2 MB per semi-space: left alone it grows to 16 MB each
// during start-up and is never given back, a fifth of an idle server's memory (docs/benchmarks.md,
// "Idle memory"). V8 reads it only from the command line, hence here; `npm start` passes it too.
// The package's command. It runs the compiled CLI: `npm ci` builds dist/ through the prepare script.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Elevate runs on Node 24 (its SQLite driver crashes older ones): npm ci installs it as the package
// `node`, and npm start, npm test and npx elevate put it first on PATH. Say so instead of crashing.
if (Number(process.versions.node.split('.')[0]) < 24) {
  console.error(`elevate: needs Node 24 or newer, this is ${process.version}; use node_modules/.bin/node (npm ci installs it), npx elevate or npm start.`);
  process.exit(1);
}
const entry = new URL('../dist/src/elevate.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('elevate: dist/ is missing; run `npm ci` (or `npm run build`) first.');
  process.exit(1);
}
await import(entry.href);
