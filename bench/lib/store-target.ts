import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { PostgresStore } from '../../src/adapters/store/postgres/postgres-store.js';
import { SQLITE_FILE, SqliteStore } from '../../src/adapters/store/sqlite/sqlite-store.js';
import type { StoreTx } from '../../src/ports/store.js';
import type { BenchPostgres } from './postgres.js';
import { CLI } from './proc.js';

export type StoreKind = 'sqlite' | 'postgres';

/**
 * The store a scenario runs Elevate on. Every scenario seeds an embedded store first (fast, with
 * better-sqlite3); for PostgreSQL that store is then moved into a database of its own with
 * `elevate db copy`, as an operator moves an installation, so both stores serve the same data.
 */
export interface StoreTarget {
  readonly kind: StoreKind;
  /** Makes the seeded embedded store in `dataDir` servable; `name` names its PostgreSQL database. */
  publish(dataDir: string, name: string): Promise<Published>;
  /** The database's own ceiling on this disk: one row per transaction, each durable before the next. */
  rawInserts(dir: string, seconds: number): Promise<RawInserts>;
  readonly rawInsertsDescription: string;
}

export interface RawInserts {
  readonly perS: number;
  readonly inserts: number;
  readonly seconds: number;
}

/** A seeded store Elevate can serve. */
export interface Published {
  readonly kind: StoreKind;
  /** The embedded store's directory (with PostgreSQL, only its MFA key is used from it). */
  readonly dataDir: string;
  /** The PostgreSQL URL, or null for the embedded store. */
  readonly database: string | null;
  /** Environment for `elevate serve` on this store (with PostgreSQL, the MFA key every node shares). */
  readonly env: Record<string, string>;
  /** A copy of this store as it is now, for a second run from the same state (PostgreSQL only). */
  clone(name: string): Promise<Published>;
  /** A side connection of the benchmark's own, to move due instants and watch revocations. */
  probe(): Promise<Probe>;
  /** Runs `fn` on a store opened on the same data, seeing the SQL it sends, then gives each statement's plan. */
  plans(fn: (tx: StoreTx) => Promise<unknown>, pick: RegExp): Promise<string[]>;
}

/** Plain SQL with `?` placeholders on either store; numbers come back as numbers. */
export interface Probe {
  run(sqlText: string, ...params: unknown[]): Promise<number>;
  value(sqlText: string, ...params: unknown[]): Promise<number>;
  column(sqlText: string, ...params: unknown[]): Promise<number[]>;
  close(): Promise<void>;
}

export const sqliteTarget: StoreTarget = {
  kind: 'sqlite',
  publish: async (dataDir) => sqlitePublished(dataDir),
  rawInsertsDescription: 'better-sqlite3, WAL, synchronous=FULL',
  async rawInserts(dir, seconds) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const db = new SQLite(join(dir, 'raw.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(RAW_TABLE);
    const ins = db.prepare('insert into t (id, created_at, body) values (?, ?, ?)');
    try {
      // autocommit: each row its own transaction, synced on commit
      return await timedInserts(seconds, async (n) => void ins.run(`row-${n}`, Date.now(), RAW_BODY));
    } finally {
      db.close();
    }
  },
};

const RAW_TABLE = 'create table t (id text primary key, created_at bigint not null, body text not null)';
const RAW_BODY = 'x'.repeat(200);

async function timedInserts(seconds: number, insert: (n: number) => Promise<void>): Promise<RawInserts> {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < seconds * 1000) {
    await insert(n);
    n++;
    t = performance.now();
  }
  const s = (t - t0) / 1000;
  return { perS: n / s, inserts: n, seconds: s };
}

function sqlitePublished(dataDir: string): Published {
  return {
    kind: 'sqlite',
    dataDir,
    database: null,
    env: {},
    clone: () => Promise.reject(new Error('the embedded store is not cloned by the benchmarks')),
    probe: async () => {
      const db = new SQLite(join(dataDir, SQLITE_FILE));
      db.pragma('busy_timeout = 30000');
      return {
        run: async (s, ...p) => db.prepare(s).run(...p).changes,
        value: async (s, ...p) => Number(db.prepare(s).pluck().get(...p)),
        column: async (s, ...p) => (db.prepare(s).pluck().all(...p) as unknown[]).map(Number),
        close: async () => void db.close(),
      };
    },
    plans: async (fn, pick) => {
      const seen: { sql: string; params: readonly unknown[] }[] = [];
      const store = SqliteStore.open(dataDir, { accountDomain: 'PRIV', onQuery: (sql, params) => seen.push({ sql, params }) });
      try {
        await store.transaction(fn);
        const q = seen.find((s) => pick.test(s.sql));
        if (!q) throw new Error(`no statement matching ${pick}`);
        return store.explain(q.sql, q.params);
      } finally {
        await store.close();
      }
    },
  };
}

export function postgresTarget(server: BenchPostgres): StoreTarget {
  return {
    kind: 'postgres',
    rawInsertsDescription: `pg, one connection, fsync=${server.settings.fsync}, synchronous_commit=${server.settings.synchronous_commit}`,
    async rawInserts(_dir, seconds) {
      await server.admin('drop database if exists bench_raw with (force)');
      await server.admin('create database bench_raw');
      return onPg(server.url('bench_raw'), async (c) => {
        await c.query(RAW_TABLE);
        // autocommit: each row its own transaction, flushed to the WAL on disk before the next
        return timedInserts(seconds, async (n) => void (await c.query('insert into t (id, created_at, body) values ($1, $2, $3)', [`row-${n}`, Date.now(), RAW_BODY])));
      });
    },
    async publish(dataDir, name) {
      await server.admin(`drop database if exists ${name} with (force)`);
      // C collation: text orders by code point, exactly as the embedded store (see docs/postgresql.md).
      await server.admin(`create database ${name} template template0 encoding 'UTF8' locale 'C.UTF-8'`);
      const url = server.url(name);
      // Every node must seal MFA secrets with one key: the store's own when a server made one, else a new one.
      const keyFile = join(dataDir, 'mfa.key');
      if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
      execFileSync(process.execPath, [CLI, 'db', 'copy', '--from', `sqlite:${dataDir}`, '--to', url], {
        env: { ...process.env, ELEVATE_MFA_KEY_FILE: keyFile },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      // Planner statistics for the copied rows, as autovacuum would gather soon after a bulk load.
      await onPg(url, (c) => c.query('analyze'));
      return postgresPublished(server, dataDir, name);
    },
  };
}

function postgresPublished(server: BenchPostgres, dataDir: string, name: string): Published {
  const url = server.url(name);
  return {
    kind: 'postgres',
    dataDir,
    database: url,
    env: { ELEVATE_MFA_KEY_FILE: join(dataDir, 'mfa.key') },
    async clone(copy) {
      await server.admin(`drop database if exists ${copy} with (force)`);
      await server.admin(`create database ${copy} template ${name}`);
      await onPg(server.url(copy), (c) => c.query('analyze'));
      return postgresPublished(server, dataDir, copy);
    },
    async probe() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const q = (s: string, p: unknown[]) => c.query({ text: dollars(s), values: p, rowMode: 'array' });
      return {
        run: async (s, ...p) => (await q(s, p)).rowCount ?? 0,
        value: async (s, ...p) => Number((await q(s, p)).rows[0]?.[0]),
        column: async (s, ...p) => (await q(s, p)).rows.map((r: unknown[]) => Number(r[0])),
        close: () => c.end(),
      };
    },
    async plans(fn, pick) {
      const seen: { sql: string; params: readonly unknown[] }[] = [];
      const store = new PostgresStore(url, { accountDomain: 'PRIV', poolSize: 1, statementTimeoutMs: 60_000, onQuery: (sql, params) => seen.push({ sql, params }) });
      try {
        await store.transaction(fn);
        const q = seen.find((s) => pick.test(s.sql));
        if (!q) throw new Error(`no statement matching ${pick}`);
        return await store.explain(q.sql, q.params);
      } finally {
        await store.close();
      }
    },
  };
}

async function onPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** `?` placeholders (SQLite's) as `$1, $2…` (PostgreSQL's); the probes' SQL has no `?` inside strings. */
function dollars(sqlText: string): string {
  let n = 0;
  return sqlText.replace(/\?/g, () => `$${++n}`);
}

/** Tables that grow with use (with the people and roles, the link tables stay a few pages). */
const GROWING = /Seq Scan on (requests|approvals|audit|group_members|sessions|outbox)\b/;

/**
 * True when every table is reached through an index. SQLite: no step is a SCAN (a full pass over a
 * table or a whole index) and one is an indexed SEARCH. PostgreSQL: an index scan, and no Seq Scan
 * of a table that grows with use (its planner rightly reads a one-page link table whole).
 */
export function usesIndexOnly(kind: StoreKind, plan: readonly string[]): boolean {
  if (kind === 'postgres') {
    return !plan.some((l) => GROWING.test(l)) && plan.some((l) => /Index (Only )?Scan|Bitmap Index Scan/.test(l));
  }
  const scans = plan.some((l) => /^SCAN (?!CONSTANT ROW)/.test(l.trim()));
  return !scans && plan.some((l) => /^SEARCH .* USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY/.test(l.trim()));
}
