// `node bench/.build/bench/pamroles-cpu.js [--calls N] [--database URL]`: the CPU one GET pamroles
// costs inside the server process (Fastify's inject, no socket), against a Fastify route that
// answers the same body with no hooks and no store. A figure that a loaded machine skews far less
// than req/s over sockets (docs/benchmarks.md). --database runs on an empty PostgreSQL database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { pino } from 'pino';
import { ScryptHasher } from '../src/adapters/crypto/scrypt-hasher.js';
import { seedDemo } from '../src/app/demo.js';
import { loadConfig } from '../src/config/load.js';
import { buildApp } from '../src/http/app.js';
import { openCore } from '../src/main.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const calls = Number(arg('calls', '5000'));
const database = arg('database', '') || undefined;

/** CPU microseconds per call of `once`, after a warm-up of a fifth as many calls. */
async function cpuPerCall(once: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < calls / 5; i++) await once();
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) await once();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / calls;
}

const dataDir = mkdtempSync(join(tmpdir(), 'elevate-pamroles-cpu-'));
const config = loadConfig({ env: {}, overrides: { dataDir, port: 0, logLevel: 'silent', timeZone: 'UTC', ...(database && { database, mfaKey: Buffer.alloc(32, 7).toString('base64') }) } });
const hasher = new ScryptHasher({ n: 1024, r: 8, p: 1 });
const core = await openCore(config, { hasher });
try {
  await seedDemo(core.deps, core.hasher);
  const app = await buildApp({ core, config, logger: pino({ level: 'silent' }) });
  await app.ready();
  const headers = { authorization: `Basic ${Buffer.from('jen:jen').toString('base64')}`, host: 'localhost' };
  const first = await app.inject({ method: 'GET', url: '/api/pamresources/pamroles', headers });
  if (first.statusCode !== 200) throw new Error(`GET pamroles answered ${first.statusCode}: ${first.body}`);
  const body = first.body;
  const bare = Fastify();
  bare.get('/x', async (_req, reply) => reply.type('application/json; charset=utf-8').send(body));
  await bare.ready();
  const bareUs = await cpuPerCall(() => bare.inject({ method: 'GET', url: '/x' }));
  const rolesUs = await cpuPerCall(() => app.inject({ method: 'GET', url: '/api/pamresources/pamroles', headers }));
  const line = { store: database ? 'postgres' : 'sqlite', calls, bytes: body.length, fastifyBareUsPerCall: Math.round(bareUs), pamrolesUsPerCall: Math.round(rolesUs), ratio: Math.round((100 * bareUs) / rolesUs) / 100 };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  await app.close();
  await bare.close();
} finally {
  await core.close();
  rmSync(dataDir, { recursive: true, force: true });
}
