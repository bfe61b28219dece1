// `npm run bench [-- --quick]`: Elevate's benchmarks (issue 7). Prints a table and writes bench/results.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Context } from './lib/context.js';
import { round } from './lib/stats.js';
import { type ApiFigures, apiScenarios } from './scenarios/api.js';
import { type ScaleFigures, scaleScenarios } from './scenarios/scale.js';

// This file runs as bench/.build/bench/run.js (see bench/tsconfig.json).
const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function parseArgs(argv: string[]): { quick: boolean; root: string; only: string | null; profile: boolean } {
  let quick = false;
  let profile = false;
  let root = join(BENCH_DIR, '.data');
  let only: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--data') root = resolve(argv[++i] ?? '');
    else if (a === '--only') {
      only = argv[++i] ?? '';
      if (only !== 'api' && only !== 'scale') throw new Error('--only takes api (scenarios 1, 4 and idle memory) or scale (2, 3 and loaded memory)');
    }
    else if (a === '--profile') profile = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run bench [-- --quick] [--data DIR] [--only api|scale] [--profile]\n'
        + '  --profile writes a V8 CPU profile of every Elevate server process to DIR/profiles\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return { quick, root, only, profile };
}

const args = parseArgs(process.argv.slice(2));
const started = performance.now();
const elapsed = () => ((performance.now() - started) / 1000).toFixed(1).padStart(6);
const ctx: Context = {
  quick: args.quick,
  root: args.root,
  connections: 50,
  durableConnections: 10,
  loadS: args.quick ? 5 : 10,
  warmupS: args.quick ? 2 : 3,
  rawS: args.quick ? 2 : 5,
  historyRows: args.quick ? 100_000 : 1_000_000,
  users: args.quick ? 1_000 : 10_000,
  expiries: args.quick ? 10_000 : 100_000,
  historyQueries: args.quick ? 500 : 2_000,
  serverNodeArgs: args.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(args.root, 'profiles')}`] : [],
  step: (msg) => process.stdout.write(`[${elapsed()} s] ${msg}\n`),
};
mkdirSync(ctx.root, { recursive: true });

const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryMB: Math.round(totalmem() / 2 ** 20),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  /** The 1-minute load average before the run: anything well above 0 means other work shared the cores. */
  loadAvgAtStart: round(loadavg()[0]!),
  loadAvgAtEnd: 0,
};
ctx.step(`Elevate benchmarks${ctx.quick ? ' (--quick: reduced sizes)' : ''}: ${machine.cores} cores, ${machine.memoryMB} MB, Node ${machine.node}, data under ${ctx.root}`);
ctx.step('Stores: sqlite. PostgreSQL: skipped, Elevate has no PostgreSQL store yet.');
if (machine.loadAvgAtStart > 0.5) {
  ctx.step(`warning: load average ${machine.loadAvgAtStart} before starting: other processes share the cores and will skew the figures`);
}

const api: ApiFigures | null = args.only === null || args.only === 'api' ? await apiScenarios(ctx) : null;
const scale: ScaleFigures | null = args.only === null || args.only === 'scale' ? await scaleScenarios(ctx) : null;

// ---- results.json -------------------------------------------------------------------------------
const n = (x: number | undefined) => (x === undefined ? null : round(x));
const sqlite = {
  ...(api && {
    nodeHttpRps: n(api.nodeHttp.rps),
    nodeHttpP50Ms: n(api.nodeHttp.latency.p50),
    nodeHttpP99Ms: n(api.nodeHttp.latency.p99),
    getRolesRps: n(api.getRoles.rps),
    getRolesP50Ms: n(api.getRoles.latency.p50),
    getRolesP99Ms: n(api.getRoles.latency.p99),
    activeFilterRps: n(api.activeFilter.rps),
    activeFilterP50Ms: n(api.activeFilter.latency.p50),
    activeFilterP99Ms: n(api.activeFilter.latency.p99),
    createRps: n(api.create.rps),
    createP50Ms: n(api.create.latency.p50),
    createP99Ms: n(api.create.latency.p99),
    approveRps: n(api.approve.rps),
    approveP50Ms: n(api.approve.latency.p50),
    approveP99Ms: n(api.approve.latency.p99),
    responseBytes: api.bodyBytes,
    connections: ctx.connections,
    loadSeconds: ctx.loadS,
    durableCreatesPerS: n(api.durableCreates.rps),
    durableCreateP99Ms: n(api.durableCreates.latency.p99),
    rawDurableInsertsPerS: n(api.rawDurable.perS),
    idleRssMB: n(api.idleRssMB),
    apiLoadedRssMB: n(api.loadedRssMB),
  }),
  ...(scale && {
    historyRows: scale.seeded.requests,
    historyP50Ms: n(scale.history.p50),
    historyP99Ms: n(scale.history.p99),
    historyUsesIndex: scale.historyUsesIndex,
    historyBusiestUserP99Ms: n(scale.heavyUser.p99),
    pendingListP50Ms: n(scale.pending.p50),
    pendingListP99Ms: n(scale.pending.p99),
    pendingListUsesIndex: scale.pendingUsesIndex,
    expiryCount: scale.expiry.count,
    expiryAllRevokedS: n(scale.expiry.allRevokedS),
    expiryFirstRevokeMs: n(scale.expiry.firstRevokeAfterMs),
    expiryLatenessP50Ms: n(scale.expiry.observed.p50),
    expiryLatenessP99Ms: n(scale.expiry.observed.p99),
    expiryLatenessMaxMs: n(scale.expiry.observed.max),
    expirySchedulerLatenessP50Ms: n(scale.expiry.scheduler.p50),
    expirySchedulerLatenessP99Ms: n(scale.expiry.scheduler.p99),
    expirySchedulerLatenessMaxMs: n(scale.expiry.scheduler.max),
    loadedRssMB: n(scale.loadedRssMB),
    largeStoreIdleRssMB: n(scale.bigIdleRssMB),
  }),
};

// ---- the table ----------------------------------------------------------------------------------
type Row = [scenario: string, figure: string, value: string, baseline: string, ratio: string, target: string, met: string];
const rows: Row[] = [];
const targets: Record<string, boolean> = {};
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 10 ? 2 : 1)} ms`);
const rps = (x: number) => `${Math.round(x).toLocaleString('en')}/s`;
const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(0)}%`;
const met = (key: string, ok: boolean) => ((targets[key] = ok), ok ? 'yes' : 'NO');

if (api) {
  const base = api.nodeHttp;
  const load = (name: string, r: ApiFigures['getRoles']) => {
    rows.push(['1 API', `${name} req/s`, rps(r.rps), `${rps(base.rps)} node:http`, pct(r.rps, base.rps), '', '']);
    rows.push(['', `${name} p50 / p99`, `${ms(r.latency.p50)} / ${ms(r.latency.p99)}`, `${ms(base.latency.p50)} / ${ms(base.latency.p99)}`, '', '', '']);
  };
  rows.push(['1 API', `bare node:http, ${api.bodyBytes} B JSON`, rps(base.rps), '(ceiling)', '', '', '']);
  rows.push(['1 API', 'GET pamroles req/s', rps(api.getRoles.rps), `${rps(base.rps)} node:http`, pct(api.getRoles.rps, base.rps), '>= 60%', met('getRolesRps', api.getRoles.rps >= 0.6 * base.rps)]);
  rows.push(['', 'GET pamroles p50 / p99', `${ms(api.getRoles.latency.p50)} / ${ms(api.getRoles.latency.p99)}`, `${ms(base.latency.p50)} / ${ms(base.latency.p99)}`, '', 'p99 < 20 ms', met('getRolesP99', api.getRoles.latency.p99 < 20)]);
  load(`GET pamrequests active filter (${api.activeFilterRows} rows)`, api.activeFilter);
  load('POST pamrequests (create)', api.create);
  load(`Approve (pool ${api.approvePool})`, api.approve);
  rows.push(['4 Durable', 'creates/s (POST, no approval)', rps(api.durableCreates.rps), `${rps(api.rawDurable.perS)} raw insert`, pct(api.durableCreates.rps, api.rawDurable.perS), '>= 50%', met('durableCreates', api.durableCreates.rps >= 0.5 * api.rawDurable.perS)]);
  rows.push(['5 Memory', 'RSS idle (demo store)', `${api.idleRssMB.toFixed(1)} MB`, '', '', '< 100 MB', met('idleRss', api.idleRssMB < 100)]);
  rows.push(['', 'RSS after the scenario 1 load', `${api.loadedRssMB.toFixed(1)} MB`, '', '', '', '']);
}
if (scale) {
  const h = scale.history;
  rows.push(['2 History', `rows in store`, scale.seeded.requests.toLocaleString('en'), '', '', '', '']);
  rows.push(['', `one user, one month p50 / p99 (${h.meanRows.toFixed(0)} rows avg)`, `${ms(h.p50)} / ${ms(h.p99)}`, '', '', 'p99 < 20 ms', met('historyP99', h.p99 < 20)]);
  rows.push(['', `busiest user (${scale.heavyUser.requests} req) p50 / p99`, `${ms(scale.heavyUser.p50)} / ${ms(scale.heavyUser.p99)}`, '', '', '', '']);
  rows.push(['', 'history query uses an index', scale.historyUsesIndex ? 'yes' : 'no', '', '', 'no full scan', met('historyUsesIndex', scale.historyUsesIndex)]);
  rows.push(['', `approver's pending list p50 / p99 (${scale.pending.meanRows.toFixed(0)} rows)`, `${ms(scale.pending.p50)} / ${ms(scale.pending.p99)}`, '', '', '', '']);
  rows.push(['', 'pending list uses indexes', scale.pendingUsesIndex ? 'yes' : 'no', '', '', 'no full scan', met('pendingUsesIndex', scale.pendingUsesIndex)]);
  const e = scale.expiry;
  rows.push(['3 Expiry', `${e.count.toLocaleString('en')} due in one second: all revoked after`, `${e.allRevokedS.toFixed(2)} s`, '', '', '<= 10 s', met('expiryAllRevoked', e.allRevokedS <= 10)]);
  rows.push(['', 'lateness p50 / p99 / max (commit seen)', `${ms(e.observed.p50)} / ${ms(e.observed.p99)} / ${ms(e.observed.max)}`, '', '', 'p99 < 5 s', met('expiryLatenessP99', e.observed.p99 < 5000)]);
  rows.push(['', "lateness p50 / p99 / max (scheduler's)", `${ms(e.scheduler.p50)} / ${ms(e.scheduler.p99)} / ${ms(e.scheduler.max)}`, '', '', '', '']);
  rows.push(['5 Memory', 'RSS after scenarios 2 and 3', `${scale.loadedRssMB.toFixed(1)} MB`, `${scale.bigIdleRssMB.toFixed(1)} MB idle on it`, '', '', '']);
}

const header: Row = ['Scenario', 'Figure (sqlite)', 'Value', 'Baseline', 'Ratio', 'Target', 'Met'];
const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
const line = (r: Row) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
process.stdout.write(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`);
process.stdout.write('PostgreSQL: not run (no PostgreSQL store exists yet).\n');
if (ctx.quick) process.stdout.write('--quick: sizes are reduced (targets are stated for the full sizes).\n');

const totalS = (performance.now() - started) / 1000;
machine.loadAvgAtEnd = round(loadavg()[0]!);
process.stdout.write(`Load average: ${machine.loadAvgAtStart} at start, ${machine.loadAvgAtEnd} at end (${machine.cores} cores).\n`);
const results = {
  quick: ctx.quick,
  machine,
  sqlite,
  postgresql: null,
  notes: ['PostgreSQL: not run, Elevate has no PostgreSQL store yet.'],
  targetsMet: targets,
  sizes: { historyRows: ctx.historyRows, users: ctx.users, expiries: ctx.expiries, loadSeconds: ctx.loadS, connections: ctx.connections },
  runAt: new Date().toISOString(),
  runSeconds: round(totalS),
};
// A partial run (--only) leaves the last complete results alone.
const out = args.only === null ? join(BENCH_DIR, 'results.json') : join(ctx.root, `results-${args.only}.json`);
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`\nWrote ${out} in ${totalS.toFixed(0)} s total.\n`);
