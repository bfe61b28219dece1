import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SQLITE_FILE } from '../../src/adapters/store/sqlite/sqlite-store.js';
import { type LoadResult, type LoadSpec, basicAuth, load } from '../lib/load.js';
import { type Proc, startElevate, startFastifyLogged, startNodeHttp } from '../lib/proc.js';
import { openForSeeding, seedUserHistory } from '../lib/seed.js';
import type { StoreTarget } from '../lib/store-target.js';
import type { Context } from '../lib/context.js';

const API = '/api/pamresources';
const JEN = basicAuth('jen', 'jen');
const ANN = basicAuth('ann', 'ann');
const FORM = 'application/x-www-form-urlencoded';

export interface ApiFigures {
  readonly bodyBytes: number;
  readonly nodeHttp: LoadResult;
  /** Fastify with Elevate's logger and access log line, same body, no other hook: the framework's own floor. */
  readonly fastifyLogged: LoadResult;
  readonly getRoles: LoadResult;
  readonly activeFilter: LoadResult;
  readonly activeFilterRows: number;
  readonly create: LoadResult;
  readonly approve: LoadResult;
  readonly approvePool: number;
  readonly idleRssMB: number;
  /** After the load phases of scenario 1. */
  readonly loadedRssMB: number;
  readonly durableCreates: LoadResult;
  readonly rawDurable: { perS: number; inserts: number; seconds: number };
}

async function json(url: string, auth: string): Promise<{ value: Record<string, unknown>[] }> {
  const res = await fetch(url, { headers: { authorization: auth } });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { value: Record<string, unknown>[] };
}

/** Scenario 1 (API throughput and latency), scenario 4 (durable writes) and the idle memory of scenario 5. */
export async function apiScenarios(ctx: Context, target: StoreTarget): Promise<ApiFigures> {
  const dir = join(ctx.root, `api-${target.kind}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const now = Date.now();
  const procs: Proc[] = [];
  try {
    ctx.step(`scenario 1 (${target.kind}): elevate serve --demo (own process), restarted after seeding jen a year of history`);
    const server = await demoServer(ctx, target, join(dir, 'api'), 'bench_api', now);
    procs.push(server);
    await new Promise((r) => setTimeout(r, 1500));
    const idleRssMB = server.rssMB();

    const rolesRes = await fetch(`${server.url}${API}/pamroles`, { headers: { authorization: JEN } });
    const rolesBody = await rolesRes.text();
    const roles = (JSON.parse(rolesBody) as { value: { RoleId: string; DisplayName: string }[] }).value;
    const roleId = (name: string) => roles.find((r) => r.DisplayName === name)?.RoleId ?? fail(`jen cannot see role ${name}`);
    const bodyFile = join(dir, 'pamroles-body.json');
    writeFileSync(bodyFile, rolesBody);
    const nodeHttp = await startNodeHttp({ bodyFile, logFile: join(dir, 'node-http.log') });
    procs.push(nodeHttp);

    const c = ctx.connections;
    const phase = async (name: string, spec: Omit<LoadSpec, 'warmupS'>): Promise<LoadResult> => {
      ctx.step(`${name}: ${ctx.warmupS} s warm-up, then ${spec.durationS} s measured, ${spec.connections} connections`);
      // One call first, alone: credentials are verified (scrypt) once, as for a client that has signed in before.
      const authorization = spec.headers?.authorization;
      if (authorization) await fetch(`${spec.url}${API}/sessioninfo`, { headers: { authorization } });
      const r = await load({ ...spec, warmupS: ctx.warmupS });
      const cpu = Number.isNaN(r.cpuUsPerRequest) ? '' : `, server CPU ${Math.round(r.cpuUsPerRequest)} µs per request`;
      ctx.step(`  ${Math.round(r.rps)} req/s${cpu}, p50 ${r.latency.p50.toFixed(2)} ms, p99 ${r.latency.p99.toFixed(2)} ms, non-2xx ${r.non2xx}, errors ${r.errors}`);
      if (r.ok === 0) throw new Error(`${name}: no successful responses (${JSON.stringify(r.statusCodes)})`);
      return r;
    };

    const nodeHttpR = await phase('scenario 1: bare node:http, same body', { url: nodeHttp.url, path: '/', connections: c, durationS: ctx.loadS, pids: [nodeHttp.pid] });
    await nodeHttp.stop();
    procs.pop();
    const fastifyLogged = await startFastifyLogged({ bodyFile, logFile: join(dir, 'fastify-logged.log') });
    procs.push(fastifyLogged);
    const fastifyLoggedR = await phase('scenario 1: Fastify with Elevate\'s logger and access log line, same body', { url: fastifyLogged.url, path: '/', connections: c, durationS: ctx.loadS, pids: [fastifyLogged.pid] });
    await fastifyLogged.stop();
    procs.pop();

    const getRoles = await phase('scenario 1: GET pamroles (jen, Basic)', {
      url: server.url, path: `${API}/pamroles`, headers: { authorization: JEN }, connections: c, durationS: ctx.loadS, pids: [server.pid],
    });

    // The sample portal's "active requests" view.
    const filter = `ExpirationTime gt datetime'${new Date().toISOString()}'`;
    const activePath = `${API}/pamrequests?$filter=${encodeURIComponent(filter)}`;
    const activeFilterRows = (await json(server.url + activePath, JEN)).value.length;
    const activeFilter = await phase(`scenario 1: GET pamrequests?$filter=${filter} (${activeFilterRows} rows of jen's ~200)`, {
      url: server.url, path: activePath, headers: { authorization: JEN }, connections: c, durationS: ctx.loadS,
    });

    const create = await phase('scenario 1: POST pamrequests (jen creates ApprovalRole requests)', {
      url: server.url, path: `${API}/pamrequests`, method: 'POST',
      headers: { authorization: JEN, 'content-type': FORM },
      body: `RoleId=${roleId('ApprovalRole')}&RequestedTTL=3600&Justification=bench`,
      connections: c, durationS: ctx.loadS,
    });

    const pending = (await json(`${server.url}${API}/pamrequeststoapprove`, ANN)).value.map(
      (a) => (a.ApprovalObjectID as { Value: string }).Value,
    );
    if (pending.length < c) throw new Error(`only ${pending.length} approvals pending after the create phase; need at least ${c}`);
    let next = 0;
    const approve = await phase(`scenario 1: POST pamrequeststoapprove(…)/Approve (ann; ${pending.length} pending, each once)`, {
      url: server.url, path: `${API}/pamrequeststoapprove`, method: 'POST',
      headers: { authorization: ANN, 'content-type': FORM }, body: 'Comment=ok',
      connections: c, durationS: ctx.loadS, amount: pending.length,
      nextPath: () => (next < pending.length ? `${API}/pamrequeststoapprove(guid'${pending[next++]}')/Approve` : null),
    });

    const loadedRssMB = server.rssMB();
    await server.stop();
    procs.length = 0;

    ctx.step(`scenario 4 (${target.kind}): raw durable single-row inserts (${target.rawInsertsDescription}, same disk)`);
    const rawDurable = await target.rawInserts(join(dir, 'raw'), ctx.rawS);
    ctx.step(`  ${Math.round(rawDurable.perS)} inserts/s`);
    // A fresh store, so the figure does not depend on what scenario 1 left behind.
    const durableServer = await demoServer(ctx, target, join(dir, 'durable'), 'bench_durable', now);
    procs.push(durableServer);
    const durableRole = (await json(`${durableServer.url}${API}/pamroles`, JEN)).value.find((r) => r.DisplayName === 'Allow AD Access');
    if (!durableRole) throw new Error('jen cannot see Allow AD Access');
    const durableCreates = await phase('scenario 4: durable creates: POST pamrequests (jen, Allow AD Access: no approval, TTL 1 h; each extends the last)', {
      url: durableServer.url, path: `${API}/pamrequests`, method: 'POST',
      headers: { authorization: JEN, 'content-type': FORM },
      body: `RoleId=${String(durableRole.RoleId)}&RequestedTTL=3600&Justification=durable`,
      connections: ctx.durableConnections, durationS: ctx.loadS,
    });

    return {
      bodyBytes: Buffer.byteLength(rolesBody),
      nodeHttp: nodeHttpR,
      fastifyLogged: fastifyLoggedR,
      getRoles,
      activeFilter,
      activeFilterRows,
      create,
      approve,
      approvePool: pending.length,
      idleRssMB,
      loadedRssMB,
      durableCreates,
      rawDurable,
    };
  } finally {
    for (const p of procs) await p.stop();
  }
}

/**
 * A demo server as in production: seeded by a first start, stopped, given jen's history (with no
 * server holding the store), moved to the target store, then started again, so it has done no work yet.
 */
async function demoServer(ctx: Context, target: StoreTarget, dir: string, database: string, now: number): Promise<Proc> {
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'elevate.log');
  mkdirSync(dir, { recursive: true });
  const first = await startElevate({ dataDir, logFile, demo: true });
  await first.stop();
  const seedDb = openForSeeding(join(dataDir, SQLITE_FILE));
  seedUserHistory(seedDb, 'jen', { requests: 200, activeRoles: ['Allow AD Access'], now });
  seedDb.pragma('wal_checkpoint(TRUNCATE)');
  seedDb.close();
  // The create phase measures the store's write path with one person creating as fast as it can,
  // which the per-person request limit (30 a minute by default) exists to stop: lift it here.
  const configFile = join(dir, 'elevate.yaml');
  writeFileSync(configFile, 'requestRateLimit: { max: 100000, windowSeconds: 1 }\n');
  const store = await target.publish(dataDir, database);
  return startElevate({ dataDir, database: store.database, env: store.env, logFile, nodeArgs: ctx.serverNodeArgs, configFile });
}

function fail(msg: string): never {
  throw new Error(msg);
}
