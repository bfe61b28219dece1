// Scenario 4 alone, on SQLite and on a durable PostgreSQL (fsync and synchronous_commit on, on the
// same disk): durable creates next to raw durable single-row inserts, measured back to back.
//
//   npx tsc -p bench/tsconfig.json && node bench/.build/bench/durable-writes.js [--store sqlite|postgres]
//       [--connections 10] [--seconds 5] [--pool 10] [--pg "-c commit_delay=100 ..."] [--profile DIR]
//
// Until the main suite has a PostgreSQL store (bench/run.ts), this is how the PostgreSQL figures of
// issue 13 are measured.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { rawDurableInserts } from './scenarios/api.js';
import { basicAuth, load } from './lib/load.js';
import { freePort, startElevate } from './lib/proc.js';

const argv = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1]! : dflt;
};
const store = arg('store', 'sqlite');
const connections = Number(arg('connections', '10'));
const seconds = Number(arg('seconds', '5'));
const pool = Number(arg('pool', '10'));
const pgOpts = arg('pg', '');
const profileDir = arg('profile', '');
const root = resolve(arg('data', 'bench/.data/durable-writes'));
const JEN = basicAuth('jen', 'jen');
const API = '/api/pamresources';

rmSync(root, { recursive: true, force: true });
mkdirSync(root, { recursive: true });
const say = (s: string) => process.stdout.write(`${s}\n`);

/**
 * A PostgreSQL as durable as production: the shipped defaults (fsync, synchronous_commit and
 * full_page_writes on), its data under `root` (the same disk as SQLite's), extra settings from --pg.
 */
async function startDurablePostgres(): Promise<{ url: string; stop(): void }> {
  const bin = execFileSync('bash', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1']).toString().trim();
  const dir = join(root, 'pg');
  mkdirSync(dir);
  const isRoot = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root.
  const asPg = (cmd: string, args: string[]) => (isRoot ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args]) : execFileSync(cmd, args));
  if (isRoot) execFileSync('chown', ['postgres:', dir]);
  asPg(`${bin}/initdb`, ['-D', `${dir}/data`, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  const port = await freePort();
  asPg(`${bin}/pg_ctl`, ['-D', `${dir}/data`, '-l', `${dir}/server.log`, '-w', '-t', '30', 'start', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c max_connections=200 ${pgOpts}`]);
  return { url: `postgresql://postgres@127.0.0.1:${port}`, stop: () => void asPg(`${bin}/pg_ctl`, ['-D', `${dir}/data`, '-m', 'fast', '-w', 'stop']) };
}

let stopPg = () => {};

async function main(): Promise<void> {
  let rawPerS: number;
  let configExtra = '';
  if (store === 'postgres') {
    const p = await startDurablePostgres();
    stopPg = p.stop;
    const c = new pg.Client({ connectionString: `${p.url}/postgres` });
    await c.connect();
    const settings = await c.query(`select name, setting from pg_settings where name in ('fsync','synchronous_commit','full_page_writes','wal_sync_method','commit_delay','commit_siblings')`);
    say(`PostgreSQL ${settings.rows.map((r) => `${r.name}=${r.setting}`).join(' ')}`);
    await c.query('create table t (id text primary key, created_at bigint not null, body text not null)');
    const body = 'x'.repeat(200);
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 2000) await c.query('insert into t (id, created_at, body) values ($1, $2, $3)', [`row-${n++}`, Date.now(), body]);
    rawPerS = n / ((performance.now() - t0) / 1000);
    await c.query('create database elevate');
    await c.end();
    // Nodes on one database share the MFA key; a fixed one is fine for a benchmark.
    configExtra = `database: ${p.url}/elevate\ndatabasePoolSize: ${pool}\nmfaKey: ${Buffer.alloc(32, 7).toString('base64')}\n`;
  } else {
    rawPerS = rawDurableInserts(join(root, 'raw'), 2).perS;
  }
  say(`raw durable single-row inserts (${store}): ${Math.round(rawPerS)}/s`);

  const dataDir = join(root, 'data');
  const logFile = join(root, 'elevate.log');
  const configFile = join(root, 'elevate.yaml');
  writeFileSync(configFile, `requestRateLimit: { max: 100000, windowSeconds: 1 }\n${configExtra}`);
  const first = await startElevate({ dataDir, logFile, demo: true, configFile });
  await first.stop();
  const server = await startElevate({ dataDir, logFile, configFile, nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`] : [] });
  try {
    const roles = (await (await fetch(`${server.url}${API}/pamroles`, { headers: { authorization: JEN } })).json()) as { value: { RoleId: string; DisplayName: string }[] };
    const role = roles.value.find((r) => r.DisplayName === 'Allow AD Access')!;
    const r = await load({
      url: server.url, path: `${API}/pamrequests`, method: 'POST',
      headers: { authorization: JEN, 'content-type': 'application/x-www-form-urlencoded' },
      body: `RoleId=${role.RoleId}&RequestedTTL=3600&Justification=durable`,
      connections, warmupS: 2, durationS: seconds,
    });
    say(`durable creates (${store}, ${connections} connections${store === 'postgres' ? `, pool ${pool}` : ''}): ${Math.round(r.rps)}/s, p50 ${r.latency.p50.toFixed(1)} ms, p99 ${r.latency.p99.toFixed(1)} ms, non-2xx ${r.non2xx}: ${((100 * r.rps) / rawPerS).toFixed(0)}% of raw`);
  } finally {
    await server.stop();
  }
}

try {
  await main();
} finally {
  stopPg();
}
