import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadSqliteDriver } from '../../src/adapters/store/sqlite/sqlite-store.js';
import { cliJson, runCli, tempDir } from './run-cli.js';

test('audit lists entries with filters, and verify detects a tampered row', async (t) => {
  const data = tempDir(t);
  const d = ['--data', data];
  await cliJson(['user', 'add', 'jen', '--init', ...d]);
  await cliJson(['group', 'add', 'Ops', ...d]);
  await cliJson(['group', 'set', 'Ops', '--description', 'operators', ...d]);

  const all = await cliJson(['audit', ...d]);
  assert.deepEqual(all.map((e: { seq: number; action: string }) => [e.seq, e.action]), [
    [1, 'account.created'],
    [2, 'group.created'],
    [3, 'group.updated'],
  ]);
  assert.equal(all[0].actor, 'local-operator');
  assert.match(all[0].at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.deepEqual((await cliJson(['audit', '--action', 'group.updated', ...d])).map((e: { seq: number }) => e.seq), [3]);
  assert.deepEqual((await cliJson(['audit', '--limit', '1', ...d])).map((e: { seq: number }) => e.seq), [3], 'the newest N');
  assert.equal((await cliJson(['audit', '--actor', 'local-operator', '--since', '2000-01-01T00:00:00Z', ...d])).length, 3);
  assert.equal((await cliJson(['audit', '--until', '2000-01-01', ...d])).length, 0);
  assert.equal((await runCli(['audit', '--since', 'yesterday-ish', ...d])).code, 2);

  const table = (await runCli(['audit', ...d])).stdout.split('\n');
  assert.match(table[0]!, /^SEQ\s+TIME\s+ACTOR\s+ACTION\s+TARGET\s+REQUEST$/);
  assert.match(table[2]!, /^2\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+local-operator\s+group\.created\s+group Ops\s+-$/);

  const ok = await runCli(['audit', 'verify', ...d]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, 'audit chain intact: 3 entries verified\n');
  const okJson = await cliJson(['audit', 'verify', ...d]);
  assert.deepEqual([okJson.intact, okJson.checked, okJson.brokenAtSeq, okJson.checkpoint], [true, 3, null, null]);

  // Someone with write access to the file rewrites history behind the application's back.
  const db = new (loadSqliteDriver())(join(data, 'elevate.db'));
  try {
    const row = db.prepare('select after_json from audit where seq = 2').get() as { after_json: string };
    const forged = { ...JSON.parse(row.after_json), description: 'nothing to see here' };
    db.prepare('update audit set after_json = ? where seq = 2').run(JSON.stringify(forged));
  } finally {
    db.close();
  }

  const broken = await runCli(['audit', 'verify', ...d]);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /^elevate: audit chain broken at seq 2\b/);
  const brokenJson = await runCli(['audit', 'verify', '--json', ...d]);
  assert.equal(brokenJson.code, 1);
  const b = JSON.parse(brokenJson.stdout);
  assert.deepEqual([b.intact, b.checked, b.brokenAtSeq], [false, 2, 2]);
});
