import { execFileSync } from 'node:child_process';
import { chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { freePort } from './proc.js';

/**
 * A throwaway PostgreSQL server for the benchmarks, started the way the tests start theirs
 * (scripts/pg-throwaway.sh: initdb, pg_ctl, loopback only) but durable: fsync, synchronous_commit
 * and full_page_writes on, as Elevate is meant to run, and its data on the benchmark's own disk.
 */
export interface BenchPostgres {
  /** The maintenance database (`postgres`). */
  readonly adminUrl: string;
  readonly version: string;
  /** fsync, synchronous_commit, full_page_writes as the server reports them. */
  readonly settings: Record<string, string>;
  url(database: string): string;
  /** Runs statements on the maintenance database (CREATE/DROP DATABASE cannot run in a transaction). */
  admin(sqlText: string): Promise<void>;
  stop(): void;
}

function pgBin(): string {
  const root = '/usr/lib/postgresql';
  let versions: string[] = [];
  try {
    versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(a) - Number(b));
  } catch {
    // none installed
  }
  const bin = process.env.PG_BIN ?? (versions.length ? join(root, versions.at(-1)!, 'bin') : '');
  if (!bin) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql (set PG_BIN)');
  return bin;
}

/** Postgres refuses to run as root: run its tools as the `postgres` user then, as the test script does. */
function asPg(cmd: string, args: string[]): string {
  const root = process.getuid?.() === 0;
  return root
    ? execFileSync('runuser', ['-u', process.env.PG_USER ?? 'postgres', '--', cmd, ...args], { encoding: 'utf8' })
    : execFileSync(cmd, args, { encoding: 'utf8' });
}

export async function startBenchPostgres(dir: string): Promise<BenchPostgres> {
  const bin = pgBin();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', process.env.PG_USER ?? 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', process.env.PG_USER ?? 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  asPg(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  const port = await freePort();
  const opts = [
    '-c listen_addresses=127.0.0.1', `-p ${port}`, `-k ${dir}`,
    // Durable, as in production (and as the raw-insert baseline is measured): the defaults, stated.
    '-c fsync=on', '-c synchronous_commit=on', '-c full_page_writes=on',
    // Three nodes of 10 connections each, the benchmark's own clients and the copy.
    '-c max_connections=100',
    // Statements that waited on a lock for a second or more, for reading after the run.
    '-c log_lock_waits=on',
  ].join(' ');
  asPg(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start', '-o', opts]);
  const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const admin = async (sqlText: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sqlText);
    } finally {
      await c.end();
    }
  };
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  const settings: Record<string, string> = {};
  let version = '';
  try {
    for (const name of ['fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers']) {
      settings[name] = String((await c.query(`show ${name}`)).rows[0][name]);
    }
    version = String((await c.query('show server_version')).rows[0].server_version);
  } finally {
    await c.end();
  }
  return {
    adminUrl,
    version,
    settings,
    url: (database) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    admin,
    stop: () => {
      try {
        asPg(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        // The server's log outlives it (timeouts, lock waits and errors the nodes only summarise).
        if (existsSync(join(dir, 'server.log'))) copyFileSync(join(dir, 'server.log'), join(dirname(dir), 'postgres-server.log'));
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
