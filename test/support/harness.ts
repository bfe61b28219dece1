import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { ScryptHasher } from '../../src/adapters/crypto/scrypt-hasher.js';
import { seedDemo } from '../../src/app/demo.js';
import { runDueWork } from '../../src/app/run-due-work.js';
import { loadConfig, type ConfigOverrides } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { buildApp } from '../../src/http/app.js';
import type { Core } from '../../src/app/core.js';
import { openCore } from '../../src/main.js';
import { openSignIn } from '../../src/composition/sign-in-wiring.js';
import type { Clock } from '../../src/ports/clock.js';
import type { PasswordHasher } from '../../src/ports/password-hasher.js';
import { TEST_STORE, dropDatabase, freshDatabase } from './pg.js';

/** A clock tests move by hand: no test sleeps to let time pass. */
export class FakeClock implements Clock {
  constructor(public t: number = Date.UTC(2026, 0, 5, 10, 0, 0)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(at: number): void {
    this.t = at;
  }
}

/** scrypt at a low cost: the same code path, fast enough for hundreds of sign-ins per suite. */
export const FAST_HASHER = new ScryptHasher({ n: 1024, r: 8, p: 1 });

export function tempDir(prefix = 'elevate-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function testConfig(dataDir: string, overrides: ConfigOverrides = {}): Config {
  return loadConfig({
    env: {},
    overrides: { dataDir, port: 0, logLevel: 'silent', timeZone: 'UTC', ...overrides },
  });
}

export interface TestCore {
  readonly core: Core;
  /** The configuration the core was opened with. */
  readonly config: Config;
  readonly clock: FakeClock;
  readonly dataDir: string;
  /** The PostgreSQL database behind the core, when the suite runs on PostgreSQL. */
  readonly database: string | undefined;
  /** Runs every due time-driven step now, as the scheduler's tick would. */
  tick(): ReturnType<typeof runDueWork>;
  /** Closes the store; keeps the data directory (for restart tests). */
  close(): Promise<void>;
  /** Closes the store and deletes the data directory. */
  destroy(): Promise<void>;
}

const databaseOf = new Map<string, string>();

/** The MFA key of every test store on PostgreSQL (32 bytes, base64); never a real one. */
export const TEST_MFA_KEY = Buffer.alloc(32, 7).toString('base64');

export async function makeCore(
  opts: { clock?: FakeClock; dataDir?: string; demo?: boolean; config?: ConfigOverrides; store?: 'sqlite' | 'postgres'; hasher?: PasswordHasher } = {},
): Promise<TestCore> {
  const clock = opts.clock ?? new FakeClock();
  const dataDir = opts.dataDir ?? tempDir();
  // A data directory reopened (restart tests) finds its database again.
  let database = opts.config?.database as string | undefined;
  if (database === undefined && (opts.store ?? TEST_STORE) === 'postgres') {
    database = databaseOf.get(dataDir) ?? (await freshDatabase());
    databaseOf.set(dataDir, database);
  }
  // Nodes on one database share one MFA key; tests that bring their own keep it.
  const key = database !== undefined && opts.config?.mfaKey === undefined && opts.config?.mfaKeyFile === undefined ? { mfaKey: TEST_MFA_KEY } : {};
  const config = testConfig(dataDir, { ...opts.config, ...(database !== undefined && { database }), ...key });
  const core = await openCore(config, { clock, hasher: opts.hasher ?? FAST_HASHER });
  if (opts.demo ?? true) await seedDemo(core.deps, core.hasher);
  let closed = false;
  const close = async () => {
    if (!closed) await core.close();
    closed = true;
  };
  return {
    core,
    config,
    clock,
    dataDir,
    database,
    tick: () => runDueWork(core.deps),
    close,
    destroy: async () => {
      await close();
      rmSync(dataDir, { recursive: true, force: true });
      if (database !== undefined && databaseOf.get(dataDir) === database) {
        databaseOf.delete(dataDir);
        await dropDatabase(database);
      }
    },
  };
}

export interface TestApp extends TestCore {
  readonly app: FastifyInstance;
}

/** The full HTTP app over a temp store, driven in-process with inject(). */
export async function makeApp(opts: Parameters<typeof makeCore>[0] = {}): Promise<TestApp> {
  const t = await makeCore(opts);
  // Single sign-on and Kerberos as `serve` wires them, when the configuration asks for them.
  const app = await buildApp({ core: t.core, config: t.config, logger: pino({ level: 'silent' }), signIn: await openSignIn(t.config, t.core) });
  await app.ready();
  return {
    ...t,
    app,
    close: async () => {
      await app.close();
      await t.close();
    },
    destroy: async () => {
      await app.close();
      await t.destroy();
    },
  };
}

/** A fresh app for each test of the calling suite: every test starts from the seeded demo data. */
export function appPerTest(opts: Parameters<typeof makeCore>[0] = {}): () => TestApp {
  let t: TestApp | undefined;
  beforeEach(async () => {
    t = await makeApp(opts);
  });
  afterEach(async () => {
    await t?.destroy();
    t = undefined;
  });
  return () => t!;
}

export function basic(login: string, password = login): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}` };
}

export const API = '/api/pamresources';

/** The role id of a demo role, read through the API as a client would. */
export async function roleId(app: FastifyInstance, name: string, login = 'jen'): Promise<string> {
  const res = await app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic(login) });
  const role = (res.json().value as { RoleId: string; DisplayName: string }[]).find((r) => r.DisplayName === name);
  if (!role) throw new Error(`role ${name} not visible to ${login}`);
  return role.RoleId;
}
