import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SyslogSink } from '../../../src/adapters/audit-export/syslog-sink.js';
import { exportAuditPass } from '../../../src/app/audit/export-audit.js';
import { type Rsyslog, startRsyslog } from '../../support/rsyslog.js';
import { OPTS, audited, checkpoint, exportCore } from './support.js';

const IDENTITY = { hostname: 'elevate-test', appName: 'elevate', procId: '42', facility: 13 };

/** Waits until rsyslog has written `n` lines (it writes asynchronously from its own threads). */
async function linesOf(rx: Rsyslog, n: number): Promise<string[]> {
  const until = Date.now() + 20_000;
  while (rx.lines().length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  return rx.lines();
}

for (const tls of [false, true]) {
  test(`syslog over ${tls ? 'TLS (RFC 5425)' : 'TCP (RFC 6587)'} to a real rsyslog: every record in order, octet-counted, with seq and chain hash as structured data`, async (t) => {
    const rx = await startRsyslog({ tls });
    t.after(() => rx.stop());
    const { tc, kit } = await exportCore(t);
    const sink = new SyslogSink({ name: 'siem', host: tls ? 'localhost' : '127.0.0.1', port: rx.port, identity: IDENTITY, ...(tls && { tls: { ca: rx.cert! } }) });
    t.after(() => sink.close());
    await audited(tc, 12);
    await checkpoint(tc, kit);
    const r = await exportAuditPass(tc.core.deps, sink, OPTS);
    assert.deepEqual([r.entries, r.checkpoints, r.lagRecords, r.error], [12, 1, 0, null]);
    const lines = await linesOf(rx, 13);
    assert.equal(lines.length, 13, lines.join('\n'));
    const seen = lines.map((l) => {
      const m = /^(\d+) (audit|checkpoint) (\[elevate@32473 [^\n]*?\]) \uFEFF?(\{.*\})$/.exec(l);
      assert.ok(m, `unexpected line: ${l}`);
      return { pri: Number(m[1]), msgid: m[2]!, sd: m[3]!, record: JSON.parse(m[4]!) };
    });
    assert.deepEqual(seen.map((s) => `${s.msgid}:${s.record.seq}`), [...Array.from({ length: 12 }, (_, i) => `audit:${i + 1}`), 'checkpoint:12']);
    assert.ok(seen.every((s) => s.pri === 13 * 8 + 6), 'facility log audit, severity informational');
    for (const s of seen.filter((x) => x.msgid === 'audit')) {
      assert.match(s.sd, new RegExp(`seq="${s.record.seq}" prevHash="${s.record.prevHash}" hash="${s.record.hash}" action="group.created"`));
      // Quotes, brackets and backslashes in the record survive the framing (the JSON is the message, not SD).
      assert.equal(s.record.after.note, 'quote " and ] and \\ and é');
    }
    assert.match(seen.at(-1)!.sd, /keyId="[0-9a-f]{16}" signature="[A-Za-z0-9+/=]+"/);

    // A later batch follows from the cursor on the same connection.
    await audited(tc, 2);
    const again = await exportAuditPass(tc.core.deps, sink, OPTS);
    assert.equal(again.error, null);
    assert.equal((await linesOf(rx, 15)).length, 15);
  });
}

test('syslog over TLS refuses a receiver whose certificate it cannot verify, and sends nothing', async (t) => {
  const rx = await startRsyslog({ tls: true });
  t.after(() => rx.stop());
  const { tc } = await exportCore(t);
  await audited(tc, 2);
  const sink = new SyslogSink({ name: 'siem', host: 'localhost', port: rx.port, identity: IDENTITY, tls: {} });
  t.after(() => sink.close());
  const r = await exportAuditPass(tc.core.deps, sink, OPTS);
  assert.match(r.error ?? '', /cannot reach syslog at localhost:\d+: self[- ]signed certificate/);
  assert.equal(r.lagRecords, 2);
});
