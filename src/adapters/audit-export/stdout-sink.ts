import type { ExportRecord } from '../../domain/audit/export-record.js';
import type { AuditSink } from '../../ports/audit-sink.js';
import { recordLine } from './json-lines.js';

/**
 * JSON lines on a stream (the process's stdout, for a container's log collector). A batch counts as
 * sent once the stream took it; what the collector does after that is out of Elevate's sight.
 * The server's own log goes to stderr when this sink is configured, so the two never mix.
 */
export class StreamSink implements AuditSink {
  readonly kind = 'stdout';

  constructor(
    readonly name: string,
    private readonly out: NodeJS.WritableStream = process.stdout,
  ) {}

  send(records: readonly ExportRecord[]): Promise<void> {
    const text = records.map((r) => `${recordLine(r)}\n`).join('');
    return new Promise((resolve, reject) => {
      this.out.write(text, (e) => (e ? reject(e) : resolve()));
    });
  }

  async close(): Promise<void> {}
}
