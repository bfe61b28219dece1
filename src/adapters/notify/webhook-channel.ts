import type { NotificationKind } from '../../domain/notify/notification.js';
import type { Clock } from '../../ports/clock.js';
import type { NotificationChannel, NotificationMessage } from '../../ports/notification-channel.js';
import { cloudEvent } from './cloud-event.js';
import { signatureHeader } from './webhook-signature.js';

export interface WebhookOptions {
  readonly url: string;
  /** The HMAC secret (read from its file by the caller; never logged). */
  readonly secret: string;
  /** Event kinds it takes; '*' for all. */
  readonly events: readonly (NotificationKind | '*')[];
  /** The CloudEvents `source`: the portal's address. */
  readonly source: string;
  readonly clock: Clock;
}

/** Redirects followed at most, and only within the webhook's own origin. */
const MAX_REDIRECTS = 3;

/**
 * A webhook: each notification POSTed as a signed CloudEvent (structured mode). A 2xx answer is
 * delivery; anything else is retried by the worker. A redirect is followed only to the same origin
 * (scheme, host and port): a receiver must not be able to send the signed event, or the worker,
 * to another host.
 */
export class WebhookChannel implements NotificationChannel {
  readonly reach = 'broadcast' as const;
  readonly name: string;

  constructor(private readonly opts: WebhookOptions) {
    // The URL is the receiver's identity; its fragment is never sent, so it is not part of it.
    const u = new URL(opts.url);
    u.hash = '';
    this.name = `webhook:${u.href}`;
  }

  accepts(kind: NotificationKind): boolean {
    return this.opts.events.includes('*') || this.opts.events.includes(kind);
  }

  reaches(): boolean {
    return true;
  }

  async send(m: NotificationMessage, signal: AbortSignal): Promise<void> {
    const body = JSON.stringify(cloudEvent(m, this.opts.source));
    const headers = {
      'content-type': 'application/cloudevents+json; charset=utf-8',
      'elevate-signature': signatureHeader(this.opts.secret, body, Math.floor(this.opts.clock.now() / 1000)),
      'user-agent': 'Elevate-Webhook/1',
    };
    const origin = new URL(this.opts.url).origin;
    let url = this.opts.url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal });
      await res.body?.cancel();
      if (res.status >= 200 && res.status < 300) return;
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || location === null) throw new Error(`webhook answered HTTP ${res.status}`);
      const next = new URL(location, url);
      if (next.origin !== origin) throw new Error(`webhook redirected to another host (${next.origin}); not followed`);
      url = next.href;
    }
    throw new Error(`webhook redirected more than ${MAX_REDIRECTS} times`);
  }
}
