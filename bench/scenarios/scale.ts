import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { ScryptHasher } from '../../src/adapters/crypto/scrypt-hasher.js';
import { SQLITE_FILE, SqliteStore } from '../../src/adapters/store/sqlite/sqlite-store.js';
import { parseListQuery } from '../../src/http/odata/list-query.js';
import { APPROVAL_PROPERTIES, REQUEST_PROPERTIES } from '../../src/http/odata/resource-properties.js';
import type { Context } from '../lib/context.js';
import { SequentialClient, basicAuth } from '../lib/load.js';
import { type Proc, startElevate } from '../lib/proc.js';
import { type BulkInfo, openForSeeding, seedBulk } from '../lib/seed.js';
import { type Summary, rng, summarize } from '../lib/stats.js';

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
  readonly loadedRssMB: number;
}

export interface ExpiryFigures {
  readonly count: number;
  /** From the instant they were all due to the first poll that saw none left (their memberships are then checked gone too). */
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
export async function scaleScenarios(ctx: Context): Promise<ScaleFigures> {
  const dir = join(ctx.root, 'scale');
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
  seedDb.pragma('wal_checkpoint(TRUNCATE)');
  seedDb.close();
  ctx.step(`  seeded ${info.rows.requests.toLocaleString('en')} requests, ${info.rows.approvals.toLocaleString('en')} approvals (${info.rows.pendingApprovals} pending), ${info.rows.groupMembers.toLocaleString('en')} memberships in ${info.seconds.toFixed(1)} s`);

  let server: Proc | null = null;
  try {
    server = await startElevate({ dataDir, logFile: join(dir, 'elevate.log'), nodeArgs: ctx.serverNodeArgs });
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
    const plans = await explainPlans(dataDir, info.userIds[heavy]!, info.userIds[approvers[0]!]!, monthFilter(3));
    ctx.step(`  history plan: ${plans.history.join(' | ')}`);
    ctx.step(`  pending plan: ${plans.pending.join(' | ')}`);

    const expiry = await expiryScenario(ctx, dbFile, server, parkedExpiry);
    const loadedRssMB = server.rssMB();
    return {
      seeded: info.rows,
      seedSeconds: info.seconds,
      bigIdleRssMB,
      history: { ...history, users: sample.length },
      heavyUser: { ...heavyUser, requests: info.requestsPerUser[heavy]! },
      pending: { ...pending, approvers: approvers.length },
      historyPlan: plans.history,
      pendingPlan: plans.pending,
      historyUsesIndex: usesIndexOnly(plans.history),
      pendingUsesIndex: usesIndexOnly(plans.pending),
      expiry,
      loadedRssMB,
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

/**
 * True when every table is searched through an index: no step is a SCAN (a full pass over a table
 * or over a whole index, which grows with the store) and at least one step is an indexed SEARCH.
 */
export function usesIndexOnly(plan: readonly string[]): boolean {
  const scans = plan.some((l) => /^SCAN (?!CONSTANT ROW)/.test(l.trim()));
  return !scans && plan.some((l) => /^SEARCH .* USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY/.test(l.trim()));
}

async function explainPlans(dataDir: string, userId: string, approverId: string, filter: string): Promise<{ history: string[]; pending: string[] }> {
  const seen: { sql: string; params: readonly unknown[] }[] = [];
  const store = SqliteStore.open(dataDir, { accountDomain: 'PRIV', onQuery: (sql, params) => seen.push({ sql, params }) });
  try {
    const q = parseListQuery({ $filter: filter }, REQUEST_PROPERTIES);
    await store.transaction((tx) => tx.requests.listByCreator(userId, q));
    const h = seen.find((s) => /from "requests"/.test(s.sql))!;
    seen.length = 0;
    await store.transaction((tx) => tx.approvals.pendingFor(approverId, parseListQuery({}, APPROVAL_PROPERTIES)));
    const p = seen.find((s) => /from "approvals"/.test(s.sql))!;
    return { history: store.explain(h.sql, h.params), pending: store.explain(p.sql, p.params) };
  } finally {
    await store.close();
  }
}

/**
 * Scenario 3: moves every parked elevation to one instant a few seconds ahead, then watches from a
 * second connection until the server's scheduler has revoked them all.
 */
async function expiryScenario(ctx: Context, dbFile: string, server: Proc, parkedExpiry: number): Promise<ExpiryFigures> {
  const db = new SQLite(dbFile);
  db.pragma('busy_timeout = 30000');
  const leadMs = ctx.quick ? 3000 : 5000;
  const due = Date.now() + leadMs;
  ctx.step(`scenario 3: ${ctx.expiries.toLocaleString('en')} active elevations all set to expire at one instant, ${leadMs / 1000} s from now`);
  const moved = db.prepare('update requests set expires_at = ?, due_at = ? where due_at = ?').run(due, due, parkedExpiry).changes;
  const setupLeadMs = due - Date.now();
  if (moved !== ctx.expiries) throw new Error(`moved ${moved} elevations, expected ${ctx.expiries}`);
  if (setupLeadMs < 1200) ctx.step(`  warning: only ${setupLeadMs} ms between the update and the due instant`);

  const remainingQ = db.prepare('select count(*) as n from requests where due_at = ?').pluck();
  const membersLeftQ = db
    .prepare(
      `select count(*) from group_members gm join role_groups rg on rg.group_id = gm.group_id
       join requests r on r.role_id = rg.role_id and r.creator_id = gm.account_id
       where r.expires_at = ?`,
    )
    .pluck();
  const pollMs = ctx.quick ? 20 : 50;
  const timeline: { t: number; left: number }[] = [];
  const deadline = due + (ctx.quick ? 300_000 : 3_600_000);
  while (Date.now() < due) await new Promise((r) => setTimeout(r, 5));
  let left = ctx.expiries;
  while (left > 0) {
    if (Date.now() > deadline) throw new Error(`expiry: ${left} elevations still active ${(deadline - due) / 1000} s after they were due`);
    await new Promise((r) => setTimeout(r, pollMs));
    left = remainingQ.get(due) as number;
    timeline.push({ t: Date.now(), left });
  }
  // Every membership those elevations granted must be gone from the embedded directory as well.
  for (;;) {
    const n = membersLeftQ.get(due) as number;
    if (n === 0) break;
    if (Date.now() > deadline) throw new Error(`expiry: ${n} memberships still present`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
  const allRevokedS = (timeline.at(-1)!.t - due) / 1000;

  // Observed lateness: each revocation counts at the first poll that no longer saw it.
  const observed: number[] = [];
  let prev = ctx.expiries;
  let firstRevokeAfterMs = Number.NaN;
  for (const p of timeline) {
    if (p.left < prev && Number.isNaN(firstRevokeAfterMs)) firstRevokeAfterMs = p.t - due;
    for (let i = 0; i < prev - p.left; i++) observed.push(p.t - due);
    prev = p.left;
  }
  const scheduler = db.prepare("select ended_at - ? from requests where expires_at = ? and status = 'Expired'").pluck().all(due, due) as number[];
  db.close();
  const dueWorkLog = server
    .log()
    .split('\n')
    .filter((l) => l.includes('"due work'))
    .slice(-5);
  for (const l of dueWorkLog) {
    const e = JSON.parse(l) as { msg?: string; processed?: number; expiries?: number; maxLateMs?: number; p50LateMs?: number };
    ctx.step(`  server log: ${e.msg}: processed ${e.processed}, expiries ${e.expiries}, p50 ${e.p50LateMs} ms, max ${e.maxLateMs} ms late`);
  }
  const o = summarize(observed);
  const s = summarize(scheduler);
  ctx.step(
    `  first revocation seen ${fmt(firstRevokeAfterMs)} ms after due, all revoked ${allRevokedS.toFixed(2)} s after due; lateness observed p50 ${fmt(o.p50)} / p99 ${fmt(o.p99)} / max ${fmt(o.max)} ms; scheduler's p50 ${fmt(s.p50)} / p99 ${fmt(s.p99)} / max ${fmt(s.max)} ms (${s.count} rows)`,
  );
  return { count: ctx.expiries, allRevokedS, observed: o, scheduler: s, firstRevokeAfterMs, pollMs, dueWorkLog, setupLeadMs };
}

const fmt = (n: number) => n.toFixed(1);
