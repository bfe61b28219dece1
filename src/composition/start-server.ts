import type { Server as TlsServer } from 'node:tls';
import type { Logger } from 'pino';
import { systemClock } from '../adapters/clock/system-clock.js';
import { dataDirWarning } from '../adapters/store/sqlite/sqlite-store.js';
import { readTlsFiles } from '../adapters/tls/tls-files.js';
import { readBacklog } from '../app/backlog.js';
import type { Core } from '../app/core.js';
import { DEMO_TOTP_SECRET, seedDemo } from '../app/demo.js';
import type { DueWorkLoop } from '../app/due-work-loop.js';
import type { Config } from '../config/schema.js';
import { buildApp } from '../http/app.js';
import { Metrics } from '../http/metrics.js';
import { startCheckpoints } from './audit-checkpoints.js';
import { auditSinks, startAuditExport } from './audit-export.js';
import { dueWorkLoop, notificationSender, startReconciler } from './background-work.js';
import { firstAdministrator } from './first-administrator.js';
import { createLogger } from './logger.js';
import { type CoreOptions, openCore } from './open-core.js';
import { openSignIn } from './sign-in-wiring.js';

function logMfaKey(logger: Logger, core: Core): void {
  const k = core.mfaKey;
  const log = logger.child({ component: 'mfa', keyId: k.keyId, keyFile: k.path });
  if (k.origin === 'generated' || k.origin === 'data-dir') {
    // Beside the database it protects, the key guards copies of the database file only.
    log.warn(
      `MFA secrets are sealed with ${k.origin === 'generated' ? 'a new key generated' : 'the key'} in the data directory; production should supply its own (mfaKeyFile or ELEVATE_MFA_KEY_FILE) kept apart from the data`,
    );
  }
  if (k.warning) log.warn(k.warning);
  if (k.sealing.sealed > 0) log.info({ sealed: k.sealing.sealed }, 'sealed MFA secrets that were stored in plaintext');
}

export interface RunningServer {
  readonly url: string;
  readonly core: Core;
  readonly loop: DueWorkLoop;
  /**
   * Reads the TLS certificate and key again and serves new connections with them, keeping the
   * listener and open connections (SIGHUP). Throws, keeping the old pair, when the files are unusable.
   */
  reloadTls(): void;
  close(): Promise<void>;
}

/** Starts `elevate serve`: store, scheduler, HTTP. */
export async function startServer(config: Config, opts: CoreOptions & { logger?: Logger } = {}): Promise<RunningServer> {
  const logger = opts.logger ?? createLogger(config);
  // Before the store opens: an unreadable CA, token or secret file stops the start here.
  const exportSinks = auditSinks(config, opts.clock ?? systemClock);
  const core = await openCore(config, {
    ...opts,
    onStoreConnectionError: (e) => logger.warn({ component: 'store', err: e.message }, 'database connection lost; the pool reconnects when it can'),
    onMigrated: (applied) => {
      if (applied.length > 0) logger.info({ component: 'store', migrations: applied }, `store schema migrated: applied ${applied.join(', ')}`);
    },
  });
  logMfaKey(logger, core);
  // Before anything runs: a configured sign-in method that cannot work stops the server here.
  let signIn;
  try {
    signIn = await openSignIn(config, core);
  } catch (e) {
    await core.close();
    throw e;
  }
  const dirWarning = config.database === undefined ? dataDirWarning(config.dataDir) : null;
  if (dirWarning) logger.warn({ component: 'store' }, dirWarning);
  if (config.demo && (await seedDemo(core.deps, core.hasher))) {
    logger.warn({ users: ['jen', 'ann', 'admin'], jenTotpSecret: DEMO_TOTP_SECRET }, 'demo data seeded: users jen/jen, ann/ann, admin/admin');
  }
  await firstAdministrator(core, config, logger);
  const metrics = new Metrics(() => readBacklog(core.deps), { processMetrics: true });
  // The set-based expiry writes its notifications without a Lifecycle, so it wakes the notifier here.
  const notifications = { poke: (): void => {} };
  const loop = dueWorkLoop(core, config, logger, metrics, () => notifications.poke());
  await loop.start();
  const reconciler = startReconciler(core, config, logger);
  const purge = setInterval(() => {
    core.sessions.purgeExpired().catch((err) => logger.warn({ err }, 'could not purge expired sessions'));
  }, 10 * 60_000);
  purge.unref();
  // Not configured, the addon is not loaded at all (its GSS-API libraries are 4 MB resident); a
  // configuration that needs it and cannot load it stops the start in openSignIn.
  if (signIn.kerberos) logger.info({ component: 'kerberos', service: config.kerberos?.service, realm: config.kerberos?.realm }, 'accepting Kerberos (Negotiate) on the API');
  if (signIn.oidc) logger.info({ component: 'oidc', issuer: config.oidc?.issuer, clientId: config.oidc?.clientId }, 'single sign-on through OpenID Connect');
  if (!config.passwordSignIn) logger.info({ component: 'auth' }, 'password sign-in is switched off');
  const checkpoints = startCheckpoints(core, config, logger);
  const auditExport = startAuditExport(core, config, exportSinks, logger, metrics);
  const app = await buildApp({ core, config, logger, metrics, signIn, ...(config.tls && { tls: readTlsFiles(config.tls) }) });
  const address = await app.listen({ host: config.host, port: config.port });
  const portalUrl = config.portalUrl ?? address;
  const notifier = notificationSender(core, config, logger, metrics, portalUrl);
  await notifier.start();
  notifications.poke = () => void notifier.poke();
  return {
    url: address,
    core,
    loop,
    reloadTls() {
      if (!config.tls) throw new Error('no TLS certificate is configured (tls.certFile, tls.keyFile)');
      (app.server as unknown as TlsServer).setSecureContext(readTlsFiles(config.tls));
    },
    async close() {
      clearInterval(purge);
      reconciler.stop();
      await app.close();
      await notifier.stop();
      await loop.stop();
      await checkpoints.stop();
      // After the last checkpoint, so it goes out too and the export's tail is anchored.
      await auditExport.stop();
      await core.close();
    },
  };
}
