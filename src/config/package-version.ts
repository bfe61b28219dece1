import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Elevate's version, from the nearest package.json named `elevate` above this file: the build
 * lands under dist/ for the server and under bench/.build/ for the benchmarks, at different depths.
 */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++, dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'elevate') return pkg.version ?? '0.0.0';
    }
  }
  return '0.0.0';
}
