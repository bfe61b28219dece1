import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomIds } from '../../../src/adapters/ids/random-ids.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-([0-9a-f])[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('time-ordered ids are version 7 GUIDs that sort by the time they were made, and differ within one millisecond', async () => {
  const before = Date.now();
  const first = randomIds.newTimeOrderedId();
  assert.equal(GUID.exec(first)?.[1], '7', first);
  assert.equal(GUID.exec(randomIds.newId())?.[1], '4');
  const stamp = Number.parseInt(first.slice(0, 8) + first.slice(9, 13), 16);
  assert.ok(stamp >= before && stamp <= Date.now(), `${stamp} is the time it was made`);
  const burst = Array.from({ length: 1000 }, () => randomIds.newTimeOrderedId());
  assert.equal(new Set(burst).size, burst.length);
  await new Promise((r) => setTimeout(r, 5));
  const later = randomIds.newTimeOrderedId();
  assert.ok(burst.every((id) => id < later), 'a later id sorts after every earlier one');
});
