import type { Instant } from '../domain/time.js';

/** What the Slack interaction endpoint needs from Slack; the adapter holds the secrets. */
export interface SlackInteractions {
  /** Slack's `v0` signature over `v0:<timestamp>:<raw body>`, compared in constant time, within five minutes of `now`. */
  verify(rawBody: string, timestamp: string, signature: string, now: Instant): boolean;
  /** Slack user ids mapped to Elevate logins by configuration; consulted before users.info. */
  loginOf(userId: string): string | null;
  /** The Slack user's email address (users.info), or null when Slack has none. */
  emailOf(userId: string): Promise<string | null>;
  /** Replaces the channel message with the outcome (chat.update). */
  update(channel: string, ts: string, text: string): Promise<void>;
  /** Answers only the person who clicked (the interaction's response_url, ephemeral). */
  reply(responseUrl: string, text: string): Promise<void>;
}
