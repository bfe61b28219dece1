import type { NotificationKind } from '../../domain/notify/notification.js';
import type { NotificationChannel, NotificationMessage } from '../../ports/notification-channel.js';
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

/** Microsoft Teams, through a channel's incoming webhook (its URL is the secret, read from a file). */
export class TeamsChannel implements NotificationChannel {
  readonly name = 'teams';
  readonly reach = 'broadcast' as const;

  constructor(private readonly webhookUrl: string) {}

  accepts(_kind: NotificationKind): boolean {
    return true;
  }

  reaches(): boolean {
    return true;
  }

  async send(m: NotificationMessage, signal: AbortSignal): Promise<void> {
    const res = await postJson(this.webhookUrl, adaptiveCard(m), signal);
    await res.body?.cancel();
  }
}
