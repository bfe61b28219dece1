import { type Socket, connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ExportRecord } from '../../domain/audit/export-record.js';
import type { AuditSink } from '../../ports/audit-sink.js';
import { type SyslogIdentity, octetCounted, syslogMessage } from './syslog-format.js';

export interface SyslogSinkOptions {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** Set for RFC 5425 (syslog over TLS): the receiver's certificate is always verified. */
  readonly tls?: {
    readonly ca?: string;
    /** A client certificate and key, for receivers that authenticate senders. */
    readonly cert?: string;
    readonly key?: string;
    /** The name the receiver's certificate must carry; default `host`. */
    readonly serverName?: string;
  };
  readonly identity: SyslogIdentity;
}

/**
 * Syslog over TCP (RFC 6587) or TLS (RFC 5425), one connection kept open and opened again after
 * any error. A batch counts as sent once the socket has taken every frame: syslog has no
 * acknowledgement, so a connection that breaks right after may lose what the kernel still held;
 * the receiver sees a gap in `seq` and `verify-export` names it.
 */
export class SyslogSink implements AuditSink {
  readonly kind = 'syslog';
  readonly name: string;
  #socket: Socket | null = null;

  constructor(private readonly opts: SyslogSinkOptions) {
    this.name = opts.name;
  }

  async send(records: readonly ExportRecord[], signal: AbortSignal): Promise<void> {
    const socket = await this.#connected(signal);
    const frames = Buffer.concat(records.map((r) => octetCounted(syslogMessage(r, this.opts.identity))));
    try {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        signal.addEventListener('abort', onAbort, { once: true });
        const onError = (e: Error) => reject(e);
        socket.once('error', onError);
        socket.write(frames, (e) => {
          signal.removeEventListener('abort', onAbort);
          socket.off('error', onError);
          if (e) reject(e);
          else resolve();
        });
      });
    } catch (e) {
      this.#drop();
      throw e;
    }
  }

  #connected(signal: AbortSignal): Promise<Socket> {
    const live = this.#socket;
    if (live && !live.destroyed && live.writable) return Promise.resolve(live);
    this.#drop();
    const { host, port, tls } = this.opts;
    return new Promise((resolve, reject) => {
      const socket = tls
        ? tlsConnect({ host, port, servername: tls.serverName ?? host, ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: true })
        : netConnect({ host, port });
      const ready = tls ? 'secureConnect' : 'connect';
      const fail = (e: Error) => {
        socket.destroy();
        reject(new Error(`cannot reach syslog at ${host}:${port}: ${e.message}`));
      };
      const onAbort = () => fail(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('error', fail);
      socket.once(ready, () => {
        signal.removeEventListener('abort', onAbort);
        socket.off('error', fail);
        // Later errors (the receiver went away) only drop the connection; the next send reconnects.
        socket.on('error', () => this.#drop());
        socket.on('close', () => {
          if (this.#socket === socket) this.#socket = null;
        });
        socket.setKeepAlive(true, 30_000);
        this.#socket = socket;
        resolve(socket);
      });
    });
  }

  #drop(): void {
    this.#socket?.destroy();
    this.#socket = null;
  }

  async close(): Promise<void> {
    const s = this.#socket;
    this.#socket = null;
    if (s && !s.destroyed) await new Promise<void>((resolve) => s.end(resolve));
  }
}
