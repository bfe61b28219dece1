import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from '../../src/cli/cli-error.js';
import { parseDuration } from '../../src/cli/parse-duration.js';
import { isGuid, odataString } from '../../src/cli/pam-client.js';

test('durations are seconds or d/h/m/s combinations', () => {
  for (const [text, seconds] of [['3600', 3600], ['0', 0], ['90s', 90], ['30m', 1800], ['2h', 7200], ['1h30m', 5400], ['1d', 86_400], [' 2H ', 7200]] as const) {
    assert.equal(parseDuration(text), seconds, text);
  }
});

test('anything else is a usage error (exit 2)', () => {
  for (const text of ['', 'h', '1.5h', '-5', '30 m', '2x', '1m1h']) {
    assert.throws(() => parseDuration(text), (e) => e instanceof CliError && e.exitCode === 2, text);
  }
});

test('OData string literals double the quote; GUIDs are recognised', () => {
  assert.equal(odataString("Jen's O'Clock"), "'Jen''s O''Clock'");
  assert.equal(odataString(''), "''");
  assert.ok(isGuid('C0112F13-b16b-40ad-b547-07f23a7fba52'));
  assert.ok(!isGuid("c0112f13-b16b-40ad-b547-07f23a7fba52') or true"));
});
