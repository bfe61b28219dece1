import type { NotificationKind } from '../../../src/domain/notify/notification.js';
import type { NotificationChannel, NotificationMessage, NotifiedPerson } from '../../../src/ports/notification-channel.js';

/**
 * A channel for the worker's tests: records what it is sent, and can be switched to refuse
 * (a receiver that is down) or to hang until the worker's timeout (one that does not answer).
 */
export class RecordingChannel implements NotificationChannel {
  readonly sent: NotificationMessage[] = [];
  mode: 'up' | 'down' | 'hang' = 'up';

  constructor(
    readonly name: string,
    readonly reach: 'personal' | 'broadcast',
    private readonly kinds: readonly NotificationKind[] | '*' = '*',
  ) {}

  accepts(kind: NotificationKind): boolean {
    return this.kinds === '*' || this.kinds.includes(kind);
  }

  reaches(p: NotifiedPerson): boolean {
    return p.email !== null;
  }

  async send(m: NotificationMessage, signal: AbortSignal): Promise<void> {
    if (this.mode === 'down') throw new Error(`${this.name} refused the connection`);
    if (this.mode === 'hang') {
      await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    }
    this.sent.push(m);
  }

  /** What was sent, as `kind to-login` (or just the kind on a broadcast channel), in order. */
  get log(): string[] {
    return this.sent.map((m) => (m.to ? `${m.kind} ${m.to.login}` : m.kind));
  }
}
