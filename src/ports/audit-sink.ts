import type { ExportRecord } from '../domain/audit/export-record.js';

/** Where the audit export sends records: a file, stdout, a syslog receiver, an HTTP endpoint. */
export interface AuditSink {
  /** The configured name: the key of this sink's cursor and lease. */
  readonly name: string;
  /** `file`, `stdout`, `syslog` or `http`, for metrics and logs. */
  readonly kind: string;
  /**
   * Hands `records` over, in order, and resolves once the receiver has them (a file: fsynced; a
   * socket: written; HTTP: a 2xx answer). Rejects, or is aborted by `signal`, when it could not:
   * the same records are sent again later, so a receiver may see a record twice, never a gap.
   */
  send(records: readonly ExportRecord[], signal: AbortSignal): Promise<void>;
  /** Lets go of files and connections. */
  close(): Promise<void>;
}
