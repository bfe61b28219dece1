import { EmailChannel } from '../adapters/notify/email-channel.js';
import { readSecretFile } from '../adapters/notify/secret-file.js';
import { SlackChannel } from '../adapters/notify/slack-channel.js';
import { SlackWebInteractions } from '../adapters/notify/slack-interactions.js';
import { TeamsChannel } from '../adapters/notify/teams-channel.js';
import { WebhookChannel } from '../adapters/notify/webhook-channel.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../ports/clock.js';
import type { NotificationChannel } from '../ports/notification-channel.js';

/**
 * The configured notification channels (issue 15), their secrets read from their files now, so a
 * missing file stops the start rather than the first delivery.
 */
export function notificationChannels(config: Config, clock: Clock, portalUrl: string): NotificationChannel[] {
  const n = config.notifications;
  const channels: NotificationChannel[] = n.webhooks.map((w) => new WebhookChannel({ url: w.url, secret: readSecretFile(w.secretFile, 'webhook secret'), events: w.events, source: portalUrl, clock }));
  if (n.email) {
    const password = n.email.passwordFile === undefined ? undefined : readSecretFile(n.email.passwordFile, 'SMTP password');
    channels.push(new EmailChannel({ url: n.email.url, from: n.email.from, requireTls: n.email.requireTls, ...(password !== undefined && { password }) }));
  }
  if (n.slack) channels.push(new SlackChannel({ token: readSecretFile(n.slack.tokenFile, 'Slack token'), channel: n.slack.channel, apiUrl: n.slack.apiUrl }));
  if (n.teams) {
    const global = n.teams.webhookUrlFile === undefined ? null : readSecretFile(n.teams.webhookUrlFile, 'Teams webhook URL');
    const named = new Map(Object.entries(n.teams.channels).map(([name, c]) => [name, readSecretFile(c.webhookUrlFile, `Teams webhook URL of '${name}'`)]));
    channels.push(new TeamsChannel(global, named));
  }
  return channels;
}

export function slackInteractions(config: Config): SlackWebInteractions | null {
  const s = config.notifications.slack;
  if (s?.signingSecretFile === undefined) return null;
  return new SlackWebInteractions({ token: readSecretFile(s.tokenFile, 'Slack token'), signingSecret: readSecretFile(s.signingSecretFile, 'Slack signing secret'), apiUrl: s.apiUrl, users: s.users });
}
