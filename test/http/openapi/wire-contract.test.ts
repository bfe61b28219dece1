import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REQUEST_STATUSES } from '../../../src/domain/request/request.js';
import { REQUEST_STATUS_NAMES } from '../../../src/wire/mim.js';

// The wire module stands alone (the portal imports its types), so it spells the statuses itself.
test('the wire spells request statuses as the domain does', () => {
  assert.deepEqual([...REQUEST_STATUS_NAMES], [...REQUEST_STATUSES]);
});
