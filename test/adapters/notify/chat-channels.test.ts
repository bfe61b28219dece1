/**
 * Slack and Teams against stand-ins on loopback that check the documented request shapes:
 * chat.postMessage with a bot token and Block Kit, and a Teams incoming webhook with an Adaptive Card.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { SlackChannel } from '../../../src/adapters/notify/slack-channel.js';
import { TeamsChannel } from '../../../src/adapters/notify/teams-channel.js';
import type { NotificationMessage } from '../../../src/ports/notification-channel.js';
import { SAMPLE_MESSAGE } from './sample-message.js';
import { standIn } from '../../support/chat-stand-ins.js';

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of closers) await c();
});

const message: NotificationMessage = { ...SAMPLE_MESSAGE, request: { ...SAMPLE_MESSAGE.request, requester: { ...SAMPLE_MESSAGE.request.requester, displayName: 'Jen <admin>' } } };
const signal = () => new AbortController().signal;

test('Slack gets chat.postMessage with the bot token, fallback text and Block Kit with Approve and Reject', async () => {
  const slack = await standIn((c) => (c.headers.authorization === 'Bearer xoxb-test' ? { ok: true, ts: '1.0', channel: 'C1' } : { ok: false, error: 'invalid_auth' }));
  closers.push(slack.close);
  await new SlackChannel({ token: 'xoxb-test', channel: '#access', apiUrl: slack.url }).send(message, signal());
  const [call] = slack.calls;
  assert.equal(call!.path, '/chat.postMessage');
  assert.match(String(call!.headers['content-type']), /^application\/json/);
  assert.equal(call!.body.channel, '#access');
  assert.equal(call!.body.text, 'Jen <admin> (jen) asks for ApprovalRole: your approval is needed');
  const [head, fields, actions] = call!.body.blocks;
  assert.deepEqual(head, { type: 'section', text: { type: 'mrkdwn', text: '*Jen &lt;admin&gt; (jen) asks for ApprovalRole: your approval is needed*' } });
  assert.equal(fields.type, 'section');
  assert.ok(fields.fields.length <= 10 && fields.fields.every((f: { type: string }) => f.type === 'mrkdwn'));
  assert.equal(actions.type, 'actions');
  assert.deepEqual(
    actions.elements.map((e: { action_id: string; value?: string; url?: string }) => [e.action_id, e.value ?? e.url]),
    [['elevate_approve', 'ap-1'], ['elevate_reject', 'ap-1'], ['elevate_open', 'https://elevate.corp.example/#/approvals']],
  );
  await assert.rejects(new SlackChannel({ token: 'xoxb-wrong', channel: '#access', apiUrl: slack.url }).send(message, signal()), /invalid_auth/);
});

test('Slack shows no approval buttons on other events', async () => {
  const slack = await standIn(() => ({ ok: true }));
  closers.push(slack.close);
  await new SlackChannel({ token: 't', channel: '#access', apiUrl: slack.url }).send({ ...message, kind: 'elevation-ended', request: { ...message.request, approvalId: null, status: 'Expired', endReason: 'expired', expiresAt: message.time } }, signal());
  assert.deepEqual(slack.calls[0]!.body.blocks[2].elements.map((e: { action_id: string }) => e.action_id), ['elevate_open']);
});

test('Teams gets an Adaptive Card message through its incoming webhook', async () => {
  const teams = await standIn(() => '1');
  closers.push(teams.close);
  await new TeamsChannel(`${teams.url}/webhookb2/secret-path`).send(message, signal());
  const { body, path } = teams.calls[0]!;
  assert.equal(path, '/webhookb2/secret-path');
  assert.equal(body.type, 'message');
  const [attachment] = body.attachments;
  assert.equal(attachment.contentType, 'application/vnd.microsoft.card.adaptive');
  const card = attachment.content;
  assert.deepEqual([card.type, card.version, card.$schema], ['AdaptiveCard', '1.4', 'http://adaptivecards.io/schemas/adaptive-card.json']);
  assert.equal(card.body[0].type, 'TextBlock');
  assert.equal(card.body[1].type, 'FactSet');
  assert.deepEqual(card.body[1].facts[0], { title: 'Role', value: 'ApprovalRole' });
  assert.deepEqual(card.actions, [{ type: 'Action.OpenUrl', title: 'Review it in Elevate', url: 'https://elevate.corp.example/#/approvals' }]);
});
