import type { NotificationKind } from '../../domain/notify/notification.js';
import type { NotificationChannel, NotificationMessage, RoleRoute } from '../../ports/notification-channel.js';
import { postJson } from './post-json.js';
import { details, headline, linkText } from './wording.js';

/** Slack's three control characters in text (https://api.slack.com/reference/surfaces/formatting#escaping). */
export const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The action ids of the approval buttons; the interaction endpoint reads them back. */
export const SLACK_ACTIONS = { approve: 'elevate_approve', reject: 'elevate_reject' } as const;

/** Block Kit for one notification: headline, fields, and buttons (Approve / Reject on an approval). */
export function slackBlocks(m: NotificationMessage): Record<string, unknown>[] {
  const buttons: Record<string, unknown>[] = [];
  if (m.kind === 'approval-needed' && m.request.approvalId !== null) {
    buttons.push(
      { type: 'button', action_id: SLACK_ACTIONS.approve, text: { type: 'plain_text', text: 'Approve' }, style: 'primary', value: m.request.approvalId },
      { type: 'button', action_id: SLACK_ACTIONS.reject, text: { type: 'plain_text', text: 'Reject' }, style: 'danger', value: m.request.approvalId },
    );
  }
  buttons.push({ type: 'button', action_id: 'elevate_open', text: { type: 'plain_text', text: linkText(m) }, url: m.link });
  return [
    { type: 'section', text: { type: 'mrkdwn', text: `*${slackEscape(headline(m))}*` } },
    { type: 'section', fields: details(m).slice(0, 10).map(([k, v]) => ({ type: 'mrkdwn', text: `*${slackEscape(k)}*\n${slackEscape(v)}` })) },
    { type: 'actions', block_id: `elevate:${m.request.id}`, elements: buttons },
  ];
}

export interface SlackOptions {
  readonly token: string;
  readonly channel: string;
  /** Slack's Web API; a stand-in's address in tests. */
  readonly apiUrl: string;
}

/** Calls one Web API method; Slack answers 200 with `ok: false` on errors, which this throws. */
export async function slackCall(opts: Pick<SlackOptions, 'token' | 'apiUrl'>, method: string, body: unknown, signal: AbortSignal): Promise<Record<string, unknown>> {
  const res = await postJson(`${opts.apiUrl}/${method}`, body, signal, { authorization: `Bearer ${opts.token}` });
  const answer = (await res.json()) as Record<string, unknown>;
  if (answer.ok !== true) throw new Error(`Slack ${method}: ${String(answer.error ?? 'not ok')}`);
  return answer;
}

const PREFIX = 'slack:';

/** A Slack channel (and the roles' own channels), posted to with chat.postMessage and Block Kit. */
export class SlackChannel implements NotificationChannel {
  readonly reach = 'broadcast' as const;
  readonly name: string;

  constructor(private readonly opts: SlackOptions) {
    this.name = `${PREFIX}${opts.channel}`;
  }

  accepts(_kind: NotificationKind): boolean {
    return true;
  }

  reaches(): boolean {
    return true;
  }

  /** A role's own channel when it has one; the channel is part of the receiver, so each is retried and deduped apart. */
  receiverFor(route: RoleRoute | null): string {
    return route?.slackChannel ? `${PREFIX}${route.slackChannel}` : this.name;
  }

  owns(receiver: string): boolean {
    return receiver.startsWith(PREFIX);
  }

  async send(m: NotificationMessage, signal: AbortSignal): Promise<void> {
    const channel = this.owns(m.receiver) ? m.receiver.slice(PREFIX.length) : this.opts.channel;
    await slackCall(this.opts, 'chat.postMessage', { channel, text: headline(m), blocks: slackBlocks(m), unfurl_links: false }, signal);
  }
}
