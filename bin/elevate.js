#!/usr/bin/env node
// The package's command. It runs the compiled CLI: `npm ci` builds dist/ through the prepare script.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/elevate.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('elevate: dist/ is missing; run `npm ci` (or `npm run build`) first.');
  process.exit(1);
}
await import(entry.href);
