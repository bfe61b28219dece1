import assert from 'node:assert/strict';
import { test } from 'node:test';
import { candidateGroupProblem, isCandidate } from '../../../src/domain/role/role.js';
import { role } from '../fixtures.js';

test('a candidate is named, or a member of one of the role\'s candidate groups', () => {
  const r = role({ candidateIds: ['alice'], candidateGroupIds: ['dbas'] });
  const members = new Map([['dbas', new Set(['bob'])], ['other', new Set(['carol'])]]);
  assert.equal(isCandidate(r, 'alice'), true, 'named, with no membership read');
  assert.equal(isCandidate(r, 'bob'), false, 'no membership given: only the named');
  assert.equal(isCandidate(r, 'bob', members), true);
  assert.equal(isCandidate(r, 'carol', members), false, 'a member of a group the role does not name');
  assert.equal(isCandidate(role({ candidateIds: [] }), 'bob', members), false, 'a role without candidate groups');
});

test('a candidate group may not be a group the role grants', () => {
  const names = (id: string) => id.toUpperCase();
  assert.equal(candidateGroupProblem({ groupIds: ['g1'], candidateGroupIds: ['dbas'] }, names), null);
  assert.equal(candidateGroupProblem({ groupIds: ['g1'] }, names), null);
  assert.match(candidateGroupProblem({ groupIds: ['g1', 'dbas'], candidateGroupIds: ['dbas'] }, names)!, /cannot be a group the role grants.*: DBAS$/);
});
