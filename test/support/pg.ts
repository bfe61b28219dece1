import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PostgresStore } from '../../src/adapters/store/postgres/postgres-store.js';

/**
 * PostgreSQL for tests. scripts/test.sh starts one throwaway server when ELEVATE_TEST_STORE is
 * `postgres` and exports its URL; each test store gets a database of its own, copied from a
 * template migrated once per test process (a copy takes milliseconds, migrating takes much longer).
 */
export const TEST_STORE = process.env.ELEVATE_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

/** The server's maintenance database URL; a test that needs PostgreSQL and has none fails here. */
export function adminUrl(): string {
  const url = process.env.ELEVATE_TEST_DATABASE_URL;
  if (!url) {
    throw new Error('ELEVATE_TEST_DATABASE_URL is not set: run the tests through scripts/test.sh, which starts a throwaway PostgreSQL');
  }
  return url;
}

export function databaseUrl(name: string): string {
  const u = new URL(adminUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

let template: Promise<string> | null = null;

function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const name = `elevate_tpl_${process.pid}_${randomBytes(3).toString('hex')}`;
    await admin((c) => c.query(`create database ${name}`));
    const store = new PostgresStore(databaseUrl(name), { accountDomain: 'PRIV', poolSize: 1, statementTimeoutMs: 30_000 });
    try {
      await store.migrate();
    } finally {
      await store.close();
    }
    return name;
  })();
  return template;
}

/** A new, migrated, empty database; returns its URL. */
export async function freshDatabase(): Promise<string> {
  const tpl = await migratedTemplate();
  const name = `elevate_t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${name} template ${tpl}`));
  return databaseUrl(name);
}

/** An empty database with no schema (for migration and copy tests). */
export async function emptyDatabase(): Promise<string> {
  const name = `elevate_e_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${name}`));
  return databaseUrl(name);
}

export async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^elevate_[a-z0-9_]+$/.test(name)) throw new Error(`refusing to drop ${name}: not a test database`);
  await admin((c) => c.query(`drop database if exists ${name} with (force)`));
}

const SCRIPT = fileURLToPath(new URL('../../../scripts/pg-throwaway.sh', import.meta.url));

/** A PostgreSQL server of a test's own, for tests that stop and start it (outages). */
export interface OwnPostgres {
  readonly url: string;
  /** Stops the server, keeping its data: the database is unreachable until `up`. */
  down(): void;
  up(): void;
  stop(): void;
}

export function startOwnPostgres(): OwnPostgres {
  const env = execFileSync('bash', [SCRIPT, 'start'], { encoding: 'utf8' });
  const dir = /PG_TMP='([^']+)'/.exec(env)?.[1];
  const url = /DATABASE_URL='([^']+)'/.exec(env)?.[1];
  if (!dir || !url) throw new Error(`pg-throwaway.sh start printed no PG_TMP or DATABASE_URL:\n${env}`);
  const run = (cmd: string) => execFileSync('bash', [SCRIPT, cmd, dir], { stdio: 'inherit' });
  return { url, down: () => run('down'), up: () => run('up'), stop: () => run('stop') };
}
