import type { ExportRecord } from '../../domain/audit/export-record.js';
import type { AuditSink } from '../../ports/audit-sink.js';
import { postJson } from '../notify/post-json.js';
import { signatureHeader } from '../notify/webhook-signature.js';

export interface HttpSinkOptions {
  readonly name: string;
  readonly url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly bearerToken?: string;
  /** Signs each body as `Elevate-Signature: t=<unix seconds>,v1=<HMAC-SHA256 hex of "<t>.<body>">`, like webhooks. */
  readonly hmacSecret?: string;
  readonly nowSeconds: () => number;
}

/**
 * A batch as one JSON array POSTed to the endpoint; a 2xx answer means the receiver has it. A
 * redirect is refused like any other non-2xx (postJson never follows one), so a token or signed
 * body never reaches another host; the batch is retried with backoff by the export loop.
 */
export class HttpSink implements AuditSink {
  readonly kind = 'http';
  readonly name: string;

  constructor(private readonly opts: HttpSinkOptions) {
    this.name = opts.name;
  }

  async send(records: readonly ExportRecord[], signal: AbortSignal): Promise<void> {
    const body = JSON.stringify(records);
    const headers: Record<string, string> = {};
    if (this.opts.bearerToken !== undefined) headers.authorization = `Bearer ${this.opts.bearerToken}`;
    if (this.opts.hmacSecret !== undefined) headers['elevate-signature'] = signatureHeader(this.opts.hmacSecret, body, this.opts.nowSeconds());
    // postJson serialises `records` the same way, so the signature covers the exact body sent.
    const res = await postJson(this.opts.url, records, signal, headers);
    await res.body?.cancel();
  }

  async close(): Promise<void> {}
}
