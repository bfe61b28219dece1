import { z } from 'zod';

const sinkName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lower-case letters, digits, - or _ (it names the sink\'s cursor: keep it when changing the sink)');

const fileSink = z
  .object({
    type: z.literal('file'),
    name: sinkName,
    path: z.string().min(1),
    /** Rotated before a batch would take it past this size. */
    maxBytes: z.coerce.number().int().min(4096).default(100 * 1024 * 1024),
    /** Rotated files kept (`path.1` newest … `path.<keep>`); older ones are removed. */
    keep: z.coerce.number().int().min(0).max(1000).default(10),
  })
  .strict();

const stdoutSink = z.object({ type: z.literal('stdout'), name: sinkName }).strict();

const syslogSink = z
  .object({
    type: z.literal('syslog'),
    name: sinkName,
    host: z.string().min(1),
    /** Default 514 over TCP, 6514 over TLS. */
    port: z.coerce.number().int().min(1).max(65535).optional(),
    /** RFC 5425: syslog over TLS; the receiver's certificate is always verified. */
    tls: z
      .object({
        /** CA of the receiver's certificate; default: the system's CAs. */
        caFile: z.string().min(1).optional(),
        /** A client certificate and its key, for receivers that authenticate senders. */
        certFile: z.string().min(1).optional(),
        keyFile: z.string().min(1).optional(),
        /** The name the receiver's certificate must carry; default `host`. */
        serverName: z.string().min(1).optional(),
      })
      .strict()
      .refine((t) => (t.certFile === undefined) === (t.keyFile === undefined), 'certFile and keyFile go together')
      .optional(),
    /** RFC 5424 facility number (13: log audit). */
    facility: z.coerce.number().int().min(0).max(23).default(13),
    appName: z.string().min(1).max(48).default('elevate'),
    /** Default: this machine's host name. */
    hostname: z.string().min(1).max(255).optional(),
  })
  .strict();

const httpSink = z
  .object({
    type: z.literal('http'),
    name: sinkName,
    url: z.string().refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), 'must be an http:// or https:// URL'),
    /** Sent as `Authorization: Bearer <token>`. */
    bearerTokenFile: z.string().min(1).optional(),
    /** Signs each batch: `Elevate-Signature: t=<unix seconds>,v1=<HMAC-SHA256 hex of "<t>.<body>">`. */
    hmacSecretFile: z.string().min(1).optional(),
  })
  .strict();

export const auditSinkConfig = z.discriminatedUnion('type', [fileSink, stdoutSink, syslogSink, httpSink]);
export type AuditSinkConfig = z.infer<typeof auditSinkConfig>;

/** The audit export (issue 17 §4): the trail, with its checkpoints, streamed to each sink in order. */
export const auditExportConfig = z
  .object({
    sinks: z
      .array(auditSinkConfig)
      .default([])
      .refine((s) => new Set(s.map((x) => x.name)).size === s.length, 'sink names must be unique')
      .refine((s) => s.filter((x) => x.type === 'stdout').length <= 1, 'at most one stdout sink'),
    /** Audit entries per batch. */
    batchSize: z.coerce.number().int().min(1).max(5000).default(500),
    /** A send not answered within this is a failure (retried with backoff). */
    sendTimeoutMs: z.coerce.number().int().min(100).max(300_000).default(10_000),
    /** How long a node holds a sink before another may take it over (it renews it every pass). */
    leaseSeconds: z.coerce.number().int().min(5).max(3600).default(30),
  })
  .strict()
  .default({ sinks: [], batchSize: 500, sendTimeoutMs: 10_000, leaseSeconds: 30 });
