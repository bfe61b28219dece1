import type { NotificationKind } from '../../domain/notify/notification.js';
import type { NotificationChannel, NotificationMessage, RoleRoute } from '../../ports/notification-channel.js';
import { postJson } from './post-json.js';
import { details, headline, linkText } from './wording.js';

/** The Adaptive Card a Teams incoming webhook posts: the headline, the facts, and a button to the portal. */
export function adaptiveCard(m: NotificationMessage): Record<string, unknown> {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: headline(m), weight: 'Bolder', size: 'Medium', wrap: true },
            { type: 'FactSet', facts: details(m).map(([title, value]) => ({ title, value })) },
          ],
          actions: [{ type: 'Action.OpenUrl', title: linkText(m), url: m.link }],
        },
      },
    ],
  };
}

const PREFIX = 'teams:';

/**
 * Microsoft Teams, through a channel's incoming webhook (its URL is the secret, read from a file):
 * the global one, and named ones that roles choose (`teams:<name>` as receivers).
 */
export class TeamsChannel implements NotificationChannel {
  readonly name = 'teams';
  readonly reach = 'broadcast' as const;

  constructor(
    private readonly webhookUrl: string | null,
    private readonly named: ReadonlyMap<string, string> = new Map(),
  ) {}

  receiverFor(route: RoleRoute | null): string | null {
    if (route?.teamsChannel && this.named.has(route.teamsChannel)) return `${PREFIX}${route.teamsChannel}`;
    return this.webhookUrl === null ? null : this.name;
  }

  owns(receiver: string): boolean {
    return receiver.startsWith(PREFIX) && this.named.has(receiver.slice(PREFIX.length));
  }

  accepts(_kind: NotificationKind): boolean {
    return true;
  }

  reaches(): boolean {
    return true;
  }

  async send(m: NotificationMessage, signal: AbortSignal): Promise<void> {
    const url = this.owns(m.receiver) ? this.named.get(m.receiver.slice(PREFIX.length))! : this.webhookUrl;
    if (url === null) throw new Error(`no Teams webhook for ${m.receiver}`);
    const res = await postJson(url, adaptiveCard(m), signal);
    await res.body?.cancel();
  }
}
