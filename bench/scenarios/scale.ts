import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ScryptHasher } from '../../src/adapters/crypto/scrypt-hasher.js';
import { SQLITE_FILE, SqliteStore } from '../../src/adapters/store/sqlite/sqlite-store.js';
import { parseListQuery } from '../../src/http/odata/list-query.js';
import { APPROVAL_PROPERTIES, REQUEST_PROPERTIES } from '../../src/http/odata/resource-properties.js';
import type { Context } from '../lib/context.js';
import { type LoadResult, SequentialClient, basicAuth, load } from '../lib/load.js';
import { type Proc, startElevate } from '../lib/proc.js';
import { type BulkInfo, openForSeeding, seedBulk } from '../lib/seed.js';
import { type Summary, rng, summarize } from '../lib/stats.js';
import { type Probe, type Published, type StoreTarget, usesIndexOnly } from '../lib/store-target.js';

const API = '/api/pamresources';
const PASSWORD = 'bench';
const DAY = 86_400_000;

export interface ScaleFigures {
  readonly seeded: BulkInfo['rows'];
  readonly seedSeconds: number;
  readonly bigIdleRssMB: number;
  readonly history: Summary & { meanRows: number; users: number };
  readonly heavyUser: Summary & { requests: number; meanRows: number };
  readonly pending: Summary & { meanRows: number; approvers: number };
  readonly historyPlan: string[];
  readonly pendingPlan: string[];
  readonly historyUsesIndex: boolean;
  readonly pendingUsesIndex: boolean;
  readonly expiry: ExpiryFigures;
  /** Many people creating requests at once (before the expiry scenario, on the same server). */
  readonly creates: LoadResult;
  readonly loadedRssMB: number;
  /** PostgreSQL only: the expiry and create scenarios again with three nodes on one database. */
  readonly threeNodes: ThreeNodeFigures | null;
}

export interface ThreeNodeFigures {
  readonly nodes: number;
  readonly expiry: ExpiryFigures;
  readonly creates: LoadResult;
  readonly rssMB: number[];
}

/**
 * People creating requests in the scale scenarios: login and a role they may hold with no approval
 * or MFA and do not hold now, so their creates leave the elevations parked for the expiry scenario alone.
 */
interface Creator {
  readonly login: string;
  readonly roleId: string;
}

export interface ExpiryFigures {
  readonly count: number;
  /** How many were revoked before the scenario stopped waiting (all of them, unless it gave up). */
  readonly revoked: number;
  /** From the instant they were all due to the first poll that saw none left (their memberships are then checked gone too); Infinity when it gave up. */
  readonly allRevokedS: number;
  /** Per revocation: when its commit was first visible to another connection, minus the due instant (poll resolution). */
  readonly observed: Summary;
  /** Per revocation: the scheduler's own measure (the time its step ran, stored as ended_at, minus due). */
  readonly scheduler: Summary;
  readonly firstRevokeAfterMs: number;
  readonly pollMs: number;
  readonly dueWorkLog: string[];
  readonly setupLeadMs: number;
}

/** Scenario 2 (history at scale), scenario 3 (expiry at scale) and the loaded memory of scenario 5, in one server process. */
export async function scaleScenarios(ctx: Context, target: StoreTarget): Promise<ScaleFigures> {
  const dir = join(ctx.root, `scale-${target.kind}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const dataDir = join(dir, 'data');
  const dbFile = join(dataDir, SQLITE_FILE);
  const now = Date.now();
  const parkedExpiry = now + 7 * DAY;

  ctx.step(`scenario 2: seeding ${ctx.historyRows.toLocaleString('en')} requests from ${ctx.users.toLocaleString('en')} users (a year of history, ${ctx.expiries.toLocaleString('en')} of them active elevations for scenario 3)`);
  const migrator = SqliteStore.open(dataDir, { accountDomain: 'PRIV' });
  await migrator.migrate();
  await migrator.close();
  // Bench users sign in with a cheaper scrypt than the shipped default, so warming 100 users' credentials
  // takes milliseconds; the authentication cache makes every measured call skip scrypt either way.
  const passwordHash = await new ScryptHasher({ n: 1024, r: 8, p: 1 }).hash(PASSWORD);
  const seedDb = openForSeeding(dbFile);
  const info = seedBulk(seedDb, {
    users: ctx.users,
    roles: 100,
    totalRequests: ctx.historyRows,
    activeNow: Math.round(ctx.users / 5),
    expiring: ctx.expiries,
    parkedExpiry,
    now,
    passwordHash,
  });
  // The status list as in the partial index requests_holding, so each probe is one index lookup:
  // with status = 'Active' SQLite scanned a role's whole history per person (minutes at full size).
  const creators = seedDb
    .prepare(
      `select a.login, min(r.id) as roleId from accounts a join role_candidates c on c.account_id = a.id join roles r on r.id = c.role_id
       where r.approval_required = 0 and r.mfa_required = 0 and r.window_enabled = 0
         and not exists (select 1 from requests q where q.role_id = r.id and q.creator_id = a.id and q.status in ('Processing', 'Active'))
       group by a.login order by a.login limit 400`,
    )
    .all() as Creator[];
  seedDb.pragma('wal_checkpoint(TRUNCATE)');
  seedDb.close();
  ctx.step(`  seeded ${info.rows.requests.toLocaleString('en')} requests, ${info.rows.approvals.toLocaleString('en')} approvals (${info.rows.pendingApprovals} pending), ${info.rows.groupMembers.toLocaleString('en')} memberships in ${info.seconds.toFixed(1)} s`);

  if (target.kind !== 'sqlite') ctx.step(`  moving it into ${target.kind} (elevate db copy)`);
  const store = await target.publish(dataDir, 'bench_scale');
  // The three-node run starts from the same state: a copy taken before the first run uses it up.
  const spare = store.kind === 'postgres' ? await store.clone('bench_scale_nodes') : null;

  let server: Proc | null = null;
  try {
    server = await startElevate({ dataDir, database: store.database, env: store.env, logFile: join(dir, 'elevate.log'), nodeArgs: ctx.serverNodeArgs });
    await new Promise((r) => setTimeout(r, 1500));
    const bigIdleRssMB = server.rssMB();

    // Scenario 2: one user's history over one calendar month, as GET pamrequests with a CreationTime range.
    const r = rng(99);
    const skewedUser = () => Math.min(ctx.users - 1, Math.floor(r() * r() * ctx.users));
    const sample = [...new Set(Array.from({ length: ctx.quick ? 60 : 150 }, skewedUser))];
    let heavy = 0;
    for (let u = 0; u < ctx.users; u++) if (info.requestsPerUser[u]! > info.requestsPerUser[heavy]!) heavy = u;
    const client = new SequentialClient(server.url);
    const auth = (u: number) => ({ authorization: basicAuth(info.logins[u]!, PASSWORD) });
    ctx.step(`scenario 2: signing in ${sample.length + 1} users once (fills the authentication cache), then ${ctx.historyQueries} month queries`);
    for (const u of [...sample, heavy]) await expectOk(client.get(`${API}/sessioninfo`, auth(u)));

    const monthFilter = (k: number) => {
      const d = new Date(now);
      const from = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - k, 1)).toISOString();
      const to = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - k + 1, 1)).toISOString();
      return `CreationTime ge datetime'${from}' and CreationTime lt datetime'${to}'`;
    };
    const historyPath = (k: number) => `${API}/pamrequests?$filter=${encodeURIComponent(monthFilter(k))}`;
    const timed = async (n: number, pick: () => { path: string; headers: Record<string, string> }) => {
      const ms: number[] = [];
      let rows = 0;
      for (let i = 0; i < n; i++) {
        const { path, headers } = pick();
        const res = await expectOk(client.get(path, headers));
        ms.push(res.ms);
        rows += (JSON.parse(res.body) as { value: unknown[] }).value.length;
      }
      return { ...summarize(ms), meanRows: rows / n };
    };
    const month = () => 1 + Math.floor(r() * 11);
    const history = await timed(ctx.historyQueries, () => {
      const u = sample[Math.floor(r() * sample.length)]!;
      return { path: historyPath(month()), headers: auth(u) };
    });
    ctx.step(`  p50 ${history.p50.toFixed(2)} ms, p99 ${history.p99.toFixed(2)} ms, ${history.meanRows.toFixed(1)} rows per answer`);
    const heavyUser = await timed(Math.max(50, ctx.historyQueries / 10), () => ({ path: historyPath(month()), headers: auth(heavy) }));
    ctx.step(`  busiest user (${info.requestsPerUser[heavy]} requests): p50 ${heavyUser.p50.toFixed(2)} ms, p99 ${heavyUser.p99.toFixed(2)} ms, ${heavyUser.meanRows.toFixed(1)} rows per answer`);

    const approvers = info.approverIndexes.slice(0, 30);
    for (const u of approvers) await expectOk(client.get(`${API}/sessioninfo`, auth(u)));
    const pending = await timed(Math.max(100, ctx.historyQueries / 4), () => ({
      path: `${API}/pamrequeststoapprove`,
      headers: auth(approvers[Math.floor(r() * approvers.length)]!),
    }));
    ctx.step(`  approver's pending list: p50 ${pending.p50.toFixed(2)} ms, p99 ${pending.p99.toFixed(2)} ms, ${pending.meanRows.toFixed(1)} rows per answer`);
    client.close();

    // The plans of exactly the SQL the server runs for those two calls.
    const plans = await explainPlans(store, info.userIds[heavy]!, info.userIds[approvers[0]!]!, monthFilter(3));
    ctx.step(`  history plan: ${plans.history.join(' | ')}`);
    ctx.step(`  pending plan: ${plans.pending.join(' | ')}`);

    // Creates before the expiries: a run that gave up on its expiries would leave the server busy.
    const creates = await manyCreates(ctx, [server], creators);
    const expiry = await expiryScenario(ctx, store, [server], parkedExpiry);
    const loadedRssMB = server.rssMB();
    await server.stop();
    server = null;
    const threeNodes = spare ? await threeNodeScenario(ctx, spare, dir, parkedExpiry, creators) : null;
    return {
      seeded: info.rows,
      seedSeconds: info.seconds,
      bigIdleRssMB,
      history: { ...history, users: sample.length },
      heavyUser: { ...heavyUser, requests: info.requestsPerUser[heavy]! },
      pending: { ...pending, approvers: approvers.length },
      historyPlan: plans.history,
      pendingPlan: plans.pending,
      historyUsesIndex: usesIndexOnly(store.kind, plans.history),
      pendingUsesIndex: usesIndexOnly(store.kind, plans.pending),
      expiry,
      creates,
      loadedRssMB,
      threeNodes,
    };
  } finally {
    await server?.stop();
  }
}

async function expectOk<T extends { status: number; body: string }>(p: Promise<T>): Promise<T> {
  const res = await p;
  if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${res.body.slice(0, 500)}`);
  return res;
}

async function explainPlans(store: Published, userId: string, approverId: string, filter: string): Promise<{ history: string[]; pending: string[] }> {
  const q = parseListQuery({ $filter: filter }, REQUEST_PROPERTIES);
  const history = await store.plans((tx) => tx.requests.listByCreator(userId, q), /from "requests"/);
  const pending = await store.plans((tx) => tx.approvals.pendingFor(approverId, [], parseListQuery({}, APPROVAL_PROPERTIES)), /from "approvals"/);
  return { history, pending };
}

/**
 * Three `elevate serve` nodes on one PostgreSQL database (a copy of the store the single node ran
 * on, taken before it): the same expiries, claimed by whichever node gets there, then creates
 * spread over the three (first, as on the single node).
 */
async function threeNodeScenario(ctx: Context, store: Published, dir: string, parkedExpiry: number, creators: readonly Creator[]): Promise<ThreeNodeFigures> {
  const nodes: Proc[] = [];
  try {
    ctx.step(`three nodes on one ${store.kind} database: starting them`);
    for (let i = 0; i < 3; i++) {
      nodes.push(await startElevate({ dataDir: store.dataDir, database: store.database, env: store.env, logFile: join(dir, `node-${i}.log`), nodeArgs: ctx.serverNodeArgs }));
    }
    await new Promise((r) => setTimeout(r, 1500));
    const creates = await manyCreates(ctx, nodes, creators);
    const expiry = await expiryScenario(ctx, store, nodes, parkedExpiry);
    return { nodes: nodes.length, expiry, creates, rssMB: nodes.map((n) => n.rssMB()) };
  } finally {
    for (const n of nodes) await n.stop();
  }
}

/**
 * Many people creating requests at once, spread over the nodes given: each request is one of
 * `creators` asking for a role that needs no approval (so each create grants at once, or extends
 * the same person's earlier elevation). Credentials are verified once per node first.
 */
async function manyCreates(ctx: Context, nodes: readonly Proc[], creators: readonly Creator[]): Promise<LoadResult> {
  if (creators.length === 0) throw new Error('no creators: the seed has no role without approval or MFA');
  for (const n of nodes) {
    const client = new SequentialClient(n.url);
    for (const c of creators) await expectOk(client.get(`${API}/sessioninfo`, { authorization: basicAuth(c.login, PASSWORD) }));
    client.close();
  }
  const requests = creators.map((c) => ({
    headers: { authorization: basicAuth(c.login, PASSWORD), 'content-type': 'application/x-www-form-urlencoded' },
    body: `RoleId=${c.roleId}&RequestedTTL=3600&Justification=bench`,
  }));
  let i = 0;
  ctx.step(`creates by ${creators.length} people over ${nodes.length} node(s): ${ctx.warmupS} s warm-up, then ${ctx.loadS} s measured, ${ctx.durableConnections * nodes.length} connections`);
  const r = await load({
    url: nodes.map((n) => n.url), path: `${API}/pamrequests`, method: 'POST',
    connections: ctx.durableConnections * nodes.length, warmupS: ctx.warmupS, durationS: ctx.loadS,
    nextRequest: () => requests[i++ % requests.length]!,
  });
  ctx.step(`  ${Math.round(r.rps)} creates/s, p50 ${r.latency.p50.toFixed(2)} ms, p99 ${r.latency.p99.toFixed(2)} ms, non-2xx ${r.non2xx} ${JSON.stringify(r.statusCodes)}, errors ${r.errors}`);
  // Reported as it is (0/s) rather than ending the run: the expiries still get measured.
  if (r.ok === 0) ctx.step(`  warning: no create answered inside the measured window (${JSON.stringify(r.statusCodes)})`);
  return r;
}

/**
 * Scenario 3: moves every parked elevation to one instant a few seconds ahead, then watches from a
 * second connection until the server's scheduler has revoked them all.
 */
async function expiryScenario(ctx: Context, store: Published, servers: readonly Proc[], parkedExpiry: number): Promise<ExpiryFigures> {
  const db: Probe = await store.probe();
  // PostgreSQL takes longer to move them all (durable commits, index updates): more lead.
  const leadMs = (ctx.quick ? 3000 : 5000) * (store.kind === 'postgres' ? 2 : 1);
  const due = Date.now() + leadMs;
  ctx.step(`scenario 3: ${ctx.expiries.toLocaleString('en')} active elevations all set to expire at one instant, ${leadMs / 1000} s from now`);
  const moved = await db.run('update requests set expires_at = ?, due_at = ? where due_at = ?', due, due, parkedExpiry);
  const setupLeadMs = due - Date.now();
  if (moved !== ctx.expiries) throw new Error(`moved ${moved} elevations, expected ${ctx.expiries}`);
  if (setupLeadMs < 1200) ctx.step(`  warning: only ${setupLeadMs} ms between the update and the due instant`);

  const remainingQ = (at: number) => db.value('select count(*) as n from requests where due_at = ?', at);
  const membersLeftQ = (at: number) =>
    db.value(
      `select count(*) from group_members gm join role_groups rg on rg.group_id = gm.group_id
       join requests r on r.role_id = rg.role_id and r.creator_id = gm.account_id
       where r.expires_at = ?`,
      at,
    );
  const pollMs = ctx.quick ? 20 : 50;
  const timeline: { t: number; left: number }[] = [];
  // Past this the scenario stops waiting and reports what was revoked, so the rest of the run still happens.
  const deadline = due + (ctx.quick ? 120_000 : 1_800_000);
  while (Date.now() < due) await new Promise((r) => setTimeout(r, 5));
  let left = ctx.expiries;
  while (left > 0) {
    if (Date.now() > deadline) {
      ctx.step(`  gave up: ${left} elevations still active ${(deadline - due) / 1000} s after they were due`);
      break;
    }
    await new Promise((r) => setTimeout(r, pollMs));
    left = await remainingQ(due);
    timeline.push({ t: Date.now(), left });
  }
  // Every membership those elevations granted must be gone from the embedded directory as well.
  for (;;) {
    const n = await membersLeftQ(due);
    if (n === 0) break;
    if (Date.now() > deadline) {
      ctx.step(`  gave up: ${n} memberships still present`);
      left = Math.max(left, 1);
      break;
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  const allRevokedS = left > 0 ? Number.POSITIVE_INFINITY : (timeline.at(-1)!.t - due) / 1000;

  // Observed lateness: each revocation counts at the first poll that no longer saw it.
  const observed: number[] = [];
  let prev = ctx.expiries;
  let firstRevokeAfterMs = Number.NaN;
  for (const p of timeline) {
    if (p.left < prev && Number.isNaN(firstRevokeAfterMs)) firstRevokeAfterMs = p.t - due;
    for (let i = 0; i < prev - p.left; i++) observed.push(p.t - due);
    prev = p.left;
  }
  // Those still active when it gave up are at least that late.
  for (let i = 0; i < prev; i++) observed.push(timeline.at(-1)!.t - due);
  const scheduler = await db.column("select ended_at - ? from requests where expires_at = ? and status = 'Expired'", due, due);
  await db.close();
  const dueWorkLog = servers.flatMap((server) =>
    server
      .log()
      .split('\n')
      .filter((l) => l.includes('"due work'))
      .slice(-5),
  );
  for (const l of dueWorkLog) {
    const e = JSON.parse(l) as { msg?: string; processed?: number; expiries?: number; maxLateMs?: number; p50LateMs?: number };
    ctx.step(`  server log: ${e.msg}: processed ${e.processed}, expiries ${e.expiries}, p50 ${e.p50LateMs} ms, max ${e.maxLateMs} ms late`);
  }
  const o = summarize(observed);
  const s = summarize(scheduler);
  ctx.step(
    `  first revocation seen ${fmt(firstRevokeAfterMs)} ms after due, all revoked ${allRevokedS.toFixed(2)} s after due; lateness observed p50 ${fmt(o.p50)} / p99 ${fmt(o.p99)} / max ${fmt(o.max)} ms; scheduler's p50 ${fmt(s.p50)} / p99 ${fmt(s.p99)} / max ${fmt(s.max)} ms (${s.count} rows)`,
  );
  return { count: ctx.expiries, revoked: ctx.expiries - (timeline.at(-1)?.left ?? ctx.expiries), allRevokedS, observed: o, scheduler: s, firstRevokeAfterMs, pollMs, dueWorkLog, setupLeadMs };
}

const fmt = (n: number) => n.toFixed(1);
