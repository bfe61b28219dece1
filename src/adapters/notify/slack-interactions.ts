import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Instant } from '../../domain/time.js';
import type { SlackInteractions } from '../../ports/slack-interactions.js';
import { postJson } from './post-json.js';
import { slackCall, slackEscape } from './slack-channel.js';

/** Slack's window for a request's timestamp: older ones are replays. */
const WINDOW_SECONDS = 5 * 60;
const TIMEOUT_MS = 10_000;

export interface SlackInteractionOptions {
  readonly token: string;
  readonly signingSecret: string;
  readonly apiUrl: string;
  /** Slack user id → Elevate login. */
  readonly users: Readonly<Record<string, string>>;
}

export function slackSignature(secret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export class SlackWebInteractions implements SlackInteractions {
  constructor(private readonly opts: SlackInteractionOptions) {}

  verify(rawBody: string, timestamp: string, signature: string, now: Instant): boolean {
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > WINDOW_SECONDS) return false;
    const expected = Buffer.from(slackSignature(this.opts.signingSecret, timestamp, rawBody));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  loginOf(userId: string): string | null {
    return Object.hasOwn(this.opts.users, userId) ? this.opts.users[userId]! : null;
  }

  async emailOf(userId: string): Promise<string | null> {
    // users.info takes its arguments form-encoded (it is a read method), unlike chat.*.
    const res = await fetch(`${this.opts.apiUrl}/users.info`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.opts.token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ user: userId }).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const answer = (await res.json()) as Record<string, unknown>;
    if (answer.ok !== true) throw new Error(`Slack users.info: ${String(answer.error ?? 'not ok')}`);
    const email = (answer.user as { profile?: { email?: unknown } } | undefined)?.profile?.email;
    return typeof email === 'string' && email.includes('@') ? email : null;
  }

  async update(channel: string, ts: string, text: string): Promise<void> {
    await slackCall(this.opts, 'chat.update', { channel, ts, text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: slackEscape(text) } }] }, AbortSignal.timeout(TIMEOUT_MS));
  }

  async reply(responseUrl: string, text: string): Promise<void> {
    const res = await postJson(responseUrl, { response_type: 'ephemeral', replace_original: false, text }, AbortSignal.timeout(TIMEOUT_MS));
    await res.body?.cancel();
  }
}
