import type { ExportRecord } from '../../domain/audit/export-record.js';

/** A record as one line of JSON: the shape of the file sink, stdout, syslog's message and `verify-export`'s input. */
export function recordLine(r: ExportRecord): string {
  return JSON.stringify(r);
}
