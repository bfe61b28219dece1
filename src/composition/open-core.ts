import { systemClock } from '../adapters/clock/system-clock.js';
import { AesGcmSecretBox } from '../adapters/crypto/aes-gcm-secret-box.js';
import { loadMfaKey } from '../adapters/crypto/mfa-key.js';
import { ScryptHasher } from '../adapters/crypto/scrypt-hasher.js';
import { DirectoryAddressBook } from '../adapters/directory/directory-address-book.js';
import { EmbeddedDirectory } from '../adapters/directory/embedded-directory.js';
import { LdapAuthenticator } from '../adapters/directory/ldap/ldap-authenticator.js';
import { LdapDirectory } from '../adapters/directory/ldap/ldap-directory.js';
import { randomIds } from '../adapters/ids/random-ids.js';
import { otpauthTotp } from '../adapters/mfa/otpauth-totp.js';
import { simpleWebAuthn } from '../adapters/mfa/simple-webauthn.js';
import { signCheckpoint } from '../app/audit/sign-checkpoint.js';
import { Authenticator } from '../app/authenticate.js';
import type { Core } from '../app/core.js';
import type { Deps } from '../app/deps.js';
import { type SealReport, sealStoredSecrets } from '../app/mfa/seal-secrets.js';
import { Sessions } from '../app/sessions.js';
import { VerificationGate } from '../app/verification-gate.js';
import { WorkSignal } from '../app/work-signal.js';
import { ConfigError } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../ports/clock.js';
import type { Directory } from '../ports/directory.js';
import type { PasswordHasher } from '../ports/password-hasher.js';
import { openCheckpointKit } from './audit-checkpoints.js';
import { slackInteractions } from './notification-channels.js';
import { openMigratedStore, type StoreOptions } from './open-store.js';

export interface CoreOptions extends StoreOptions {
  readonly clock?: Clock;
  /** Tests lower the scrypt cost; production keeps the default. */
  readonly hasher?: PasswordHasher;
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
