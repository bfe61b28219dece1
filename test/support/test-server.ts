import { rmSync } from 'node:fs';
import type { Logger } from 'pino';
import { loadConfig, type ConfigOverrides } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { type RunningServer, startServer } from '../../src/main.js';
import { TEST_MFA_KEY, tempDir } from './harness.js';
import { TEST_STORE, dropDatabase, freshDatabase } from './pg.js';

/** A server a test started in its own process, and what it runs on. */
export interface TestServer {
  readonly server: RunningServer;
  readonly config: Config;
  readonly dataDir: string;
  /** The PostgreSQL database behind it, when the suite runs on PostgreSQL. */
  readonly database: string | undefined;
  /** Stops the server, keeping its store (a test may open it again); closing twice closes once. */
  close(): Promise<void>;
  /** Stops the server, then removes the data directory and the database this helper made (once). */
  stop(): Promise<void>;
}

/**
 * `elevate serve` in this process, as tests of the whole server start it: any free port, the demo
 * data, no log, a fresh data directory, and a fresh database when the suite runs on PostgreSQL
 * (ELEVATE_TEST_STORE), so one test covers both stores. `overrides` are the test's own settings;
 * a `dataDir` given there is the test's to remove.
 */
export async function startTestServer(overrides: ConfigOverrides = {}, opts: { logger?: Logger; store?: 'sqlite' | 'postgres' } = {}): Promise<TestServer> {
  const ownDir = overrides.dataDir === undefined;
  const dataDir = (overrides.dataDir as string | undefined) ?? tempDir();
  const database = (opts.store ?? TEST_STORE) === 'postgres' && overrides.database === undefined ? await freshDatabase() : undefined;
  const config = loadConfig({
    env: {},
    overrides: { port: 0, demo: true, logLevel: 'silent', ...overrides, dataDir, ...(database !== undefined && { database, mfaKey: TEST_MFA_KEY }) },
  });
  const removeOwn = async () => {
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    if (database !== undefined) await dropDatabase(database);
  };
  let server: RunningServer;
  try {
    server = await startServer(config, opts.logger ? { logger: opts.logger } : {});
  } catch (e) {
    await removeOwn();
    throw e;
  }
  let closed: Promise<void> | null = null;
  let removed: Promise<void> | null = null;
  const close = () => (closed ??= server.close());
  return {
    server,
    config,
    dataDir,
    database,
    close,
    stop: () => (removed ??= close().then(removeOwn)),
  };
}
