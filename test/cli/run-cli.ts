import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { TEST_MFA_KEY } from '../support/harness.js';

/** The compiled CLI, as `bin/elevate.js` runs it. */
export const CLI = fileURLToPath(new URL('../../src/elevate.js', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `elevate ...args` in a child process. The parent's ELEVATE_* variables are dropped so a
 * developer's shell cannot change what a test sees. Asynchronous on purpose: some tests answer the
 * child from a server in this very process.
 */
export function runCli(args: readonly string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ELEVATE_')) env[k] = v;
  Object.assign(env, opts.env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** Like runCli, but fails the test unless the command succeeds; returns parsed --json output. */
export async function cliJson<T = any>(args: readonly string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<T> {
  const r = await runCli([...args, '--json'], opts);
  if (r.code !== 0) throw new Error(`elevate ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** A fresh temporary directory, removed when the test ends. */
export function tempDir(t: TestContext, prefix = 'elevate-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * The `elevate` flags and environment that open a test store: its data directory, or on PostgreSQL
 * runs (ELEVATE_TEST_STORE) its database, with the MFA key every node of a database shares.
 */
export function storeFlags(store: { readonly dataDir: string; readonly database: string | undefined }): { args: string[]; env: Record<string, string> } {
  return store.database === undefined ? { args: ['--data', store.dataDir], env: {} } : { args: ['--database', store.database], env: { ELEVATE_MFA_KEY: TEST_MFA_KEY } };
}
