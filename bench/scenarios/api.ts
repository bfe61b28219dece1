import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { SQLITE_FILE } from '../../src/adapters/store/sqlite/sqlite-store.js';
import { type LoadResult, type LoadSpec, basicAuth, load } from '../lib/load.js';
import { type Proc, startElevate, startNodeHttp } from '../lib/proc.js';
import { openForSeeding, seedUserHistory } from '../lib/seed.js';
import type { Context } from '../lib/context.js';

const API = '/api/pamresources';
const JEN = basicAuth('jen', 'jen');
const ANN = basicAuth('ann', 'ann');
const FORM = 'application/x-www-form-urlencoded';

export interface ApiFigures {
  readonly bodyBytes: number;
  readonly nodeHttp: LoadResult;
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
export async function apiScenarios(ctx: Context): Promise<ApiFigures> {
  const dir = join(ctx.root, 'api');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const now = Date.now();
  const procs: Proc[] = [];
  try {
    ctx.step('scenario 1: elevate serve --demo (own process), restarted after seeding jen a year of history');
    const server = await demoServer(ctx, join(dir, 'api'), now);
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
      ctx.step(`  ${Math.round(r.rps)} req/s, p50 ${r.latency.p50.toFixed(2)} ms, p99 ${r.latency.p99.toFixed(2)} ms, non-2xx ${r.non2xx}, errors ${r.errors}`);
      if (r.ok === 0) throw new Error(`${name}: no successful responses (${JSON.stringify(r.statusCodes)})`);
      return r;
    };

    const nodeHttpR = await phase('scenario 1: bare node:http, same body', { url: nodeHttp.url, path: '/', connections: c, durationS: ctx.loadS });
    await nodeHttp.stop();
    procs.pop();

    const getRoles = await phase('scenario 1: GET pamroles (jen, Basic)', {
      url: server.url, path: `${API}/pamroles`, headers: { authorization: JEN }, connections: c, durationS: ctx.loadS,
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

    ctx.step('scenario 4: raw durable single-row inserts (better-sqlite3, WAL, synchronous=FULL, same disk)');
    const rawDurable = rawDurableInserts(join(dir, 'raw'), ctx.rawS);
    ctx.step(`  ${Math.round(rawDurable.perS)} inserts/s`);
    // A fresh store, so the figure does not depend on what scenario 1 left behind.
    const durableServer = await demoServer(ctx, join(dir, 'durable'), now);
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
 * server holding the store), then started again, so it has done no work yet.
 */
async function demoServer(ctx: Context, dir: string, now: number): Promise<Proc> {
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
  return startElevate({ dataDir, logFile, nodeArgs: ctx.serverNodeArgs, configFile });
}

/** The database's own ceiling on this disk: one row per transaction, each synced before the next. */
export function rawDurableInserts(dir: string, seconds: number): { perS: number; inserts: number; seconds: number } {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const db = new SQLite(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('create table t (id text primary key, created_at integer not null, body text not null)');
  const ins = db.prepare('insert into t (id, created_at, body) values (?, ?, ?)');
  const body = 'x'.repeat(200);
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < seconds * 1000) {
    ins.run(`row-${n}`, Date.now(), body); // autocommit: its own transaction, synced on commit
    n++;
    t = performance.now();
  }
  db.close();
  const s = (t - t0) / 1000;
  return { perS: n / s, inserts: n, seconds: s };
}

function fail(msg: string): never {
  throw new Error(msg);
}
