// `node bench/.build/bench/expiry-profile.js [--expiries N] [--users N] [--history N] [--database URL]`
// Issue 13's expiry at scale, in one process and without HTTP: seeds a store as the benchmark does
// (SQLite; copied into PostgreSQL with --database, an empty database), makes N elevations due at
// one instant, runs the scheduler's due work once and prints how long it took, the scheduler's
// own lateness figures, and where the time went per SQL statement.
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { ScryptHasher } from '../src/adapters/crypto/scrypt-hasher.js';
import { copySqliteToPostgres } from '../src/adapters/store/copy-store.js';
import { SQLITE_FILE, SqliteStore } from '../src/adapters/store/sqlite/sqlite-store.js';
import { runDueWork } from '../src/app/run-due-work.js';
import { loadConfig } from '../src/config/load.js';
import { openCore } from '../src/main.js';
import { openForSeeding, seedBulk } from './lib/seed.js';
import { summarize } from './lib/stats.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : process.argv[i + 1]!;
};
const expiries = Number(arg('expiries', '10000'));
const users = Number(arg('users', String(Math.max(1000, expiries / 10))));
const history = Number(arg('history', String(expiries * 2)));
const database = arg('database', '') || undefined;
const batchSize = Number(arg('batch', '0')) || undefined;

/** Time spent in each statement, by its SQL text. */
const statements = new Map<string, { n: number; ms: number }>();
const count = (text: string, ms: number) => {
  const k = text.replace(/\s+/g, ' ').replace(/\((\?|\$\d+)(, (\?|\$\d+))*\)/g, '(…)').replace(/(\(cast\(.*?\)\), )+/g, '(…), ').slice(0, 160);
  const s = statements.get(k) ?? statements.set(k, { n: 0, ms: 0 }).get(k)!;
  s.n++;
  s.ms += ms;
};
let timing = false;
function timeSqlite(): void {
  const Driver = createRequire(import.meta.url)('better-sqlite3');
  const proto = Object.getPrototypeOf(new Driver(':memory:').prepare('select 1'));
  for (const m of ['run', 'all', 'get', 'iterate'] as const) {
    const orig = proto[m];
    proto[m] = function (this: { source: string }, ...a: unknown[]) {
      if (!timing) return orig.apply(this, a);
      const t = performance.now();
      try {
        return orig.apply(this, a);
      } finally {
        count(this.source, performance.now() - t);
      }
    };
  }
}
function timePg(): void {
  const orig = pg.Client.prototype.query as (...a: unknown[]) => unknown;
  (pg.Client.prototype as { query: unknown }).query = function (this: unknown, ...a: unknown[]) {
    const out = orig.apply(this, a);
    if (!timing || !(out instanceof Promise)) return out;
    const t = performance.now();
    const text = typeof a[0] === 'string' ? a[0] : String((a[0] as { text?: string }).text);
    return out.finally(() => count(text, performance.now() - t));
  };
}

/**
 * Figures a loaded machine barely moves, to compare runs by: the bytes this process wrote (SQLite's
 * WAL and checkpoints; Linux only), its CPU time, and PostgreSQL's WAL volume.
 */
const bytesWritten = () => Number(/^wchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? NaN);
async function walLsn(database: string): Promise<bigint> {
  const c = new pg.Client({ connectionString: database });
  await c.connect();
  const { rows } = await c.query<{ b: string }>("select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text as b");
  await c.end();
  return BigInt(rows[0]!.b);
}

const dir = mkdtempSync(join(tmpdir(), 'elevate-expiry-'));
try {
  const now = Date.now();
  const parked = now + 7 * 86_400_000;
  const store = SqliteStore.open(dir, { accountDomain: 'PRIV' });
  await store.migrate();
  await store.close();
  const db = openForSeeding(join(dir, SQLITE_FILE));
  const passwordHash = await new ScryptHasher({ n: 1024, r: 8, p: 1 }).hash('bench');
  seedBulk(db, { users, roles: 100, totalRequests: history, activeNow: Math.round(users / 5), expiring: expiries, parkedExpiry: parked, now, passwordHash });
  let due = Math.round(Date.now()) + 2000;
  const moved = db.prepare('update requests set expires_at = ?, due_at = ? where due_at = ?').run(due, due, parked).changes;
  // The seed draws instants as fractional milliseconds; PostgreSQL's bigint columns take whole ones.
  const whole = (t: string, cols: string[]) => db.exec(`update ${t} set ${cols.map((c) => `${c} = cast(round(${c}) as integer)`).join(', ')}`);
  whole('requests', ['created_at', 'requested_at', 'started_at', 'expires_at', 'pending_until', 'ended_at', 'due_at']);
  whole('approvals', ['decided_at']);
  // Statistics, as `elevate serve` leaves them when it migrates a store this size.
  db.exec('analyze');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  if (moved !== expiries) throw new Error(`moved ${moved}, expected ${expiries}`);
  if (database) {
    const report = await copySqliteToPostgres(dir, database, { accountDomain: 'PRIV' });
    process.stdout.write(`copied into PostgreSQL: ${JSON.stringify(report).slice(0, 200)}\n`);
    // Fresh statistics, as a server that has run a while would have.
    const c = new pg.Client({ connectionString: database });
    await c.connect();
    await c.query('analyze');
    await c.end();
  }
  if (database) {
    // The copy took a while: make them due a moment from now again.
    const c = new pg.Client({ connectionString: database });
    await c.connect();
    const moved = Math.round(Date.now()) + 2000;
    await c.query('update requests set expires_at = $1, due_at = $1 where due_at = $2', [moved, due]);
    await c.end();
    due = moved;
  }
  const config = loadConfig({ env: {}, overrides: { dataDir: dir, logLevel: 'silent', timeZone: 'UTC', ...(database && { database, mfaKey: Buffer.alloc(32, 7).toString('base64') }) } });
  const core = await openCore(config);
  if (database) timePg();
  else timeSqlite();
  while (Date.now() < due) await new Promise((r) => setTimeout(r, 5));
  const wal0 = database ? await walLsn(database) : 0n;
  const written0 = bytesWritten();
  const cpu0 = process.cpuUsage();
  timing = true;
  const t0 = performance.now();
  const report = await runDueWork(core.deps, batchSize ? { batchSize } : {});
  const seconds = (performance.now() - t0) / 1000;
  timing = false;
  const cpu = process.cpuUsage(cpu0);
  const written = bytesWritten() - written0;
  const wal = database ? await walLsn(database) - wal0 : 0n;
  const late = summarize(report.expiryLatenessMs);
  process.stdout.write(
    `${database ? 'postgres' : 'sqlite'}: ${expiries} expiries (users ${users}, history ${history}) processed ${report.processed}, failed ${report.failed} in ${seconds.toFixed(2)} s;` +
      ` lateness p50 ${late.p50.toFixed(0)} / p99 ${late.p99.toFixed(0)} / max ${late.max.toFixed(0)} ms\n`,
  );
  process.stdout.write(
    `written by this process ${(written / 1e6).toFixed(1)} MB${database ? `, PostgreSQL WAL ${(Number(wal) / 1e6).toFixed(1)} MB` : ''}; CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s\n`,
  );
  const total = [...statements.values()].reduce((a, s) => a + s.ms, 0);
  process.stdout.write(`time in SQL statements: ${(total / 1000).toFixed(2)} s of ${seconds.toFixed(2)} s\n`);
  for (const [k, s] of [...statements].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
    process.stdout.write(`${(s.ms / 1000).toFixed(2).padStart(7)} s ${String(s.n).padStart(7)}x  ${k}\n`);
  }
  const nextDue = await core.deps.store.read((tx) => tx.requests.nextDueAt());
  if (nextDue !== null && nextDue <= Date.now()) throw new Error('due work left behind');
  await core.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
