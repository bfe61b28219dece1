import { z } from 'zod';
import { NOTIFICATION_KINDS } from '../domain/notify/notification.js';

const httpUrl = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false; // URL throws on malformed input; that is the answer
  }
}, 'must be an http:// or https:// URL');

/** A webhook: CloudEvents JSON to `url`, signed with the secret in `secretFile`, for the events listed. */
const webhook = z
  .object({
    url: httpUrl,
    secretFile: z.string().min(1),
    events: z.array(z.union([z.literal('*'), z.enum(NOTIFICATION_KINDS)])).min(1).default(['*']),
  })
  .strict();

/**
 * Notifications (issue 15). Secrets are read from files, never from the config itself, so the config
 * can be shared and logged.
 */
export const notificationsConfig = z
  .object({
    email: z
      .object({
        /** smtp:// (STARTTLS when offered) or smtps:// (TLS), with the user: smtps://elevate@smtp.corp.example:465 */
        url: z
          .string()
          .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
          .refine((s) => URL.canParse(s) && new URL(s).password === '', 'must not hold a password: put it in passwordFile'),
        passwordFile: z.string().min(1).optional(),
        from: z.string().min(3),
        /** Refuse to send unless the server offers STARTTLS (smtp:// only). */
        requireTls: z.boolean().default(true),
      })
      .strict()
      .optional(),
    webhooks: z.array(webhook).default([]),
    /** Slack: chat.postMessage to `channel` with a bot token; Approve / Reject from the message need the signing secret. */
    slack: z
      .object({
        tokenFile: z.string().min(1),
        signingSecretFile: z.string().min(1).optional(),
        channel: z.string().min(1),
        /** Slack user id → Elevate login, for people whose Slack email is not their account's. */
        users: z.record(z.string().regex(/^[UW][A-Z0-9]+$/, 'must be a Slack user id such as U024BE7LH'), z.string().min(1)).default({}),
        /** Slack's Web API (a stand-in's address in tests). */
        apiUrl: httpUrl.default('https://slack.com/api'),
      })
      .strict()
      .optional(),
    /** Microsoft Teams: an incoming webhook, whose URL (a secret) is in the file. */
    teams: z
      .object({
        /** The global webhook; optional when only roles' own webhooks are wanted. */
        webhookUrlFile: z.string().min(1).optional(),
        /** Named webhooks a role may choose (`notify.teamsChannel`), each URL in its file. */
        channels: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a Teams webhook name is lower-case letters, digits and dashes'), z.object({ webhookUrlFile: z.string().min(1) }).strict()).default({}),
      })
      .strict()
      .refine((t) => t.webhookUrlFile !== undefined || Object.keys(t.channels).length > 0, 'give webhookUrlFile, channels, or both')
      .optional(),
    /** How long before its end an elevation's holder is warned; 0 turns the warning off. */
    expiryWarningMinutes: z.coerce.number().int().min(0).max(24 * 60).default(10),
    /** A revocation confirmed this long after the expiry is reported as late. */
    revocationLateSeconds: z.coerce.number().int().min(1).max(86_400).default(300),
    /** A delivery not answered within this time counts as failed and is retried. */
    sendTimeoutMs: z.coerce.number().int().min(100).max(120_000).default(10_000),
  })
  .strict()
  .prefault({});
