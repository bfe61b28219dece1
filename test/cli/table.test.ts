import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable } from '../../src/cli/table.js';
import { formatDuration, formatLocalTime } from '../../src/cli/format-time.js';

test('columns are aligned to the widest cell, with no trailing blanks', () => {
  assert.equal(
    formatTable(['NAME', 'TTL', 'NOTE'], [['Allow AD Access', '1h', ''], ['X', '30m', 'short']]),
    ['NAME             TTL  NOTE', 'Allow AD Access  1h', 'X                30m  short'].join('\n'),
  );
  assert.equal(formatTable(['ONLY'], []), 'ONLY');
});

test('control characters from other people cannot drive the terminal', () => {
  assert.equal(formatTable(['A'], [['evil\x1b[2Jname\n']]), 'A\nevil\\x1b[2Jname\\x0a');
});

test('times are local and ISO-ish; the .NET minimum means unset', () => {
  const at = new Date(2025, 0, 31, 8, 5, 9).getTime();
  assert.equal(formatLocalTime(at), '2025-01-31 08:05:09');
  assert.equal(formatLocalTime(new Date(at).toISOString()), '2025-01-31 08:05:09');
  assert.equal(formatLocalTime('0001-01-01T00:00:00'), '-');
  assert.equal(formatLocalTime(null), '-');
  assert.equal(formatDuration('5400'), '1h30m');
  assert.equal(formatDuration(0), '0s');
});
