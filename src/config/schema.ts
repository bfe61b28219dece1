import { isIP } from 'node:net';
import { z } from 'zod';
import { isValidTimeZone } from '../domain/time.js';
import { MAX_TTL_SECONDS } from '../domain/role/role.js';
import { DEFAULT_BREAK_GLASS_MAX_TTL_SECONDS } from '../domain/request/break-glass.js';
import { checkDirectoryNames, ldapDirectoryConfig } from './ldap-directory.js';
import { kerberosConfig, oidcConfig } from './sso.js';
import { notificationsConfig } from './notifications.js';
import { auditExportConfig } from './audit-export.js';

/** Whether `s` names a PostgreSQL database (as `--database` takes it). */
const isPostgresUrl = (s: string) => /^postgres(ql)?:\/\//i.test(s);

const origin = z
  .string()
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === s.replace(/\/$/, '');
    } catch {
      return false; // URL throws on malformed input; that is the answer
    }
  }, 'must be an origin such as http://portal.example:8090 (scheme, host and optional port, no path)')
  .transform((s) => s.replace(/\/$/, ''));

/** An address or CIDR of a trusted proxy, or one of proxy-addr's names for a range. */
const proxyAddress = z.string().refine((s) => {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(s)) return true;
  const [ip = '', bits, ...rest] = s.split('/');
  const v = isIP(ip);
  if (v === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (v === 4 ? 32 : 128));
}, 'must be an IP address, a CIDR such as 10.0.0.0/8, or loopback, linklocal or uniquelocal');

/** The one schema for the config file and ELEVATE_* variables. */
export const configSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.coerce.number().int().min(0).max(65535).default(8086),
    dataDir: z.string().min(1).default('./data'),
    /** A PostgreSQL URL: the shared store of several nodes. Unset: the embedded SQLite store in dataDir. */
    database: z.string().refine(isPostgresUrl, 'must be a postgres:// or postgresql:// URL').optional(),
    /** Connections each node keeps to PostgreSQL at most. */
    databasePoolSize: z.coerce.number().int().min(1).max(1000).default(10),
    /** PostgreSQL cancels a statement running longer, and the caller gets 503. */
    statementTimeoutMs: z.coerce.number().int().min(100).max(600_000).default(10_000),
    /** How long a node holds an outbox job it is applying; a node that dies frees its jobs after this. */
    outboxLeaseSeconds: z.coerce.number().int().min(1).max(3600).default(60),
    corsOrigins: z.array(origin).default([]),
    /**
     * Host names (or IP addresses) clients may reach this server by; the Host header of every request
     * must name one, so a DNS-rebinding page cannot talk to it. Adds to the names Elevate allows by
     * itself (see allowedHostsFor); `*` turns the check off.
     */
    allowedHosts: z
      .array(z.string().regex(/^(\*|\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)$/, 'must be a host name, an IPv4 address, an IPv6 address in brackets, or *'))
      .default([]),
    /**
     * Reverse proxies in front of Elevate, as addresses or CIDRs. Only a request whose peer is one of
     * them has its client address and scheme taken from X-Forwarded-For and X-Forwarded-Proto
     * (walking back through the listed proxies); from anyone else those headers are ignored.
     */
    trustProxy: z.array(proxyAddress).default([]),
    /** Serve HTTPS with this certificate chain and key (PEM files); both or neither. Reloaded on SIGHUP. */
    tls: z
      .object({
        certFile: z.string().min(1),
        keyFile: z.string().min(1),
      })
      .strict()
      .optional(),
    /** Limits on connections, so slow or idle clients cannot hold the server's sockets. */
    http: z
      .object({
        /** The whole request, body included, must arrive within this time (408 otherwise). */
        requestTimeoutMs: z.coerce.number().int().min(100).max(600_000).default(30_000),
        /** The request line and headers must arrive within this time. */
        headersTimeoutMs: z.coerce.number().int().min(100).max(600_000).default(10_000),
        /** An idle kept-alive connection is closed after this time. */
        keepAliveTimeoutMs: z.coerce.number().int().min(100).max(600_000).default(5_000),
        /** A connection with no traffic at all is closed after this time. */
        idleTimeoutMs: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
        /** Open connections at most; more are closed as they arrive. */
        maxConnections: z.coerce.number().int().min(1).max(1_000_000).default(1024),
      })
      .strict()
      .refine((h) => h.headersTimeoutMs <= h.requestTimeoutMs, { path: ['headersTimeoutMs'], message: 'must not exceed requestTimeoutMs' })
      .prefault({}),
    /** Bounds on password checks (each costs a memory-hard hash or a directory bind). */
    signIn: z
      .object({
        /** Password checks running at once. */
        verificationConcurrency: z.coerce.number().int().min(1).max(256).default(4),
        /** Password checks waiting for a turn; when full, sign-ins get 503 with Retry-After. */
        verificationQueue: z.coerce.number().int().min(0).max(100_000).default(16),
        /** Password checks one address may have running or waiting at once. */
        addressConcurrency: z.coerce.number().int().min(1).max(1000).default(2),
        /** Failed password checks one address may cause in 15 minutes, over all logins. */
        addressFailures: z.coerce.number().int().min(1).max(1_000_000).default(100),
      })
      .strict()
      .prefault({}),
    /** Shown as DOMAIN\\login in sessioninfo and DOMAIN.login in approvals, as MIM did. */
    accountDomain: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/).default('PRIV'),
    timeZone: z
      .string()
      .refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Paris')
      .default(() => Intl.DateTimeFormat().resolvedOptions().timeZone),
    approvalTimeoutSeconds: z.coerce.number().int().min(60).default(86_400),
    mfaTimeoutSeconds: z.coerce.number().int().min(30).default(600),
    /** The longest activation any role may give: roles above it are refused, requests capped to it. */
    maxTtlSeconds: z.coerce.number().int().min(60).max(MAX_TTL_SECONDS).default(30 * 86_400),
    /** The longest activation of a break-glass role (they skip approval, so they stay short). */
    breakGlassMaxTtlSeconds: z.coerce.number().int().min(60).max(MAX_TTL_SECONDS).default(DEFAULT_BREAK_GLASS_MAX_TTL_SECONDS),
    /**
     * Lets a signed-in person with no factor enrol their first one without an administrator's
     * enrolment code. Off by default: then whoever learns a password first could claim the account's MFA.
     */
    mfaSelfEnrolment: z.boolean().default(false),
    /** At most `max` requests per person in any `windowSeconds` (deactivations do not count). */
    requestRateLimit: z
      .object({
        max: z.coerce.number().int().min(1).max(100_000).default(30),
        windowSeconds: z.coerce.number().int().min(1).max(86_400).default(60),
      })
      .strict()
      .default({ max: 30, windowSeconds: 60 }),
    /** How often the scheduler looks for due work even when nothing woke it. */
    tickMs: z.coerce.number().int().min(50).max(60_000).default(1000),
    /** How often LDAP groups are compared with the active grants (see the reconciler). */
    reconcileIntervalSeconds: z.coerce.number().int().min(10).max(86_400).default(300),
    /** Lets a scraper read /metrics with `Authorization: Bearer TOKEN` instead of an admin's password. */
    metricsToken: z.string().min(20, 'must be at least 20 characters (use a random token)').optional(),
    session: z
      .object({
        idleTimeoutSeconds: z.coerce.number().int().min(60).default(1800),
        absoluteTimeoutSeconds: z.coerce.number().int().min(300).default(43_200),
      })
      .default({ idleTimeoutSeconds: 1800, absoluteTimeoutSeconds: 43_200 }),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    demo: z.boolean().default(false),
    /**
     * The key that seals MFA secrets at rest: 32 bytes as base64 or hex, given directly or (better)
     * as a file path. Neither: a key generated in the data directory on first start.
     */
    mfaKey: z.string().min(1).optional(),
    mfaKeyFile: z.string().min(1).optional(),
    /**
     * The first administrator, created by `serve` when the store has none (like `elevate init`);
     * ignored once any administrator exists. The password only ever from a file.
     */
    bootstrapAdmin: z.string().min(1).optional(),
    bootstrapAdminPasswordFile: z.string().min(1).optional(),
    /** The WebAuthn relying party for passkeys. */
    webauthn: z
      .object({
        /** A domain (never an IP address); unset means `localhost` when reached as localhost, else no passkeys. */
        rpId: z.string().regex(/^(?=.{1,253}$)[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/, 'must be a domain name such as elevate.corp.example (WebAuthn forbids IP addresses)').refine((s) => !/^[\d.]+$/.test(s), 'must be a domain name, not an IP address').optional(),
        rpName: z.string().min(1).max(64).default('Elevate'),
        /** Page origins allowed in passkey ceremonies; unset means Elevate's own origin plus corsOrigins. */
        origins: z.array(origin).optional(),
      })
      .strict()
      .default({ rpName: 'Elevate' }),
    /** Signed checkpoints of the audit chain's head (see domain/audit/checkpoint.ts). */
    audit: z
      .object({
        /** Ed25519 private key (PEM, or 32 raw bytes as hex or base64); unset: no checkpoints. */
        signingKeyFile: z.string().min(1).optional(),
        /** JSON lines, appended and fsynced; default `<dataDir>/audit-checkpoints.jsonl`. */
        checkpointFile: z.string().min(1).optional(),
        /** How often the head is checkpointed when it moved. */
        checkpointIntervalSeconds: z.coerce.number().int().min(1).max(3600).default(10),
        /** Streams the trail and its checkpoints to a SIEM (audit-export.ts, docs/audit-export.md). */
        export: auditExportConfig,
      })
      .strict()
      .default({ checkpointIntervalSeconds: 10, export: { sinks: [], batchSize: 500, sendTimeoutMs: 10_000, leaseSeconds: 30 } }),
    /** LDAP directories groups can live in, by name ('embedded', Elevate's own store, is reserved). */
    directories: z.record(z.string(), ldapDirectoryConfig).superRefine(checkDirectoryNames).default({}),
    /** Single sign-on and Kerberos (see sso.ts); `passwordSignIn: false` refuses passwords everywhere. */
    oidc: oidcConfig.optional(),
    kerberos: kerberosConfig.optional(),
    passwordSignIn: z.boolean().default(true),
    /** Where people reach the portal; links in notifications point there. Unset: this server's own address. */
    portalUrl: z.string().url().refine((s) => /^https?:\/\//.test(s), 'must be an http:// or https:// URL').transform((s) => s.replace(/\/$/, '')).optional(),
    notifications: notificationsConfig,
  })
  .strict()
  .refine((c) => (c.bootstrapAdmin === undefined) === (c.bootstrapAdminPasswordFile === undefined), {
    path: ['bootstrapAdmin'],
    message: 'give bootstrapAdmin and bootstrapAdminPasswordFile together (ELEVATE_BOOTSTRAP_ADMIN, ELEVATE_BOOTSTRAP_ADMIN_PASSWORD_FILE)',
  })
  .refine((c) => c.passwordSignIn || c.oidc !== undefined || c.kerberos !== undefined, {
    path: ['passwordSignIn'],
    message: 'with passwords off, configure oidc or kerberos, or nobody can sign in',
  })
  .refine((c) => c.mfaKey === undefined || c.mfaKeyFile === undefined, { path: ['mfaKey'], message: 'give the MFA key once: mfaKey or mfaKeyFile, not both' });

export type Config = Readonly<z.infer<typeof configSchema>>;
