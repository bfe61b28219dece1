/**
 * Issue 15, delivery: at least once, retried with backoff, once per receiver, a receiver that is
 * down or silent delays nothing else, and what a crash left unsent goes out after the restart.
 * Runs on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { LOCAL_OPERATOR } from '../../../src/app/admin/require-admin.js';
import { listNotificationDeliveries } from '../../../src/app/admin/notification-outbox.js';
import { callerOf } from '../../../src/app/authenticate.js';
import { closeRequestUseCase } from '../../../src/app/close-request.js';
import { createRequestUseCase } from '../../../src/app/create-request.js';
import { type NotificationOptions, fanOutNotifications, runNotifications } from '../../../src/app/notify/run-notifications.js';
import type { PamRequest } from '../../../src/domain/request/request.js';
import { FakeClock, type TestCore, makeCore } from '../../support/harness.js';
import { RecordingChannel } from './recording-channel.js';

const cores: TestCore[] = [];
after(async () => {
  for (const t of cores) await t.destroy();
});
const MIN = 60_000;

async function core(opts: Parameters<typeof makeCore>[0] = {}): Promise<TestCore> {
  const t = await makeCore(opts);
  cores.push(t);
  // ApprovalRole gets a second approver: both must hear of a request.
  await t.core.deps.store.transaction(async (tx) => {
    const role = (await tx.roles.byName('ApprovalRole'))!;
    const admin = (await tx.accounts.byLogin('admin'))!;
    if (!role.approverIds.includes(admin.id)) await tx.roles.update({ ...role, approverIds: [...role.approverIds, admin.id] });
  });
  return t;
}

async function ask(t: TestCore, login: string, role: string, ttlSeconds = 3600): Promise<PamRequest> {
  const { caller, roleId } = await t.core.deps.store.read(async (tx) => ({ caller: callerOf((await tx.accounts.byLogin(login))!), roleId: (await tx.roles.byName(role))!.id }));
  return (await createRequestUseCase(t.core.deps, caller, { roleId, ttlSeconds, justification: 'change 42', requestedAt: null, creationMethod: 'test' })).request;
}

const options = (...channels: RecordingChannel[]): NotificationOptions => ({ channels, portalUrl: 'https://elevate.corp.example', sendTimeoutMs: 300 });

test('a two-approver request reaches both approvers and every channel once, however often the worker runs', async () => {
  const t = await core();
  const mail = new RecordingChannel('email', 'personal');
  const hook = new RecordingChannel('webhook:https://siem.corp.example/hooks', 'broadcast');
  const r = await ask(t, 'jen', 'ApprovalRole');
  const first = await runNotifications(t.core.deps, options(mail, hook));
  assert.deepEqual([first.fannedOut, first.delivered, first.failed], [1, 3, []]);
  assert.deepEqual(mail.log.sort(), ['approval-needed admin', 'approval-needed ann']);
  assert.deepEqual(hook.log, ['approval-needed']);
  const m = mail.sent[0]!;
  assert.deepEqual([m.request.id, m.request.role, m.request.requester.login, m.request.justification, m.link], [r.id, 'ApprovalRole', 'jen', 'change 42', 'https://elevate.corp.example/#/approvals']);
  assert.equal(m.id, hook.sent[0]!.id, 'every receiver gets the same event id, to dedupe on');
  assert.deepEqual(first.latenessMs, [0, 0, 0]);
  const again = await runNotifications(t.core.deps, options(mail, hook));
  assert.deepEqual([again.fannedOut, again.delivered], [0, 0]);
  assert.equal(mail.sent.length + hook.sent.length, 3);
});

test('a receiver that is down or silent delays nothing else, and gets everything once it is back', async () => {
  const t = await core();
  const down = new RecordingChannel('webhook:https://down.example', 'broadcast');
  const silent = new RecordingChannel('webhook:https://silent.example', 'broadcast');
  const ok = new RecordingChannel('webhook:https://ok.example', 'broadcast');
  down.mode = 'down';
  silent.mode = 'hang';
  await ask(t, 'jen', 'ApprovalRole');
  await ask(t, 'jen', 'Allow AD Access', 300);
  const started = Date.now();
  const pass = await runNotifications(t.core.deps, options(down, silent, ok));
  assert.ok(Date.now() - started < 5000, 'the silent receiver cost one timeout, not one per delivery');
  assert.deepEqual(ok.log, ['approval-needed', 'elevation-active']);
  assert.equal(pass.delivered, 2);
  // One real attempt each; the second delivery of a failing receiver is put off with it, not tried.
  assert.deepEqual(pass.failed.map((f) => [f.receiver, f.attempts]).sort(), [['webhook:https://down.example', 1], ['webhook:https://silent.example', 1]]);
  assert.match(pass.failed.find((f) => f.receiver.includes('silent'))!.error, /no answer within 300 ms/);
  const open = await listNotificationDeliveries(t.core.deps, LOCAL_OPERATOR);
  assert.equal(open.length, 4);
  assert.ok(open.some((d) => d.lastError?.startsWith('put off:')));

  // Before the backoff has passed, nothing is retried.
  assert.equal((await runNotifications(t.core.deps, options(down, silent, ok))).failed.length, 0);
  down.mode = silent.mode = 'up';
  t.clock.advance(2000);
  const retry = await runNotifications(t.core.deps, options(down, silent, ok));
  assert.equal(retry.delivered, 4);
  assert.deepEqual(retry.latenessMs.every((ms) => ms >= 2000), true, 'lateness counts from when each was due');
  assert.deepEqual([down.log, silent.log], [['approval-needed', 'elevation-active'], ['approval-needed', 'elevation-active']]);
  assert.deepEqual(await listNotificationDeliveries(t.core.deps, LOCAL_OPERATOR), []);
});

test('a crash between the commit and the send still delivers after the restart, and a dead node’s claim lapses', async () => {
  const clock = new FakeClock();
  const t = await core({ clock });
  const hook = new RecordingChannel('webhook:https://siem.corp.example/hooks', 'broadcast');
  const r = await ask(t, 'jen', 'Allow AD Access', 300);
  // The node dies right after the commit: nothing was sent.
  await t.close();
  const restarted = await makeCore({ clock, dataDir: t.dataDir, demo: false });
  cores.push(restarted);
  assert.equal((await runNotifications(restarted.core.deps, options(hook))).delivered, 1);
  assert.deepEqual(hook.log, ['elevation-active']);

  // Another node fanned out the end, claimed its delivery, and died before sending it.
  const jen = await restarted.core.deps.store.read(async (tx) => callerOf((await tx.accounts.byLogin('jen'))!));
  await closeRequestUseCase(restarted.core.deps, jen, r.id);
  await fanOutNotifications(restarted.core.deps, options(hook));
  const claimed = await restarted.core.deps.store.transaction((tx) => tx.notifications.claim(clock.now(), clock.now() + MIN, 10));
  assert.equal(claimed.length, 1);
  assert.equal((await runNotifications(restarted.core.deps, options(hook))).delivered, 0, 'its lease still holds');
  clock.advance(MIN);
  assert.equal((await runNotifications(restarted.core.deps, options(hook))).delivered, 1);
  assert.deepEqual(hook.log, ['elevation-active', 'elevation-ended']);
});

test('the expiry warning waits for its warn-at instant, and is dropped when the elevation ended first', async () => {
  const t = await core();
  const hook = new RecordingChannel('webhook:https://siem.corp.example/hooks', 'broadcast', ['ending-soon']);
  const kept = await ask(t, 'jen', 'Allow AD Access', 1800);
  const closed = await ask(t, 'ann', 'Allow AD Access', 1800);
  const ann = await t.core.deps.store.read(async (tx) => callerOf((await tx.accounts.byLogin('ann'))!));
  await closeRequestUseCase(t.core.deps, ann, closed.id);
  await runNotifications(t.core.deps, options(hook));
  assert.deepEqual(hook.log, [], 'the event filter took nothing else, and the warnings are not due');
  assert.equal(await t.core.deps.store.read((tx) => tx.notifications.nextAt()), kept.expiresAt! - 10 * MIN, 'the worker knows when to look again');
  t.clock.advance(20 * MIN);
  await runNotifications(t.core.deps, options(hook));
  assert.deepEqual(hook.sent.map((m) => [m.kind, m.request.id, m.link]), [['ending-soon', kept.id, 'https://elevate.corp.example/#/roles']]);
});
