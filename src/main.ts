import { type DestinationStream, pino, type Logger } from 'pino';
import { EmbeddedDirectory } from './adapters/directory/embedded-directory.js';
import { LdapAuthenticator } from './adapters/directory/ldap/ldap-authenticator.js';
import { LdapDirectory } from './adapters/directory/ldap/ldap-directory.js';
import { reconcileGroups } from './app/outbox/reconcile.js';
import { runOutbox } from './app/outbox/run-outbox.js';
import type { Directory } from './ports/directory.js';
import { ScryptHasher } from './adapters/crypto/scrypt-hasher.js';
import { systemClock } from './adapters/clock/system-clock.js';
import { randomIds } from './adapters/ids/random-ids.js';
import { otpauthTotp } from './adapters/mfa/otpauth-totp.js';
import { simpleWebAuthn } from './adapters/mfa/simple-webauthn.js';
import { AesGcmSecretBox } from './adapters/crypto/aes-gcm-secret-box.js';
import { loadMfaKey } from './adapters/crypto/mfa-key.js';
import { type SealReport, sealStoredSecrets } from './app/mfa/seal-secrets.js';
import type { CopyReport } from './adapters/store/copy-store.js';
import { CheckpointFile, readCheckpointFile } from './adapters/audit/checkpoint-file.js';
import { checkpointVerifier, generateSigningKey, loadPublicKey, loadSigningKey } from './adapters/crypto/ed25519-checkpoint-keys.js';
import { signCheckpoint } from './app/audit/sign-checkpoint.js';
import type { CheckpointSource } from './app/audit/verify-audit-trail.js';
import type { CheckpointVerifier } from './ports/audit-checkpoints.js';
import { SqliteStore, dataDirWarning } from './adapters/store/sqlite/sqlite-store.js';
import { Authenticator } from './app/authenticate.js';
import type { Core } from './app/core.js';
import { readBacklog } from './app/backlog.js';
import { DEMO_TOTP_SECRET, seedDemo } from './app/demo.js';
import type { Deps } from './app/deps.js';
import { DueWorkLoop } from './app/due-work-loop.js';
import { WorkSignal } from './app/work-signal.js';
import { Sessions } from './app/sessions.js';
import { VerificationGate } from './app/verification-gate.js';
import type { Clock } from './ports/clock.js';
import type { PasswordHasher } from './ports/password-hasher.js';
import type { Store } from './ports/store.js';
import { ConfigError } from './config/load.js';
import type { Config } from './config/schema.js';
import { DomainError } from './domain/errors.js';
import { existsSync } from 'node:fs';
import type { Server as TlsServer } from 'node:tls';
import { readTlsFiles } from './adapters/tls/tls-files.js';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { buildApp } from './http/app.js';
import { Metrics } from './http/metrics.js';
import { requestLogSerializer } from './http/plugins/log-redaction.js';
import type { Wiring } from './cli/wiring.js';
import { checkDirectory } from './adapters/directory/ldap/directory-check.js';
import { backupStore, describeStore, restoreStore, storeState } from './store-admin.js';
import { createFirstAdministrator, hasAdministrator } from './app/admin/first-admin.js';
import { readFileSync } from 'node:fs';
import { negotiateUnavailable, openSignIn } from './sign-in-wiring.js';
import { DirectoryAddressBook } from './adapters/directory/directory-address-book.js';
import { EmailChannel } from './adapters/notify/email-channel.js';
import { readSecretFile } from './adapters/notify/secret-file.js';
import { SlackChannel } from './adapters/notify/slack-channel.js';
import { SlackWebInteractions } from './adapters/notify/slack-interactions.js';
import { TeamsChannel } from './adapters/notify/teams-channel.js';
import { WebhookChannel } from './adapters/notify/webhook-channel.js';
import { notificationLoop } from './app/notify/notification-loop.js';
import { FileSink } from './adapters/audit-export/file-sink.js';
import { HttpSink } from './adapters/audit-export/http-sink.js';
import { StreamSink } from './adapters/audit-export/stdout-sink.js';
import { SyslogSink } from './adapters/audit-export/syslog-sink.js';
import { AuditExportLoop } from './app/audit/audit-export-loop.js';
import { exportLag } from './app/audit/export-audit.js';
import type { AuditSink } from './ports/audit-sink.js';
import type { NotificationChannel } from './ports/notification-channel.js';

// The app-facing type lives beside the app layer; named here too for callers of openCore.
export type { Core } from './app/core.js';

/** Where checkpoints are appended: configured, or beside the embedded store. */
export function checkpointFilePath(config: Config): string {
  return config.audit.checkpointFile ?? join(config.dataDir, 'audit-checkpoints.jsonl');
}

function openCheckpointKit(config: Config): Core['auditCheckpoints'] {
  if (config.audit.signingKeyFile === undefined) return null;
  const { signer, publicKey, warning } = loadSigningKey(config.audit.signingKeyFile);
  return { signer, verifier: checkpointVerifier([publicKey]), log: new CheckpointFile(checkpointFilePath(config)), warning };
}

/**
 * What `elevate audit verify` checks checkpoints with: the public keys given (else the configured
 * signing key's public half) and the checkpoint files given (else the configured one, when it exists).
 */
export function auditVerifyInputs(
  config: Config,
  given: { readonly checkpointFiles: readonly string[]; readonly publicKeyFiles: readonly string[] },
): { verifier: CheckpointVerifier | null; sources: CheckpointSource[]; notes: string[] } {
  const notes: string[] = [];
  const keys = given.publicKeyFiles.map(loadPublicKey);
  if (keys.length === 0 && config.audit.signingKeyFile !== undefined) keys.push(loadSigningKey(config.audit.signingKeyFile).publicKey);
  const files = [...given.checkpointFiles];
  if (files.length === 0) {
    const configured = checkpointFilePath(config);
    if (existsSync(configured)) files.push(configured);
    else if (config.audit.signingKeyFile !== undefined) notes.push(`the checkpoint file ${configured} does not exist; only the store's checkpoints are checked`);
  }
  const sources = files.map((f) => {
    const { checkpoints, tornLastLine } = readCheckpointFile(f);
    if (tornLastLine) notes.push(`the last line of ${f} is incomplete (an append cut short by a crash) and was ignored`);
    return { where: f, checkpoints };
  });
  return { verifier: keys.length > 0 ? checkpointVerifier(keys) : null, sources, notes };
}

export interface CoreOptions {
  readonly clock?: Clock;
  /** Tests lower the scrypt cost; production keeps the default. */
  readonly hasher?: PasswordHasher;
  /** Told when a pooled database connection fails while idle (the pool reconnects by itself). */
  readonly onStoreConnectionError?: (e: Error) => void;
  /** Told which migrations opening the store applied (none when it was up to date). */
  readonly onMigrated?: (applied: readonly string[]) => void;
}

/**
 * PostgreSQL when a database URL is configured, else the embedded SQLite store in the data directory.
 * The PostgreSQL adapter (and `pg`, a few MB resident) loads only when configured.
 */
export async function openStore(config: Config, opts: Pick<CoreOptions, 'onStoreConnectionError'> = {}): Promise<Store> {
  if (config.database === undefined) return SqliteStore.open(config.dataDir, { accountDomain: config.accountDomain });
  const { PostgresStore } = await import('./adapters/store/postgres/postgres-store.js');
  return new PostgresStore(config.database, {
    accountDomain: config.accountDomain,
    poolSize: config.databasePoolSize,
    statementTimeoutMs: config.statementTimeoutMs,
    ...(opts.onStoreConnectionError && { onConnectionError: opts.onStoreConnectionError }),
  });
}

/** Opens the store (migrating it) and wires the use cases. The only place adapters are built. */
export async function openCore(config: Config, opts: CoreOptions = {}): Promise<Core> {
  // The key first: a bad key setting should stop us before the store is touched.
  if (config.database !== undefined && config.mfaKey === undefined && config.mfaKeyFile === undefined) {
    // A key generated into each node's data directory would differ between nodes, and a secret
    // enrolled through one could not be opened by another.
    throw new ConfigError(
      'with PostgreSQL every node must seal MFA secrets with the same key: set mfaKeyFile or mfaKey (ELEVATE_MFA_KEY_FILE, ELEVATE_MFA_KEY), e.g. from `openssl rand -base64 32`; after `elevate db copy`, use the source data directory\'s mfa.key',
    );
  }
  const mfaKey = loadMfaKey({ key: config.mfaKey, keyFile: config.mfaKeyFile, dataDir: config.dataDir });
  const auditCheckpoints = openCheckpointKit(config);
  const secrets = new AesGcmSecretBox(mfaKey.key);
  const store = await openMigratedStore(config, opts);
  const clock = opts.clock ?? systemClock;
  const ldapDirectories = Object.entries(config.directories).map(([name, c]) => new LdapDirectory(name, c, { now: () => clock.now() }));
  const directories = new Map<string, Directory>(ldapDirectories.map((d) => [d.name, d]));
  const deps: Deps = {
    store,
    clock,
    ids: randomIds,
    policy: {
      approvalTimeoutSeconds: config.approvalTimeoutSeconds,
      mfaTimeoutSeconds: config.mfaTimeoutSeconds,
      maxTtlSeconds: config.maxTtlSeconds,
      breakGlassMaxTtlSeconds: config.breakGlassMaxTtlSeconds,
      serverTimeZone: config.timeZone,
      mfaSelfEnrolment: config.mfaSelfEnrolment,
      requestRateLimit: { max: config.requestRateLimit.max, windowSeconds: config.requestRateLimit.windowSeconds },
      expiryWarningSeconds: config.notifications.expiryWarningMinutes * 60,
      revocationLateSeconds: config.notifications.revocationLateSeconds,
      teamsChannels: Object.keys(config.notifications.teams?.channels ?? {}),
    },
    secrets,
    directoryFor: (tx, name) => (name === 'embedded' ? new EmbeddedDirectory(tx.groups, tx.accounts) : directories.get(name)),
    workWritten: new WorkSignal(),
    // LDAP users' addresses, for notifications to accounts with none on file.
    ...(ldapDirectories.length > 0 && { addressBook: new DirectoryAddressBook(ldapDirectories) }),
  };
  const hasher = opts.hasher ?? new ScryptHasher();
  const signIn = Object.entries(config.directories)
    .filter(([, c]) => c.signIn)
    .map(([name, c]) => {
      const ldap = new LdapAuthenticator(name, c, {});
      return { name, verify: (login: string, password: string) => ldap.verifyByBind(login, password) };
    });
  const gate = new VerificationGate(
    {
      concurrency: config.signIn.verificationConcurrency,
      queue: config.signIn.verificationQueue,
      perAddress: config.signIn.addressConcurrency,
      failuresPerAddress: config.signIn.addressFailures,
      failureWindowMs: 15 * 60_000,
    },
    () => clock.now(),
  );
  const authenticator = new Authenticator(deps, hasher, signIn, gate);
  const sessions = new Sessions(deps, authenticator, {
    idleTimeoutMs: config.session.idleTimeoutSeconds * 1000,
    absoluteTimeoutMs: config.session.absoluteTimeoutSeconds * 1000,
  });
  let sealing: SealReport;
  try {
    sealing = await sealStoredSecrets(deps);
  } catch (e) {
    await store.close();
    throw e;
  }
  const { key: _key, ...keyInfo } = mfaKey;
  return {
    deps,
    store,
    hasher,
    authenticator,
    sessions,
    mfa: { totp: otpauthTotp, webauthn: simpleWebAuthn, issuer: 'Elevate' },
    mfaKey: { ...keyInfo, keyId: secrets.keyId, sealing },
    directories,
    auditCheckpoints,
    checkpointAudit: async () => (auditCheckpoints ? signCheckpoint(deps, auditCheckpoints) : null),
    slack: slackInteractions(config),
    close: () => store.close(),
  };
}

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

/** Creates the bootstrap administrator when configured, and says how to make one when none exists. */
async function firstAdministrator(core: Core, config: Config, logger: Logger): Promise<void> {
  const log = logger.child({ component: 'bootstrap' });
  if (config.bootstrapAdmin !== undefined && config.bootstrapAdminPasswordFile !== undefined && !(await hasAdministrator(core.deps))) {
    let password: string;
    try {
      password = readFileSync(config.bootstrapAdminPasswordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new ConfigError(`bootstrapAdminPasswordFile: cannot read ${config.bootstrapAdminPasswordFile}: ${(e as Error).message}`);
    }
    await createFirstAdministrator(core.deps, core.hasher, config.bootstrapAdmin, password);
    log.warn({ login: config.bootstrapAdmin }, 'first administrator created from bootstrapAdmin; remove the bootstrap settings and the password file');
  }
  if (!(await hasAdministrator(core.deps))) {
    const where = config.database === undefined ? `--data ${config.dataDir}` : '--database URL';
    log.warn(
      `no administrator exists: nobody can manage users, groups or roles through the API. Create one with \`elevate init ${where} --admin LOGIN --password-file FILE\` ` +
        '(or `elevate user add LOGIN --admin`), or start with ELEVATE_BOOTSTRAP_ADMIN=LOGIN and ELEVATE_BOOTSTRAP_ADMIN_PASSWORD_FILE=FILE',
    );
  }
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

export function createLogger(config: Config, destination?: DestinationStream): Logger {
  // The audit export's stdout sink owns stdout: the log goes to stderr so the two never mix.
  const dest = destination ?? (config.audit.export.sinks.some((s) => s.type === 'stdout') ? pino.destination(2) : undefined);
  return pino({
    level: config.logLevel,
    // Secrets never reach the log, whatever a future log line includes.
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'password', '*.password', 'csrfToken', 'mfaKey', '*.mfaKey', 'secret', '*.secret', 'Code', '*.Code'],
      censor: '[redacted]',
    },
    serializers: { req: requestLogSerializer },
  }, dest);
}

/**
 * The configured audit export sinks (issue 17 §4), their files (CA, token, secret) read now, so a
 * missing one stops the start rather than the first batch.
 */
export function auditSinks(config: Config, clock: Clock): AuditSink[] {
  return config.audit.export.sinks.map((s): AuditSink => {
    switch (s.type) {
      case 'file':
        return new FileSink({ name: s.name, path: s.path, maxBytes: s.maxBytes, keep: s.keep });
      case 'stdout':
        return new StreamSink(s.name);
      case 'syslog': {
        const t = s.tls;
        return new SyslogSink({
          name: s.name,
          host: s.host,
          port: s.port ?? (t ? 6514 : 514),
          identity: { hostname: s.hostname ?? hostname(), appName: s.appName, procId: String(process.pid), facility: s.facility },
          ...(t && {
            tls: {
              ...(t.caFile !== undefined && { ca: readFileSync(t.caFile, 'utf8') }),
              ...(t.certFile !== undefined && { cert: readFileSync(t.certFile, 'utf8') }),
              ...(t.keyFile !== undefined && { key: readFileSync(t.keyFile, 'utf8') }),
              ...(t.serverName !== undefined && { serverName: t.serverName }),
            },
          }),
        });
      }
      case 'http':
        return new HttpSink({
          name: s.name,
          url: s.url,
          ...(s.bearerTokenFile !== undefined && { bearerToken: readSecretFile(s.bearerTokenFile, 'audit export bearer token') }),
          ...(s.hmacSecretFile !== undefined && { hmacSecret: readSecretFile(s.hmacSecretFile, 'audit export HMAC secret') }),
          nowSeconds: () => Math.floor(clock.now() / 1000),
        });
    }
  });
}

/** One export loop per sink; reports feed the metrics and the log (never a secret: sinks are named). */
function startAuditExport(core: Core, config: Config, sinks: readonly AuditSink[], logger: Logger, metrics: Metrics): { stop(): Promise<void> } {
  const log = logger.child({ component: 'audit-export' });
  const e = config.audit.export;
  const opts = { holder: randomUUID(), leaseMs: e.leaseSeconds * 1000, batchSize: e.batchSize, sendTimeoutMs: e.sendTimeoutMs };
  const loops = sinks.map(
    (sink) =>
      new AuditExportLoop(
        core.deps,
        sink,
        opts,
        config.tickMs,
        (r) => {
          metrics.auditExported(r);
          if (r.entries > 0 || r.checkpoints > 0) log.debug({ sink: r.sink, entries: r.entries, checkpoints: r.checkpoints, lagRecords: r.lagRecords }, 'audit records exported');
          if (r.error !== null) log.warn({ sink: r.sink, kind: sink.kind, lagRecords: r.lagRecords, err: r.error }, 'audit export batch not accepted; will retry');
        },
        (err) => {
          metrics.auditExportFailed(sink.name);
          log.error({ sink: sink.name, err }, 'audit export pass failed; will retry');
        },
      ),
  );
  metrics.watchAuditExport(() => Promise.all(sinks.map(async (s) => ({ sink: s.name, ...(await exportLag(core.deps, s.name)) }))));
  for (const l of loops) {
    log.info({ sink: l.sink.name, kind: l.sink.kind }, 'exporting the audit trail');
    void l.start();
  }
  return { stop: async () => void (await Promise.all(loops.map((l) => l.stop()))) };
}

/**
 * The configured notification channels (issue 15), their secrets read from their files now, so a
 * missing file stops the start rather than the first delivery.
 */
export function notificationChannels(config: Config, clock: Clock, portalUrl: string): NotificationChannel[] {
  const n = config.notifications;
  const channels: NotificationChannel[] = n.webhooks.map((w) => new WebhookChannel({ url: w.url, secret: readSecretFile(w.secretFile, 'webhook secret'), events: w.events, source: portalUrl, clock }));
  if (n.email) {
    const password = n.email.passwordFile === undefined ? undefined : readSecretFile(n.email.passwordFile, 'SMTP password');
    channels.push(new EmailChannel({ url: n.email.url, from: n.email.from, requireTls: n.email.requireTls, ...(password !== undefined && { password }) }));
  }
  if (n.slack) channels.push(new SlackChannel({ token: readSecretFile(n.slack.tokenFile, 'Slack token'), channel: n.slack.channel, apiUrl: n.slack.apiUrl }));
  if (n.teams) {
    const global = n.teams.webhookUrlFile === undefined ? null : readSecretFile(n.teams.webhookUrlFile, 'Teams webhook URL');
    const named = new Map(Object.entries(n.teams.channels).map(([name, c]) => [name, readSecretFile(c.webhookUrlFile, `Teams webhook URL of '${name}'`)]));
    channels.push(new TeamsChannel(global, named));
  }
  return channels;
}

function slackInteractions(config: Config): SlackWebInteractions | null {
  const s = config.notifications.slack;
  if (s?.signingSecretFile === undefined) return null;
  return new SlackWebInteractions({ token: readSecretFile(s.tokenFile, 'Slack token'), signingSecret: readSecretFile(s.signingSecretFile, 'Slack signing secret'), apiUrl: s.apiUrl, users: s.users });
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
  const loop = new DueWorkLoop(
    core.deps,
    config.tickMs,
    (r) => {
      notifications.poke();
      metrics.expiriesHandled(r.expiryLatenessMs);
      metrics.dueWorkFailed(r.failed);
      const lateness = [...r.expiryLatenessMs].sort((a, b) => a - b);
      const maxLateMs = lateness.at(-1);
      const at = (q: number) => lateness[Math.min(lateness.length - 1, Math.floor(lateness.length * q))];
      logger.info(
        { component: 'scheduler', processed: r.processed, failed: r.failed, expiries: lateness.length, maxLateMs, p50LateMs: at(0.5), p99LateMs: at(0.99) },
        'due work done',
      );
      for (const e of r.errors) logger.error({ component: 'scheduler', requestId: e.requestId, err: e.message }, 'due work failed; will retry');
    },
    (e) => logger.error({ component: 'scheduler', err: e }, 'due work pass failed; will retry on the next tick'),
    core.directories.size === 0
      ? null
      : {
          run: () => runOutbox(core.deps, { directoryFor: (name) => core.directories.get(name), leaseMs: config.outboxLeaseSeconds * 1000 }),
          onReport: (r) => {
            metrics.revokesConfirmed(r.expiryLatenessMs);
            for (const f of r.failed) metrics.outboxFailed(f.kind);
            if (r.applied > 0) logger.info({ component: 'outbox', applied: r.applied, expiryLatenessMs: r.expiryLatenessMs }, 'directory changes applied');
            // Every failed attempt is logged at error level: a revoke that cannot reach its
            // directory is access outliving its grant, which someone must look at.
            for (const f of r.failed) {
              logger.error({ component: 'outbox', jobId: f.jobId, requestId: f.requestId, kind: f.kind, group: f.group, attempts: f.attempts, err: f.error }, `${f.kind} not applied; will retry`);
            }
          },
        },
  );
  await loop.start();
  const reconcile = async () => {
    try {
      // The lease lapses a little before the next round, so some node always takes the next one.
      const leaseMs = Math.max(1000, config.reconcileIntervalSeconds * 900);
      for (const d of await reconcileGroups(core.deps, (name) => core.directories.get(name), { leaseMs })) {
        const log = d.outcome === 'failed' ? logger.error.bind(logger) : logger.warn.bind(logger);
        log({ component: 'reconciler', ...d }, `membership drift: ${d.login} ${d.kind} in ${d.group} (${d.outcome})`);
      }
    } catch (err) {
      logger.error({ component: 'reconciler', err }, 'reconciliation failed; will try again');
    }
  };
  // On start and periodically: standing access that crept in, or a revoke that was lost, is found.
  if (core.directories.size > 0) void reconcile();
  const reconciler = setInterval(() => void (core.directories.size > 0 && reconcile()), config.reconcileIntervalSeconds * 1000);
  reconciler.unref();
  const purge = setInterval(() => {
    core.sessions.purgeExpired().catch((err) => logger.warn({ err }, 'could not purge expired sessions'));
  }, 10 * 60_000);
  purge.unref();
  if (!signIn.kerberos) {
    const why = await negotiateUnavailable();
    if (why !== null) logger.info({ component: 'kerberos' }, `Negotiate (Kerberos) is unavailable on this server: ${why}`);
  } else logger.info({ component: 'kerberos', service: config.kerberos?.service, realm: config.kerberos?.realm }, 'accepting Kerberos (Negotiate) on the API');
  if (signIn.oidc) logger.info({ component: 'oidc', issuer: config.oidc?.issuer, clientId: config.oidc?.clientId }, 'single sign-on through OpenID Connect');
  if (!config.passwordSignIn) logger.info({ component: 'auth' }, 'password sign-in is switched off');
  const checkpoints = startCheckpoints(core, config, logger);
  const auditExport = startAuditExport(core, config, exportSinks, logger, metrics);
  const app = await buildApp({ core, config, logger, metrics, signIn, ...(config.tls && { tls: readTlsFiles(config.tls) }) });
  const address = await app.listen({ host: config.host, port: config.port });
  const portalUrl = config.portalUrl ?? address;
  const notifier = notificationLoop(
    core.deps,
    { channels: notificationChannels(config, core.deps.clock, portalUrl), portalUrl, leaseMs: config.outboxLeaseSeconds * 1000, sendTimeoutMs: config.notifications.sendTimeoutMs },
    config.tickMs,
    (r) => {
      metrics.notificationsDelivered(r.latenessMs);
      for (const f of r.failed) metrics.notificationFailed(f.receiver);
      if (r.delivered > 0) logger.info({ component: 'notifications', delivered: r.delivered }, 'notifications delivered');
      // The receiver is a URL or channel name; secrets are never part of it.
      for (const f of r.failed) logger.warn({ component: 'notifications', notificationId: f.notificationId, receiver: f.receiver, attempts: f.attempts, err: f.error }, 'notification not delivered; will retry');
    },
    (e) => logger.error({ component: 'notifications', err: e }, 'notification pass failed; will retry'),
  );
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
      clearInterval(reconciler);
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

/**
 * Checkpoints the audit head at start, every `audit.checkpointIntervalSeconds` when it moved, and
 * at shutdown. Entries after the newest checkpoint are protected by the chain alone, so the
 * interval is the window in which a cut tail would go unseen.
 */
function startCheckpoints(core: Core, config: Config, logger: Logger): { stop(): Promise<void> } {
  const log = logger.child({ component: 'audit' });
  const kit = core.auditCheckpoints;
  if (!kit) {
    log.warn('audit checkpoints are not configured (audit.signingKeyFile): the hash chain shows an edited entry, but not a cut tail or a history re-chained after an edit; see `elevate audit keygen`');
    return { stop: async () => {} };
  }
  if (kit.warning) log.warn(kit.warning);
  log.info({ keyId: kit.signer.keyId, checkpointFile: kit.log.path }, 'signing audit checkpoints');
  let running: Promise<void> = Promise.resolve();
  const once = () =>
    (running = running.then(async () => {
      try {
        const r = await core.checkpointAudit();
        if (r?.kind === 'signed') log.debug({ seq: r.checkpoint.seq }, 'audit checkpoint signed');
        // An alarm, repeated every round until someone looks: the trail contradicts its own checkpoint.
        if (r?.kind === 'refused') log.error({ reason: r.reason }, 'audit checkpoint NOT signed: the audit trail does not extend its last checkpoint; run `elevate audit verify`');
      } catch (err) {
        log.error({ err }, 'audit checkpoint failed; will try again');
      }
    }));
  void once();
  const timer = setInterval(() => void once(), config.audit.checkpointIntervalSeconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await once();
    },
  };
}

async function openMigratedStore(config: Config, opts: Pick<CoreOptions, 'onStoreConnectionError' | 'onMigrated'> = {}): Promise<Store> {
  const store = await openStore(config, opts);
  try {
    const applied = await store.migrate();
    opts.onMigrated?.(applied);
    return store;
  } catch (e) {
    await store.close();
    // Unreachable database, wrong password, failed migration: one line naming the store, never its password.
    throw new DomainError('StoreUnavailable', `cannot open the ${describeStore(config)}: ${(e as Error).message}`);
  }
}

/** Applies pending migrations to the configured store and closes it (`elevate db migrate`). */
export async function migrateStore(config: Config): Promise<void> {
  await (await openMigratedStore(config)).close();
}


/** `elevate db copy`: the embedded store in `fromDir` into the (empty) configured PostgreSQL database. */
export async function copyToPostgres(fromDir: string, config: Config): Promise<CopyReport> {
  if (config.database === undefined) throw new Error('copyToPostgres needs a database URL');
  const { copySqliteToPostgres } = await import('./adapters/store/copy-store.js');
  return copySqliteToPostgres(fromDir, config.database, { accountDomain: config.accountDomain });
}

/**
 * What the CLI asks the composition root for; src/elevate.ts hands it to the CLI, which never
 * imports this file. Each member is checked against the CLI's own description of it (Wiring).
 */
export const wiring: Wiring = {
  openCore: (config) => openCore(config),
  startServer: (config) => startServer(config),
  migrateStore,
  describeStore,
  copyToPostgres,
  auditVerifyInputs,
  generateAuditSigningKey: generateSigningKey,
  checkDirectory: (settings, opts) => checkDirectory(settings, opts),
  storeState,
  backupStore,
  restoreStore,
};
