import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { FileSink } from '../adapters/audit-export/file-sink.js';
import { HttpSink } from '../adapters/audit-export/http-sink.js';
import { StreamSink } from '../adapters/audit-export/stdout-sink.js';
import { SyslogSink } from '../adapters/audit-export/syslog-sink.js';
import { readSecretFile } from '../adapters/notify/secret-file.js';
import { AuditExportLoop } from '../app/audit/audit-export-loop.js';
import { exportLag } from '../app/audit/export-audit.js';
import type { Core } from '../app/core.js';
import type { Config } from '../config/schema.js';
import type { Metrics } from '../http/metrics.js';
import type { AuditSink } from '../ports/audit-sink.js';
import type { Clock } from '../ports/clock.js';

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
export function startAuditExport(core: Core, config: Config, sinks: readonly AuditSink[], logger: Logger, metrics: Metrics): { stop(): Promise<void> } {
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
