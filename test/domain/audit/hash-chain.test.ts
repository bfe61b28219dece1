/**
 * The audit repository hashes an entry from its before and after as serialised for storage
 * (chainTextOfStored), while verification hashes the entry as read back (chainText over the parsed
 * values): both must give the same text, or a fresh trail would fail `elevate audit verify`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditEntry } from '../../../src/domain/audit/audit-entry.js';
import { GENESIS_HASH, chainText, chainTextOfStored } from '../../../src/domain/audit/hash-chain.js';

const base: AuditEntry = {
  at: 1_764_900_000_123,
  actorId: null,
  action: 'request.expiry-reached',
  targetType: 'request',
  targetId: 'a "quoted" \\ id',
  requestId: 'r-1',
  before: null,
  after: null,
};

const values: unknown[] = [
  null,
  { status: 'Active', expiresAt: 1_764_900_000_000 },
  { status: 'Closing', expiresAt: null, endReason: 'expired' },
  { b: 1, 10: 'ten', 2: 'two', a: [1, 2.5, -0, 1e21, 5e-324, true, null] },
  { nested: { deep: [{ x: 'é ✓ \u2028 \u0000 \ud800 lone' }] }, empty: {}, list: [] },
  JSON.parse('{"__proto__": {"x": 1}, "y": 2}'),
  'a plain string',
  42,
  { when: new Date(Date.UTC(2026, 11, 5)) },
];

test('the text hashed at append is the text verification recomputes from what is stored', () => {
  let seq = 0;
  for (const before of values) {
    for (const after of values) {
      seq++;
      const e: AuditEntry = { ...base, actorId: seq % 2 ? null : `actor ${seq}`, requestId: seq % 3 ? `r-${seq}` : null, before, after };
      const beforeJson = before === null ? null : JSON.stringify(before);
      const afterJson = after === null ? null : JSON.stringify(after);
      const readBack = { ...e, before: beforeJson === null ? null : JSON.parse(beforeJson), after: afterJson === null ? null : JSON.parse(afterJson) };
      assert.equal(chainTextOfStored(GENESIS_HASH, seq, e, beforeJson, afterJson), chainText(GENESIS_HASH, seq, readBack));
    }
  }
});
