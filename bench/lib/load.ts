import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { type Summary, summarize } from './stats.js';

export interface LoadSpec {
  /** Several URLs (nodes serving one store): autocannon spreads the connections over them. */
  readonly url: string | readonly string[];
  readonly path: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly connections: number;
  /** Seconds of load before measuring: connections are opened and served once before the clock starts. */
  readonly warmupS: number;
  /** Seconds measured after the warm-up. */
  readonly durationS: number;
  /** Builds each request's path (e.g. one approval id per request); null when there is nothing left to send. */
  readonly nextPath?: () => string | null;
  /** Server processes whose CPU time to count over the measured window. */
  readonly pids?: readonly number[];
  /** Builds each request's credentials and body (e.g. many people creating requests). */
  readonly nextRequest?: () => { headers: Record<string, string>; body: string };
  /** Send at most this many requests (the run still ends at warmupS + durationS). */
  readonly amount?: number;
}

export interface LoadResult {
  /** 2xx responses per second completed inside the measured window. */
  readonly rps: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly elapsedS: number;
  /** Latency of the 2xx responses to requests sent inside the measured window, in ms at sub-millisecond resolution. */
  readonly latency: Summary;
  readonly statusCodes: Record<string, number>;
  /**
   * CPU time the server processes (`pids`) spent per 2xx response in the measured window, in µs:
   * unlike req/s, it hardly changes when other work shares the cores. NaN without pids.
   */
  readonly cpuUsPerRequest: number;
}

/** Clock ticks (1/100 s on Linux) a process has run, user and system, from /proc/<pid>/stat. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * Drives `spec` with autocannon on loopback and times every response itself (autocannon's own
 * histogram keeps whole milliseconds). One autocannon run covers warm-up and measurement so the
 * connections measured are already established: an overloaded Node server accepts new connections
 * slowly, and counting those first requests would measure the ramp rather than the steady state.
 */
export async function load(spec: LoadSpec): Promise<LoadResult> {
  const samples: number[] = [];
  const statusCodes: Record<string, number> = {};
  let ok = 0;
  let non2xx = 0;
  const totalS = spec.warmupS + spec.durationS;
  const opts: autocannon.Options = {
    // autocannon takes an array of URLs too (its typings say string only).
    url: (typeof spec.url === 'string' ? spec.url + spec.path : spec.url.map((u) => u + spec.path)) as string,
    method: spec.method ?? 'GET',
    connections: spec.connections,
    headers: spec.headers ?? {},
    ...(spec.body !== undefined && { body: spec.body }),
    timeout: 30,
    ...(spec.amount !== undefined ? { amount: spec.amount } : { duration: totalS }),
  };
  if (spec.nextPath) {
    const next = spec.nextPath;
    opts.requests = [
      {
        setupRequest: (req) => {
          const path = next();
          // autocannon may build one request more per connection than it sends; a spent pool sends a harmless 404.
          return { ...req, path: path ?? "/api/pamresources/pamrequeststoapprove(guid'00000000-0000-4000-8000-000000000000')/Approve" };
        },
      },
    ];
  }
  if (spec.nextRequest) {
    const next = spec.nextRequest;
    opts.requests = [{ setupRequest: (req) => ({ ...req, ...next(), path: spec.path }) }];
  }
  const pids = spec.pids ?? [];
  const cpuNow = () => pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);
  let cpuFrom = Number.NaN;
  const cpuStart = setTimeout(() => (cpuFrom = cpuNow()), spec.warmupS * 1000);
  const t0 = performance.now();
  const from = t0 + spec.warmupS * 1000;
  const to = t0 + totalS * 1000;
  let last = from;
  let timer: NodeJS.Timeout | null = null;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(opts, (err: unknown, res: autocannon.Result) => (err ? reject(err) : resolve(res)));
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      const now = performance.now();
      if (now < from || now > to) return;
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) {
        ok++;
        last = now;
        if (now - responseTime >= from) samples.push(responseTime);
      } else non2xx++;
    });
    // With `amount`, autocannon has no clock of its own: stop it at the fixed time.
    if (spec.amount !== undefined) timer = setTimeout(() => instance.stop(), totalS * 1000);
  });
  if (timer) clearTimeout(timer);
  clearTimeout(cpuStart);
  const cpuTicksUsed = cpuNow() - cpuFrom;
  // A run with `amount` may finish its pool early: count its rate over the time it really ran.
  const elapsedS = spec.amount !== undefined ? Math.max(0.001, (last - from) / 1000) : spec.durationS;
  return {
    rps: ok / elapsedS,
    ok,
    non2xx,
    errors: result.errors + result.timeouts,
    elapsedS,
    latency: summarize(samples),
    statusCodes,
    cpuUsPerRequest: pids.length && ok ? (cpuTicksUsed * 10_000) / ok : Number.NaN,
  };
}

export function basicAuth(login: string, password: string): string {
  return `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
}

/** One keep-alive connection making requests one after another, for latency at sub-millisecond resolution. */
export class SequentialClient {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 1 });
  constructor(private readonly base: string) {}

  /** Sends a GET and returns status, body and the time from sending to the last byte, in ms. */
  get(path: string, headers: Record<string, string>): Promise<{ status: number; body: string; ms: number }> {
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = request(this.base + path, { agent: this.#agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
