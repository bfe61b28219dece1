import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateSigningKey } from '../../../src/adapters/crypto/ed25519-checkpoint-keys.js';
import { runCli } from '../../cli/run-cli.js';
import { tempDir } from '../../support/harness.js';
import { startTestServer } from '../../support/test-server.js';

test('serve exports the trail to each configured sink as it grows, a receiver that refuses delays no other sink, and shutdown sends the last checkpoint', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const key = join(dir, 'audit.key');
  const { publicKeyFile } = generateSigningKey(key);
  writeFileSync(join(dir, 'token'), 'tok\n');
  // A collector that is down for the whole test: every batch it gets is refused.
  let refused = 0;
  const down = createServer((req, res) => (req.resume(), refused++, res.writeHead(503).end()));
  await new Promise<void>((r) => down.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => down.close(() => r())));
  const path = join(dir, 'audit.jsonl');
  const { server, stop } = await startTestServer({
    tickMs: 200,
    audit: {
      signingKeyFile: key,
      export: {
        sinks: [
          { type: 'http', name: 'collector', url: `http://127.0.0.1:${(down.address() as AddressInfo).port}/in`, bearerTokenFile: join(dir, 'token') },
          { type: 'file', name: 'archive', path, maxBytes: 1 << 20, keep: 2 },
        ],
      },
    },
  });
  t.after(stop);
  const r = await fetch(`${server.url}/api/admin/groups`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Exported at once' }),
  });
  assert.equal(r.status, 201);
  const head = (await server.core.deps.store.read((tx) => tx.audit.head()))!.seq;
  const until = Date.now() + 20_000;
  const exported = () => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; seq: number });
  while (Date.now() < until && !exported().some((x) => x.type === 'audit' && x.seq === head)) await new Promise((res) => setTimeout(res, 100));
  assert.ok(exported().some((x) => x.type === 'audit' && x.seq === head), 'the new entry reached the file while the collector was refusing');
  assert.ok(refused >= 1, 'the collector was tried');
  const metrics = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` } })).text();
  assert.match(metrics, /elevate_audit_export_lag_records\{sink="archive"\} 0/);
  // Read at scrape time: the collector, in backoff, is behind by the whole trail.
  assert.match(metrics, /elevate_audit_export_lag_records\{sink="collector"\} [1-9]\d*\n/);
  assert.match(metrics, /elevate_audit_export_lag_seconds\{sink="collector"\} [\d.]+/);
  assert.match(metrics, /elevate_audit_export_failures_total\{sink="collector"\} [1-9]/);
  await stop();
  const last = exported().at(-1)!;
  assert.deepEqual([last.type, last.seq], ['checkpoint', head], 'the shutdown checkpoint went out last');
  const v = await runCli(['audit', 'verify-export', path, '--public-key', publicKeyFile, '--anchored']);
  assert.equal(v.code, 0, v.stderr);
});
