/**
 * Issue 15, per-role settings: a role's own expiry warning lead time, Slack channel and Teams webhook
 * (set through the admin API) take that role's events instead of the global ones; operations events
 * stay global; other roles keep the global settings. Real Slack and Teams channels against stand-ins
 * on loopback. Runs on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { SlackChannel } from '../../../src/adapters/notify/slack-channel.js';
import { TeamsChannel } from '../../../src/adapters/notify/teams-channel.js';
import { runNotifications } from '../../../src/app/notify/run-notifications.js';
import { API, type TestApp, basic, makeApp, roleId } from '../../support/harness.js';
import { standIn } from '../../support/chat-stand-ins.js';

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of closers.reverse()) await c();
});
const MIN = 60_000;

async function app(): Promise<TestApp> {
  // The file is never read by the core: only the names of the config's Teams webhooks matter to roles.
  const t = await makeApp({ config: { notifications: { teams: { webhookUrlFile: '/nonexistent/teams.url', channels: { dba: { webhookUrlFile: '/nonexistent/dba.url' } } } } } });
  closers.push(t.destroy);
  return t;
}

async function patchRole(t: TestApp, name: string, body: unknown) {
  return t.app.inject({ method: 'PATCH', url: `/api/admin/roles/${name}`, headers: { ...basic('admin'), 'content-type': 'application/json' }, payload: JSON.stringify(body) });
}

async function activate(t: TestApp, role: string, ttl: number): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: `${API}/pamrequests`, headers: basic('jen'), payload: { RoleId: await roleId(t.app, role), RequestedTTL: String(ttl), Justification: 'change 42' } });
  assert.equal(res.statusCode, 201, res.body);
  await t.tick(); // the grant is confirmed: the elevation is Active
  return res.json().RequestId;
}

test('a role with its own Slack channel, Teams webhook and lead time sends its events there, warned at its own time', async () => {
  const t = await app();
  const set = await patchRole(t, 'Allow AD Access', { notify: { expiryWarningMinutes: 30, slackChannel: '#db-admins', teamsChannel: 'dba' } });
  assert.equal(set.statusCode, 200, set.body);
  assert.deepEqual(set.json().notify, { expiryWarningMinutes: 30, slackChannel: '#db-admins', teamsChannel: 'dba' });

  const slack = await standIn(() => ({ ok: true, ts: '1.0' }));
  const teamsGlobal = await standIn(() => '1');
  const teamsDba = await standIn(() => '1');
  closers.push(slack.close, teamsGlobal.close, teamsDba.close);
  const channels = [new SlackChannel({ token: 'xoxb-test', channel: '#access', apiUrl: slack.url }), new TeamsChannel(teamsGlobal.url, new Map([['dba', teamsDba.url]]))];
  const opts = { channels, portalUrl: 'https://elevate.corp.example', sendTimeoutMs: 2000 };

  const created = await t.app.inject({ method: 'POST', url: '/api/admin/roles', headers: { ...basic('admin'), 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'Other', ttlSeconds: 3600, groups: ['Approved Operators'], candidates: ['jen'] }) });
  assert.equal(created.statusCode, 201, created.body);
  const own = await activate(t, 'Allow AD Access', 3600);
  const other = await activate(t, 'Other', 3600);
  await runNotifications(t.core.deps, opts);
  const posted = () => slack.calls.map((c) => `${c.body.channel} ${c.body.text}`).sort();
  assert.deepEqual(
    slack.calls.map((c) => c.body.channel).sort(),
    ['#access', '#db-admins'],
    'the role with its own channel posts there, the other role to the global channel',
  );
  assert.equal(teamsDba.calls.length, 1);
  assert.equal(teamsGlobal.calls.length, 1);

  // The role's lead time: 30 minutes before its end, not the server's 10.
  const warnings = await t.core.deps.store.read(async (tx) => [...(await tx.notifications.ofRequest(own)), ...(await tx.notifications.ofRequest(other))].filter((n) => n.kind === 'ending-soon'));
  const start = t.clock.now();
  assert.deepEqual(
    warnings.map((w) => (w.notBefore - start) / MIN),
    [30, 50],
  );
  t.clock.advance(30 * MIN);
  await runNotifications(t.core.deps, opts);
  assert.ok(posted().some((p) => p.startsWith('#db-admins ') && /ends|ending/i.test(p)), posted().join('\n'));
  assert.equal(teamsDba.calls.length, 2, 'the warning reaches the role\'s own Teams webhook');
  assert.equal(teamsGlobal.calls.length, 1, 'and not the global one');

  // null goes back to the server's settings.
  const back = await patchRole(t, 'Allow AD Access', { notify: { slackChannel: null, teamsChannel: null, expiryWarningMinutes: null } });
  assert.deepEqual(back.json().notify, { expiryWarningMinutes: null, slackChannel: null, teamsChannel: null });
});

test('operations events stay in the global channels, whatever the role chose', async () => {
  const t = await app();
  assert.equal((await patchRole(t, 'Allow AD Access', { notify: { slackChannel: '#db-admins' } })).statusCode, 200);
  const slack = await standIn(() => ({ ok: true, ts: '1.0' }));
  closers.push(slack.close);
  const opts = { channels: [new SlackChannel({ token: 'xoxb-test', channel: '#ops', apiUrl: slack.url })], portalUrl: 'https://elevate.corp.example', sendTimeoutMs: 2000 };
  const id = await activate(t, 'Allow AD Access', 600);
  await runNotifications(t.core.deps, opts);
  // The revoke is confirmed ten minutes after the end: later than revocationLateSeconds (300).
  t.clock.advance(20 * MIN);
  await t.tick();
  await t.tick();
  const kinds = (await t.core.deps.store.read((tx) => tx.notifications.ofRequest(id))).map((n) => n.kind);
  assert.ok(kinds.includes('revocation-late'), kinds.join());
  await runNotifications(t.core.deps, opts);
  const late = slack.calls.filter((c) => /late/i.test(String(c.body.text)));
  assert.deepEqual(late.map((c) => c.body.channel), ['#ops']);
  assert.ok(slack.calls.some((c) => c.body.channel === '#db-admins' && /ended/i.test(String(c.body.text))), 'the end itself goes to the role\'s channel');
});

test('bad per-role settings get a 400 in the API\'s error shape and change nothing', async () => {
  const t = await app();
  for (const notify of [{ teamsChannel: 'nosuch' }, { expiryWarningMinutes: -1 }, { slackChannel: 'has spaces' }, { webhookUrl: 'https://x' }]) {
    const res = await patchRole(t, 'Allow AD Access', { notify });
    assert.equal(res.statusCode, 400, `${JSON.stringify(notify)}: ${res.body}`);
    assert.ok(res.json()['odata.error'] ?? res.json().error, res.body);
  }
  const shown = await t.app.inject({ method: 'GET', url: '/api/admin/roles/Allow%20AD%20Access', headers: basic('admin') });
  assert.deepEqual(shown.json().notify, { expiryWarningMinutes: null, slackChannel: null, teamsChannel: null });
});
