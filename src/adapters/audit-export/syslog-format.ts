import type { ExportRecord } from '../../domain/audit/export-record.js';
import { recordLine } from './json-lines.js';

/** The SD-ID of Elevate's structured data (32473 is the enterprise number RFC 5612 sets aside for examples). */
export const SD_ID = 'elevate@32473';

export interface SyslogIdentity {
  readonly hostname: string;
  readonly appName: string;
  readonly procId: string;
  /** RFC 5424 facility number, 0 to 23 (13: log audit). */
  readonly facility: number;
}

/** PARAM-VALUE escaping (RFC 5424 §6.3.3): `"`, `\` and `]` get a backslash. */
const sdValue = (v: string | number): string => String(v).replace(/["\\\]]/g, (c) => `\\${c}`);

/** A header field: printable US-ASCII without spaces, at most `max` characters, '-' when empty. */
const field = (v: string, max: number): string => v.replace(/[^\x21-\x7e]/g, '').slice(0, max) || '-';

/**
 * One record as an RFC 5424 message: severity informational, MSGID `audit` or `checkpoint`, a
 * structured-data element with the chain fields a receiver filters and checks on, and the record's
 * JSON line as the message (after a BOM, so the receiver knows it is UTF-8).
 */
export function syslogMessage(r: ExportRecord, id: SyslogIdentity): string {
  const pri = id.facility * 8 + 6;
  const params: [string, string | number][] =
    r.type === 'audit'
      ? [['seq', r.seq], ['prevHash', r.prevHash], ['hash', r.hash], ['action', r.action]]
      : [['seq', r.seq], ['hash', r.hash], ['keyId', r.keyId], ['signature', r.signature]];
  const sd = `[${SD_ID} ${params.map(([k, v]) => `${k}="${sdValue(v)}"`).join(' ')}]`;
  return `<${pri}>1 ${r.time} ${field(id.hostname, 255)} ${field(id.appName, 48)} ${field(id.procId, 128)} ${r.type} ${sd} \uFEFF${recordLine(r)}`;
}

/** Octet-counting framing (RFC 6587 §3.4.1, the framing RFC 5425 uses over TLS): `<length> <message>`. */
export function octetCounted(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}
