import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The compiled CLI (`elevate`), as `npx elevate serve` runs it; built with the benchmarks into bench/.build. */
export const CLI = fileURLToPath(new URL('../../src/elevate.js', import.meta.url));
/** The package's command, whose first line holds the flags node runs Elevate with. */
const BIN = fileURLToPath(new URL('../../../../bin/elevate.js', import.meta.url));

/**
 * The node flags on `bin/elevate.js`'s `#!/usr/bin/env -S node ...` line: the server is measured
 * as `elevate serve` runs it. ELEVATE_BENCH_NODE_ARGS replaces them (e.g. empty, to measure the cost).
 */
export function shippedNodeArgs(): string[] {
  const override = process.env['ELEVATE_BENCH_NODE_ARGS'];
  if (override !== undefined) return override.split(' ').filter(Boolean);
  const first = readFileSync(BIN, 'utf8').split('\n', 1)[0]!;
  const m = /^#!\/usr\/bin\/env -S node((?: --[\w-]+(?:=\S+)?)*)\s*$/.exec(first);
  if (!m) throw new Error(`unexpected first line in ${BIN}: ${first}`);
  return m[1]!.split(' ').filter(Boolean);
}

/** The bare node:http server that answers every request with one fixed JSON body. */
export const NODE_HTTP_SERVER = fileURLToPath(new URL('../node-http-server.js', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface Proc {
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resident set size in MB, from /proc/<pid>/status (VmRSS). */
  rssMB(): number;
  /** The process's log so far (stdout and stderr go to a file, so logging costs what it costs in production). */
  log(): string;
  stop(): Promise<void>;
}

export function rssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) / 1024;
}

async function startProc(args: string[], env: NodeJS.ProcessEnv, logFile: string, port: number, ready: string): Promise<Proc> {
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const log = () => readFileSync(logFile, 'utf8');
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}:\n${log().slice(-4000)}`);
    try {
      if ((await fetch(url + ready)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${args.join(' ')} did not answer within 120 s:\n${log().slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    pid: child.pid!,
    child,
    rssMB: () => rssMB(child.pid!),
    log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** `elevate serve` in its own process, with the shipped defaults (log level info, WAL, synchronous=FULL). */
export async function startElevate(opts: {
  dataDir: string;
  /** A PostgreSQL URL: serve from it (`--database`) rather than from the embedded store in dataDir. */
  database?: string | null;
  logFile: string;
  demo?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Extra flags for node itself, e.g. `--cpu-prof` (NODE_OPTIONS refuses it). */
  nodeArgs?: readonly string[];
  /** A config file for `serve --config`. */
  configFile?: string;
}): Promise<Proc> {
  const port = await freePort();
  const args = [...shippedNodeArgs(), ...(opts.nodeArgs ?? []), CLI, 'serve', '--port', String(port), '--data', opts.dataDir, ...(opts.database ? ['--database', opts.database] : []), ...(opts.demo ? ['--demo'] : []), ...(opts.configFile ? ['--config', opts.configFile] : [])];
  return startProc(args, { ELEVATE_TIME_ZONE: 'UTC', ...opts.env }, opts.logFile, port, '/healthz');
}

export const FASTIFY_LOGGED_SERVER = fileURLToPath(new URL('../fastify-logged-server.js', import.meta.url));

/** The framework's floor: Fastify with Elevate's logger and access log line, answering `bodyFile`. */
export async function startFastifyLogged(opts: { bodyFile: string; logFile: string }): Promise<Proc> {
  const port = await freePort();
  return startProc([FASTIFY_LOGGED_SERVER, String(port), opts.bodyFile], {}, opts.logFile, port, '/');
}

/** The ceiling: a bare node:http server in its own process returning `bodyFile` as JSON. */
export async function startNodeHttp(opts: { bodyFile: string; logFile: string }): Promise<Proc> {
  const port = await freePort();
  return startProc([NODE_HTTP_SERVER, String(port), opts.bodyFile], {}, opts.logFile, port, '/');
}
