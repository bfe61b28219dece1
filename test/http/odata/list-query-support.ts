// What the list-query tests share (list-query.test.ts, list-query-properties.test.ts).
import assert from 'node:assert/strict';
import { DomainError } from '../../../src/domain/errors.js';
import type { FilterExpr } from '../../../src/ports/filter.js';
import { parseFilter } from '../../../src/http/odata/filter-parser.js';
import { bindFilter } from '../../../src/http/odata/list-query.js';
import type { ResourceProperties } from '../../../src/http/odata/resource-properties.js';

export const GUID = 'c0112f13-b16b-40ad-b547-07f23a7fba52';

export function bind<F extends string>(text: string, props: ResourceProperties<F>): FilterExpr<F> {
  return bindFilter(parseFilter(text), props);
}

export function isBadRequest(...patterns: RegExp[]) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof DomainError, `expected a DomainError, got ${String(e)}`);
    assert.equal(e.code, 'BadRequest');
    for (const p of patterns) assert.match(e.message, p);
    return true;
  };
}
