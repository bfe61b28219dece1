import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { callerOf } from '../../src/app/authenticate.js';
import { createRequestUseCase } from '../../src/app/create-request.js';
import { runNotifications } from '../../src/app/notify/run-notifications.js';
import { RecordingChannel } from '../app/notify/recording-channel.js';
import { FakeClock, makeCore } from '../support/harness.js';
import { cliJson, runCli, storeFlags, tempDir } from './run-cli.js';

test('elevate outbox --notifications lists the copies still waiting for a receiver that is down, with the error', async (t) => {
  const data = join(tempDir(t), 'data');
  const c = await makeCore({ clock: new FakeClock(Date.now()), dataDir: data });
  t.after(() => c.destroy());
  const store = storeFlags(c);
  const deps = c.core.deps;
  const jen = await deps.store.read(async (tx) => callerOf((await tx.accounts.byLogin('jen'))!));
  const roleId = (await deps.store.read((tx) => tx.roles.byName('Allow AD Access')))!.id;
  const { request } = await createRequestUseCase(deps, jen, { roleId, ttlSeconds: 300, justification: null, requestedAt: null, creationMethod: 'test' });
  const down = new RecordingChannel('webhook:https://siem.corp.example/hooks', 'broadcast');
  down.mode = 'down';
  assert.equal((await runNotifications(deps, { channels: [down], portalUrl: 'https://elevate.corp.example' })).failed.length, 1);
  await c.close();

  const r = await runCli(['outbox', '--notifications', ...store.args], { env: store.env });
  assert.equal(r.code, 0, r.stderr);
  const [summary, header, row] = r.stdout.trimEnd().split('\n');
  assert.equal(summary, '1 notification delivery waiting, 1 failing');
  assert.match(header!, /^EVENT\s+KIND\s+REQUEST\s+RECEIVER\s+DUE\s+ATTEMPTS\s+NEXT TRY\s+LAST ERROR$/);
  assert.match(row!, new RegExp(`elevation-active\\s+${request.id}\\s+webhook:https://siem\\.corp\\.example/hooks\\s+.*\\s1\\s+.*refused the connection$`));
  const json = await cliJson<{ kind: string; receiver: string; attempts: number }[]>(['outbox', '--notifications', ...store.args], { env: store.env });
  assert.deepEqual(json.map((d) => [d.kind, d.receiver, d.attempts]), [['elevation-active', 'webhook:https://siem.corp.example/hooks', 1]]);
});
