// `node bench/.build/bench/create-statements.js [--creates N] [--database URL]`: the SQL statements
// one durable create runs (POST pamrequests for a role with no approval and no MFA, each extending
// the caller's last elevation, as scenario 4 does), counted at the driver. --database runs on an
// empty PostgreSQL database. The rate limit is the bench server's (scenario 4), so N may be large:
// `node --cpu-prof` on it profiles creates without HTTP.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ScryptHasher } from '../src/adapters/crypto/scrypt-hasher.js';
import { callerOf } from '../src/app/authenticate.js';
import { createRequestUseCase } from '../src/app/create-request.js';
import { seedDemo } from '../src/app/demo.js';
import { loadConfig } from '../src/config/load.js';
import { openCore } from '../src/main.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const creates = Number(arg('creates', '20'));
const database = arg('database', '') || undefined;

const statements = new Map<string, number>();
let counting = false;
const count = (text: string) => {
  if (!counting) return;
  const k = text.replace(/\s+/g, ' ').slice(0, 110);
  statements.set(k, (statements.get(k) ?? 0) + 1);
};
if (database) {
  const orig = pg.Client.prototype.query as (...a: unknown[]) => unknown;
  (pg.Client.prototype as { query: unknown }).query = function (this: unknown, ...a: unknown[]) {
    const q = a[0] as string | { text: string };
    count(typeof q === 'string' ? q : q.text);
    return orig.apply(this, a);
  };
} else {
  const Driver = createRequire(import.meta.url)('better-sqlite3');
  const proto = Object.getPrototypeOf(new Driver(':memory:').prepare('select 1'));
  for (const m of ['run', 'all', 'get', 'iterate'] as const) {
    const orig = proto[m];
    proto[m] = function (this: { source: string }, ...a: unknown[]) {
      count(this.source);
      return orig.apply(this, a);
    };
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'elevate-create-statements-'));
const config = loadConfig({ env: {}, overrides: { dataDir, port: 0, logLevel: 'silent', timeZone: 'UTC', requestRateLimit: { max: 100_000, windowSeconds: 1 }, ...(database && { database, mfaKey: Buffer.alloc(32, 7).toString('base64') }) } });
const core = await openCore(config, { hasher: new ScryptHasher({ n: 1024, r: 8, p: 1 }) });
try {
  await seedDemo(core.deps, core.hasher);
  const jen = (await core.store.read((tx) => tx.accounts.byLogin('jen')))!;
  const role = (await core.store.read((tx) => tx.roles.byName('Allow AD Access')))!;
  const create = () => createRequestUseCase(core.deps, callerOf(jen), { roleId: role.id, ttlSeconds: 3600, justification: 'bench', ticketId: null, requestedAt: null, creationMethod: 'bench' });
  await create();
  counting = true;
  for (let i = 0; i < creates; i++) await create();
  counting = false;
  const total = [...statements.values()].reduce((a, n) => a + n, 0);
  process.stdout.write(`${database ? 'postgres' : 'sqlite'}: ${(total / creates).toFixed(1)} statements per create\n`);
  for (const [k, n] of [...statements].sort((a, b) => b[1] - a[1])) process.stdout.write(`${(n / creates).toFixed(2).padStart(6)}  ${k}\n`);
} finally {
  await core.close();
  rmSync(dataDir, { recursive: true, force: true });
}
