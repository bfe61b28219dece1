import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { test } from 'node:test';
import { StreamSink } from '../../../src/adapters/audit-export/stdout-sink.js';
import { exportAuditPass } from '../../../src/app/audit/export-audit.js';
import { loadConfig } from '../../../src/config/load.js';
import { createLogger } from '../../../src/main.js';
import { OPTS, audited, checkpoint, exportCore } from './support.js';

test('the stdout sink writes JSON lines to its stream, in order; a stream that fails leaves the cursor where it was', async (t) => {
  const { tc, kit } = await exportCore(t);
  let text = '';
  let fail = true;
  const out = new Writable({ write: (c, _e, cb) => (fail ? cb(new Error('EPIPE')) : ((text += String(c)), cb())) });
  out.on('error', () => {});
  await audited(tc, 3);
  await checkpoint(tc, kit);
  const failed = await exportAuditPass(tc.core.deps, new StreamSink('container-log', out), OPTS);
  assert.deepEqual([failed.entries, failed.lagRecords, failed.error], [0, 3, 'EPIPE']);
  fail = false;
  const out2 = new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) });
  const sent = await exportAuditPass(tc.core.deps, new StreamSink('container-log', out2), OPTS);
  assert.deepEqual([sent.entries, sent.checkpoints, sent.lagRecords], [3, 1, 0]);
  assert.deepEqual(text.trim().split('\n').map((l) => `${JSON.parse(l).type}:${JSON.parse(l).seq}`), ['audit:1', 'audit:2', 'audit:3', 'checkpoint:3']);
});

test("with a stdout sink configured, the server's own log goes to stderr", () => {
  const config = loadConfig({ env: {}, overrides: { logLevel: 'info', audit: { export: { sinks: [{ type: 'stdout', name: 'container-log' }] } } } as never });
  const logger = createLogger(config);
  const fd = (l: object) => (l as Record<symbol, { fd?: number } | undefined>)[pino.symbols.streamSym]?.fd;
  assert.equal(fd(logger), 2);
  assert.notEqual(fd(createLogger(loadConfig({ env: {}, overrides: { logLevel: 'info' } }))), 2);
});
