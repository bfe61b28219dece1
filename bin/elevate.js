#!/usr/bin/env -S node --max-semi-space-size=2
// The flag caps V8's young generation at 2 MB per semi-space: left alone it grows to 16 MB each
// during start-up and is never given back, a fifth of an idle server's memory (docs/benchmarks.md,
// "Idle memory"). V8 reads it only from the command line, hence here; `npm start` passes it too.
// The package's command. It runs the compiled CLI: `npm ci` builds dist/ through the prepare script.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Elevate runs on Node 24 (its SQLite driver crashes older ones). npm ci installs it beside Elevate
// as the npm package `node`; npm start, npm test and npx put it first on PATH. Started by an older
// Node (a host whose own is 20, through this file's shebang), run again on that one.
if (Number(process.versions.node.split('.')[0]) < 24) {
  const bundled = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
  if (!existsSync(bundled)) {
    console.error(`elevate: needs Node 24 or newer, this is ${process.version}; run npm ci, which installs it.`);
    process.exit(1);
  }
  const { spawnSync } = await import('node:child_process');
  const args = [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)];
  const run = spawnSync(bundled, args, { stdio: 'inherit' });
  if (run.error) throw run.error;
  if (run.signal) process.kill(process.pid, run.signal);
  process.exit(run.status ?? 1);
}
const entry = new URL('../dist/src/elevate.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('elevate: dist/ is missing; run `npm ci` (or `npm run build`) first.');
  process.exit(1);
}
await import(entry.href);
