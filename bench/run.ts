// `npm run bench [-- --quick]`: Elevate's benchmarks (issue 7). Prints a table and writes bench/results.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Context } from './lib/context.js';
import { type BenchPostgres, startBenchPostgres } from './lib/postgres.js';
import { round } from './lib/stats.js';
import { type StoreKind, type StoreTarget, postgresTarget, sqliteTarget } from './lib/store-target.js';
import { type ApiFigures, apiScenarios } from './scenarios/api.js';
import { type ScaleFigures, scaleScenarios } from './scenarios/scale.js';

// This file runs as bench/.build/bench/run.js (see bench/tsconfig.json).
const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Args {
  quick: boolean;
  root: string;
  only: string | null;
  profile: boolean;
  stores: StoreKind[];
}

function parseArgs(argv: string[]): Args {
  let stores: StoreKind[] = ['sqlite', 'postgres'];
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
    else if (a === '--store') {
      const v = argv[++i] ?? '';
      if (v !== 'sqlite' && v !== 'postgres') throw new Error('--store takes sqlite or postgres');
      stores = [v];
    }
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run bench [-- --quick] [--data DIR] [--only api|scale] [--store sqlite|postgres] [--profile]\n'
        + '  --profile writes a V8 CPU profile of every Elevate server process to DIR/profiles\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return { quick, root, only, profile, stores };
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
ctx.step(`Stores: ${args.stores.join(', ')}${args.stores.includes('postgres') ? ' (PostgreSQL: a throwaway durable server under the data directory; three nodes for expiry and creates)' : ''}`);
if (machine.loadAvgAtStart > 0.5) {
  ctx.step(`warning: load average ${machine.loadAvgAtStart} before starting: other processes share the cores and will skew the figures`);
}

interface StoreRun {
  readonly api: ApiFigures | null;
  readonly scale: ScaleFigures | null;
}

let postgres: BenchPostgres | null = null;
const stopPostgres = () => {
  const p = postgres;
  postgres = null;
  p?.stop();
};
process.once('SIGINT', () => {
  stopPostgres();
  process.exit(130);
});
const runs: Partial<Record<StoreKind, StoreRun>> = {};
let postgresInfo: { version: string; settings: Record<string, string> } | null = null;
try {
  for (const kind of args.stores) {
    let target: StoreTarget = sqliteTarget;
    if (kind === 'postgres') {
      postgres = await startBenchPostgres(join(ctx.root, 'pg'));
      ctx.step(`PostgreSQL ${postgres.version} started: ${Object.entries(postgres.settings).map(([k, v]) => `${k}=${v}`).join(', ')}`);
      postgresInfo = { version: postgres.version, settings: postgres.settings };
      target = postgresTarget(postgres);
    }
    const api = args.only === null || args.only === 'api' ? await apiScenarios(ctx, target) : null;
    const scale = args.only === null || args.only === 'scale' ? await scaleScenarios(ctx, target) : null;
    runs[kind] = { api, scale };
  }
} finally {
  stopPostgres();
}

// ---- results.json -------------------------------------------------------------------------------
const n = (x: number | undefined) => (x === undefined ? null : round(x));

function figures({ api, scale }: StoreRun) {
  return {
    ...(api && {
      nodeHttpRps: n(api.nodeHttp.rps),
      nodeHttpP50Ms: n(api.nodeHttp.latency.p50),
      nodeHttpP99Ms: n(api.nodeHttp.latency.p99),
      getRolesRps: n(api.getRoles.rps),
      getRolesP50Ms: n(api.getRoles.latency.p50),
      getRolesP99Ms: n(api.getRoles.latency.p99),
      // CPU per answer, server process only: the load-independent view of the same ratio.
      nodeHttpCpuUsPerRequest: n(api.nodeHttp.cpuUsPerRequest),
      fastifyLoggedRps: n(api.fastifyLogged.rps),
      fastifyLoggedCpuUsPerRequest: n(api.fastifyLogged.cpuUsPerRequest),
      getRolesCpuUsPerRequest: n(api.getRoles.cpuUsPerRequest),
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
      historyPlan: scale.historyPlan,
      pendingPlan: scale.pendingPlan,
      ...expiryFigures(scale.expiry),
      manyCreatorsCreatesPerS: n(scale.creates.rps),
      manyCreatorsCreateP50Ms: n(scale.creates.latency.p50),
      manyCreatorsCreateP99Ms: n(scale.creates.latency.p99),
      loadedRssMB: n(scale.loadedRssMB),
      largeStoreIdleRssMB: n(scale.bigIdleRssMB),
      ...(scale.threeNodes && {
        threeNodes: {
          nodes: scale.threeNodes.nodes,
          ...expiryFigures(scale.threeNodes.expiry),
          manyCreatorsCreatesPerS: n(scale.threeNodes.creates.rps),
          manyCreatorsCreateP50Ms: n(scale.threeNodes.creates.latency.p50),
          manyCreatorsCreateP99Ms: n(scale.threeNodes.creates.latency.p99),
          rssMB: scale.threeNodes.rssMB.map(round),
        },
      }),
    }),
  };
}

function expiryFigures(e: ScaleFigures['expiry']) {
  return {
    expiryCount: e.count,
    expiryRevoked: e.revoked,
    // null when the run gave up waiting (JSON has no Infinity).
    expiryAllRevokedS: Number.isFinite(e.allRevokedS) ? n(e.allRevokedS) : null,
    expiryFirstRevokeMs: n(e.firstRevokeAfterMs),
    expiryLatenessP50Ms: n(e.observed.p50),
    expiryLatenessP99Ms: n(e.observed.p99),
    expiryLatenessMaxMs: n(e.observed.max),
    expirySchedulerLatenessP50Ms: n(e.scheduler.p50),
    expirySchedulerLatenessP99Ms: n(e.scheduler.p99),
    expirySchedulerLatenessMaxMs: n(e.scheduler.max),
  };
}

// ---- the table ----------------------------------------------------------------------------------
type Row = [scenario: string, figure: string, value: string, baseline: string, ratio: string, target: string, met: string];
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 10 ? 2 : 1)} ms`);
const rps = (x: number) => `${Math.round(x).toLocaleString('en')}/s`;
const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(0)}%`;

/** The table of one store's run, and which targets it met (each a ratio against a baseline of the same run). */
function table({ api, scale }: StoreRun): { rows: Row[]; targets: Record<string, boolean> } {
  const rows: Row[] = [];
  const targets: Record<string, boolean> = {};
  const met = (key: string, ok: boolean) => ((targets[key] = ok), ok ? 'yes' : 'NO');
  if (api) {
    const base = api.nodeHttp;
    const load = (name: string, r: ApiFigures['getRoles']) => {
      rows.push(['1 API', `${name} req/s`, rps(r.rps), `${rps(base.rps)} node:http`, pct(r.rps, base.rps), '', '']);
      rows.push(['', `${name} p50 / p99`, `${ms(r.latency.p50)} / ${ms(r.latency.p99)}`, `${ms(base.latency.p50)} / ${ms(base.latency.p99)}`, '', '', '']);
    };
    rows.push(['1 API', `bare node:http, ${api.bodyBytes} B JSON`, rps(base.rps), '(ceiling)', '', '', '']);
    rows.push(['1 API', 'GET pamroles req/s', rps(api.getRoles.rps), `${rps(base.rps)} node:http`, pct(api.getRoles.rps, base.rps), '>= 60%', met('getRolesRps', api.getRoles.rps >= 0.6 * base.rps)]);
    rows.push(['', 'Fastify + access log line, same body, req/s', rps(api.fastifyLogged.rps), `${rps(base.rps)} node:http`, pct(api.fastifyLogged.rps, base.rps), '', '']);
    rows.push(['', 'GET pamroles server CPU per request', `${Math.round(api.getRoles.cpuUsPerRequest)} µs`, `${Math.round(base.cpuUsPerRequest)} µs node:http`, pct(base.cpuUsPerRequest, api.getRoles.cpuUsPerRequest), '', '']);
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
    const expiry = (label: string, e: ScaleFigures['expiry'], key: string) => {
      rows.push(['3 Expiry', `${label}${e.count.toLocaleString('en')} due in one second: all revoked after`, Number.isFinite(e.allRevokedS) ? `${e.allRevokedS.toFixed(2)} s` : `gave up, ${e.revoked.toLocaleString('en')} revoked`, '', '', '<= 10 s', met(`${key}AllRevoked`, e.allRevokedS <= 10)]);
      rows.push(['', 'lateness p50 / p99 / max (commit seen)', `${ms(e.observed.p50)} / ${ms(e.observed.p99)} / ${ms(e.observed.max)}`, '', '', 'p99 < 5 s', met(`${key}LatenessP99`, e.observed.p99 < 5000)]);
      rows.push(['', "lateness p50 / p99 / max (scheduler's)", `${ms(e.scheduler.p50)} / ${ms(e.scheduler.p99)} / ${ms(e.scheduler.max)}`, '', '', '', '']);
    };
    expiry('', scale.expiry, 'expiry');
    rows.push(['', 'creates/s, many people (before the expiries)', rps(scale.creates.rps), '', '', '', '']);
    rows.push(['', 'their p50 / p99', `${ms(scale.creates.latency.p50)} / ${ms(scale.creates.latency.p99)}`, '', '', '', '']);
    const three = scale.threeNodes;
    if (three) {
      expiry(`${three.nodes} nodes, `, three.expiry, 'threeNodeExpiry');
      rows.push(['', `creates/s, many people, ${three.nodes} nodes`, rps(three.creates.rps), `${rps(scale.creates.rps)} one node`, pct(three.creates.rps, scale.creates.rps), '', '']);
      rows.push(['', 'their p50 / p99', `${ms(three.creates.latency.p50)} / ${ms(three.creates.latency.p99)}`, '', '', '', '']);
    }
    rows.push(['5 Memory', 'RSS after scenarios 2 and 3', `${scale.loadedRssMB.toFixed(1)} MB`, `${scale.bigIdleRssMB.toFixed(1)} MB idle on it`, '', '', '']);
  }
  return { rows, targets };
}

const results: Record<string, unknown> = { quick: ctx.quick, machine };
const targetsMet: Record<string, Record<string, boolean>> = {};
for (const kind of args.stores) {
  const run = runs[kind]!;
  results[kind] = figures(run);
  const { rows, targets } = table(run);
  targetsMet[kind] = targets;
  const header: Row = ['Scenario', `Figure (${kind})`, 'Value', 'Baseline', 'Ratio', 'Target', 'Met'];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
  const line = (r: Row) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  process.stdout.write(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`);
}
if (ctx.quick) process.stdout.write('--quick: sizes are reduced (targets are stated for the full sizes).\n');

const totalS = (performance.now() - started) / 1000;
machine.loadAvgAtEnd = round(loadavg()[0]!);
process.stdout.write(`Load average: ${machine.loadAvgAtStart} at start, ${machine.loadAvgAtEnd} at end (${machine.cores} cores).\n`);
Object.assign(results, {
  postgresServer: postgresInfo,
  notes: [
    'Each target is a ratio against a baseline of the same run and store: node:http for the API, raw durable single-row inserts for creates.',
    'PostgreSQL stores are filled by seeding an embedded store and moving it with `elevate db copy`, then ANALYZE.',
  ],
  targetsMet,
  sizes: { historyRows: ctx.historyRows, users: ctx.users, expiries: ctx.expiries, loadSeconds: ctx.loadS, connections: ctx.connections },
  runAt: new Date().toISOString(),
  runSeconds: round(totalS),
});
// A partial run (--only, --store) leaves the last complete results alone.
const partial = args.only !== null || args.stores.length < 2;
const out = partial ? join(ctx.root, `results-${args.only ?? 'all'}-${args.stores.join('-')}.json`) : join(BENCH_DIR, 'results.json');
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`\nWrote ${out} in ${totalS.toFixed(0)} s total.\n`);
