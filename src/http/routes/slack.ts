import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../app/deps.js';
import type { MfaKit } from '../../app/mfa/mfa-kit.js';
import { type ChatOutcome, decideFromChat } from '../../app/notify/decide-from-chat.js';
import type { SlackInteractions } from '../../ports/slack-interactions.js';
import { z } from 'zod';
import { odataErrorBody } from '../../wire/odata.js';
import { odataError } from '../odata/error-map.js';
import { PUBLIC } from '../openapi/security.js';
import { describedOnly, routeSchema } from '../plugins/zod-schemas.js';

export interface SlackRouteOptions {
  readonly deps: Deps;
  readonly mfa: MfaKit;
  readonly slack: SlackInteractions;
  /** The portal's address for links; unset: the address this request came to. */
  readonly portalUrl: string | undefined;
}

const ACTIONS: Readonly<Record<string, 'approve' | 'reject'>> = { elevate_approve: 'approve', elevate_reject: 'reject' };

interface BlockActions {
  type?: string;
  user?: { id?: string };
  actions?: { action_id?: string; value?: string }[];
  channel?: { id?: string };
  message?: { ts?: string };
  container?: { channel_id?: string; message_ts?: string };
  response_url?: string;
}

/**
 * Slack's interaction endpoint (the Request URL of the Slack app): Approve and Reject from a
 * message. Nothing is read from the body before Slack's signature over the raw body has been
 * checked, within Slack's five-minute window; the clicking Slack user then acts as their Elevate
 * account, with the API's authorization.
 */
export async function slackRoutes(app: FastifyInstance, opts: SlackRouteOptions): Promise<void> {
  // The signature covers the body exactly as sent: keep it raw in this context.
  app.removeContentTypeParser('application/x-www-form-urlencoded');
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));

  const schema = routeSchema({
    // Slack signs the raw body (x-slack-signature) instead of signing in; the body stays a raw string.
    security: PUBLIC,
    tags: ['operations'],
    summary: "Slack's interaction endpoint: Approve and Reject from a message",
    headers: describedOnly(z.object({ 'x-slack-request-timestamp': z.string(), 'x-slack-signature': z.string() })),
    response: { 200: z.never().optional().meta({ description: 'Taken (or nothing to do).' }), 400: odataErrorBody, 401: odataErrorBody },
  });
  app.post('/interactions', { schema }, async (req, reply) => {
    const raw = typeof req.body === 'string' ? req.body : '';
    const ts = String(req.headers['x-slack-request-timestamp'] ?? '');
    const sig = String(req.headers['x-slack-signature'] ?? '');
    if (!opts.slack.verify(raw, ts, sig, opts.deps.clock.now())) {
      return reply.code(401).send(odataError('Unauthorized', 'The Slack signature is missing, wrong or too old.'));
    }
    let payload: BlockActions;
    try {
      payload = JSON.parse(new URLSearchParams(raw).get('payload') ?? '');
    } catch {
      return reply.code(400).send(odataError('BadRequest', 'The interaction carries no JSON payload.'));
    }
    const action = payload.actions?.[0];
    const decision = ACTIONS[action?.action_id ?? ''];
    const userId = payload.user?.id;
    // Other buttons (the link) need no answer.
    if (payload.type !== 'block_actions' || !decision || !action?.value || !userId) return reply.code(200).send();
    const portalUrl = opts.portalUrl ?? `${req.protocol}://${req.host}`;
    const login = opts.slack.loginOf(userId);
    const email = login === null ? await opts.slack.emailOf(userId) : null;
    const outcome = await decideFromChat(opts.deps, opts.mfa, { login, email }, action.value, decision, portalUrl);
    const channel = payload.channel?.id ?? payload.container?.channel_id;
    const messageTs = payload.message?.ts ?? payload.container?.message_ts;
    if (outcome.kind === 'decided' && channel && messageTs) await opts.slack.update(channel, messageTs, outcomeText(outcome));
    else if (payload.response_url) await opts.slack.reply(payload.response_url, outcomeText(outcome));
    return reply.code(200).send();
  });
}

function outcomeText(o: ChatOutcome): string {
  switch (o.kind) {
    case 'decided':
      return o.status === 'Pending' ? `${o.by} voted; the request waits for more approvals.` : `${o.status} by ${o.by} from Slack.`;
    case 'step-up':
      return `This role needs your MFA step-up to approve: approve it in Elevate, ${o.link}`;
    case 'unknown-user':
      return 'Your Slack account matches no Elevate account, so nothing was decided.';
    case 'refused':
      return `Nothing was decided: ${o.message}`;
  }
}
