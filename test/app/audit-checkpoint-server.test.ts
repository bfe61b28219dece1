import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { readCheckpointFile } from '../../src/adapters/audit/checkpoint-file.js';
import { generateSigningKey } from '../../src/adapters/crypto/ed25519-checkpoint-keys.js';
import { openCore } from '../../src/main.js';
import { tempDir } from '../support/harness.js';
import { startTestServer } from '../support/test-server.js';

function capture(): { logger: pino.Logger; lines: () => Record<string, unknown>[] } {
  let text = '';
  const stream = new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) });
  return { logger: pino({ level: 'info' }, stream), lines: () => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}

test('serve checkpoints the audit head at start and at shutdown, into the file and the store', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const key = join(dir, 'audit.key');
  generateSigningKey(key);
  const file = join(dir, 'shipped', 'checkpoints.jsonl');
  mkdirSync(join(dir, 'shipped'));
  const log = capture();
  const { server, config, close, stop } = await startTestServer({ logLevel: 'info', audit: { signingKeyFile: key, checkpointFile: file } }, { logger: log.logger });
  t.after(stop);
  // The start-up checkpoint runs in the background; the shutdown one must cover whatever follows.
  const r = await fetch(`${server.url}/api/admin/groups`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Written before shutdown' }),
  });
  assert.equal(r.status, 201, await r.text());
  const head = await server.core.deps.store.read((tx) => tx.audit.head());
  await close();
  const seqs = readCheckpointFile(file).checkpoints.map((c) => c.seq);
  assert.equal(seqs.at(-1), head!.seq, `the shutdown checkpoint covers the last entry (${seqs.join(',')})`);
  assert.ok(seqs.length >= 2 && seqs[0]! < head!.seq, 'and the start-up one covered the seeded head');
  assert.ok(log.lines().some((l) => l.msg === 'signing audit checkpoints' && typeof l.keyId === 'string'));
  const again = await openCore(config);
  try {
    assert.equal((await again.deps.store.read((tx) => tx.auditCheckpoints.latest()))?.seq, head!.seq);
  } finally {
    await again.close();
  }
});

test('serve without a signing key warns that checkpoints are not configured', async () => {
  const log = capture();
  const { stop } = await startTestServer({ demo: false, logLevel: 'info' }, { logger: log.logger });
  await stop();
  const warning = log.lines().find((l) => typeof l.msg === 'string' && l.msg.startsWith('audit checkpoints are not configured'));
  assert.equal(warning?.level, 40);
});
