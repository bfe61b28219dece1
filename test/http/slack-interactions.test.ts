/**
 * Approve / Reject from Slack, against a Slack stand-in on loopback: callbacks signed as Slack signs
 * them, and the attacks a public endpoint meets (bad signature, stale timestamp, a Slack user who is
 * nobody here or no approver), and a role whose approvers need MFA step-up.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { slackSignature } from '../../src/adapters/notify/slack-interactions.js';
import { standIn } from '../support/chat-stand-ins.js';
import { API, type TestApp, basic, makeApp, roleId, tempDir } from '../support/harness.js';

const SIGNING = 'slack-signing-secret-8d2f';
const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

const EMAILS: Record<string, string> = { U0ANN: 'ann@priv.example', U0NOBODY: 'nobody@elsewhere.example' };

async function setUp(): Promise<{ t: TestApp; slack: Awaited<ReturnType<typeof standIn>>; approvalId: string; requestId: string }> {
  const slack = await standIn((c) => (c.path === '/users.info' ? { ok: true, user: { id: c.body.user, profile: { email: EMAILS[c.body.user] } } } : { ok: true }));
  cleanup.push(slack.close);
  const dir = tempDir();
  writeFileSync(join(dir, 'slack.token'), 'xoxb-test\n');
  writeFileSync(join(dir, 'slack.secret'), `${SIGNING}\n`);
  const t = await makeApp({
    config: {
      portalUrl: 'https://elevate.corp.example',
      notifications: { slack: { tokenFile: join(dir, 'slack.token'), signingSecretFile: join(dir, 'slack.secret'), channel: '#access', apiUrl: slack.url, users: { U0JEN: 'jen' } } },
    },
  });
  cleanup.push(() => t.destroy());
  const created = await t.app.inject({ method: 'POST', url: `${API}/pamrequests`, headers: basic('jen'), payload: { RoleId: await roleId(t.app, 'ApprovalRole'), RequestedTTL: '600' } });
  assert.equal(created.statusCode, 201, created.body);
  const requestId = created.json().RequestId;
  const approvalId = (await t.core.deps.store.read((tx) => tx.requests.byId(requestId)))!.approvalId!;
  return { t, slack, approvalId, requestId };
}

function payload(user: string, approvalId: string, action = 'elevate_approve'): string {
  const p = {
    type: 'block_actions',
    user: { id: user },
    actions: [{ action_id: action, value: approvalId }],
    channel: { id: 'C0ACCESS' },
    message: { ts: '1767607200.000100' },
    response_url: 'RESPONSE_URL',
  };
  return new URLSearchParams({ payload: JSON.stringify(p) }).toString();
}

async function click(t: TestApp, slackUrl: string, body: string, opts: { secret?: string; at?: number } = {}) {
  const raw = body.replace('RESPONSE_URL', encodeURIComponent(`${slackUrl}/respond`));
  const ts = String(Math.floor((opts.at ?? t.clock.now()) / 1000));
  return t.app.inject({
    method: 'POST',
    url: '/api/slack/interactions',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': slackSignature(opts.secret ?? SIGNING, ts, raw) },
    payload: raw,
  });
}

const status = (t: TestApp, id: string) => t.core.deps.store.read(async (tx) => (await tx.requests.byId(id))!.status);

test('a bad signature or a stale timestamp is refused with 401 and decides nothing', async () => {
  const { t, slack, approvalId, requestId } = await setUp();
  assert.equal((await click(t, slack.url, payload('U0ANN', approvalId), { secret: 'not-the-secret' })).statusCode, 401);
  assert.equal((await click(t, slack.url, payload('U0ANN', approvalId), { at: t.clock.now() - 5 * 60_000 - 1000 })).statusCode, 401);
  const unsigned = await t.app.inject({ method: 'POST', url: '/api/slack/interactions', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: payload('U0ANN', approvalId) });
  assert.equal(unsigned.statusCode, 401);
  assert.equal(await status(t, requestId), 'PendingApproval');
  assert.deepEqual(slack.calls, [], 'Slack was never asked who the user is');
});

test('a Slack user who is nobody here, or no approver, decides nothing and is told so', async () => {
  const { t, slack, approvalId, requestId } = await setUp();
  assert.equal((await click(t, slack.url, payload('U0NOBODY', approvalId))).statusCode, 200);
  assert.equal((await click(t, slack.url, payload('U0JEN', approvalId))).statusCode, 200);
  assert.equal(await status(t, requestId), 'PendingApproval');
  assert.deepEqual(slack.calls.map((c) => c.path), ['/users.info', '/respond', '/respond']);
  assert.equal(slack.calls[0]!.headers.authorization, 'Bearer xoxb-test');
  assert.match(slack.calls[1]!.body.text, /matches no Elevate account/);
  assert.equal(slack.calls[1]!.body.response_type, 'ephemeral');
  assert.match(slack.calls[2]!.body.text, /^Nothing was decided/);
});

test('for a role with approver step-up the approver gets the portal link instead of an approval', async () => {
  const { t, slack, approvalId, requestId } = await setUp();
  await t.core.deps.store.transaction(async (tx) => {
    const role = (await tx.roles.byName('ApprovalRole'))!;
    await tx.roles.update({ ...role, approverMfaRequired: true });
  });
  assert.equal((await click(t, slack.url, payload('U0ANN', approvalId))).statusCode, 200);
  assert.equal(await status(t, requestId), 'PendingApproval');
  assert.match(slack.calls.at(-1)!.body.text, /approve it in Elevate, https:\/\/elevate\.corp\.example\/#\/approvals/);
});

test('an approver approves from Slack as through the API, and the message is updated with the outcome', async () => {
  const { t, slack, approvalId, requestId } = await setUp();
  assert.equal((await click(t, slack.url, payload('U0ANN', approvalId))).statusCode, 200);
  assert.equal(await status(t, requestId), 'Active');
  const update = slack.calls.find((c) => c.path === '/chat.update')!;
  assert.deepEqual([update.body.channel, update.body.ts, update.body.text], ['C0ACCESS', '1767607200.000100', 'Approved by ann from Slack.']);
  const trail = await t.core.deps.store.read((tx) => tx.audit.list({ limit: 100, since: 0 }));
  const ann = await t.core.deps.store.read(async (tx) => (await tx.accounts.byLogin('ann'))!.id);
  assert.ok(trail.some((e) => e.action.startsWith('approval.') && e.actorId === ann), 'audited as ann, as the API would');
  // A second click meets the decided approval: nothing changes twice.
  assert.equal((await click(t, slack.url, payload('U0ANN', approvalId, 'elevate_reject'))).statusCode, 200);
  assert.equal(await status(t, requestId), 'Active');
});
