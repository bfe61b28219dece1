import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type Approval, type Decision, openApproval, votersOfOpenStage, vote } from '../../../src/domain/request/approval.js';
import { DomainError } from '../../../src/domain/errors.js';
import { type ApprovalStage, type GroupMembers, inStage } from '../../../src/domain/role/approval-stage.js';
import { T0, request, role } from '../fixtures.js';

// Random paths over a small cast (so people overlap across stages and groups), random vote
// sequences with group membership changing between votes. Whatever happens, the invariants hold.
const PEOPLE = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'] as const;
const GROUPS = ['g1', 'g2'] as const;
const REQUESTER = 'alice';

const stage: fc.Arbitrary<ApprovalStage> = fc.record({
  approverIds: fc.uniqueArray(fc.constantFrom(...PEOPLE), { maxLength: 4 }),
  approverGroupIds: fc.uniqueArray(fc.constantFrom(...GROUPS), { maxLength: 2 }),
  required: fc.integer({ min: 1, max: 3 }),
});
const members: fc.Arbitrary<GroupMembers> = fc
  .tuple(...GROUPS.map(() => fc.uniqueArray(fc.constantFrom(...PEOPLE), { maxLength: 4 })))
  .map((lists) => new Map(GROUPS.map((g, i) => [g, new Set(lists[i])])));
const step = fc.record({ who: fc.constantFrom(...PEOPLE), decision: fc.constantFrom<Decision>('approve', 'approve', 'approve', 'reject'), members });

test('stage folding: quorum, order, rejection, requester, one vote per stage, one stage per person', () => {
  fc.assert(
    fc.property(fc.array(stage, { minLength: 1, maxLength: 3 }), fc.array(step, { maxLength: 25 }), (stages, steps) => {
      const r = role({ approvalRequired: true, approverIds: [], stages });
      const req = request({ status: 'PendingApproval', creatorId: REQUESTER, approvalId: 'apr' });
      let a: Approval = openApproval('apr', req.id);
      // For each stage, who was counted when it passed (membership as it was at that vote).
      const passedBy: string[][] = [];
      let at = T0;
      for (const s of steps) {
        const before = a;
        const eligible = votersOfOpenStage(r, req, a, s.members).includes(s.who);
        try {
          a = vote(a, r, req, { approverId: s.who, at: ++at, decision: s.decision, comment: null, factor: null }, s.members);
        } catch (e) {
          assert.ok(e instanceof DomainError);
          assert.ok(!eligible, `${s.who} was listed as a voter of the open stage but was refused: ${e.message}`);
          assert.equal(a, before, 'a refused vote changes nothing');
          continue;
        }
        assert.ok(eligible, `${s.who} voted but was not a voter of the open stage`);
        assert.notEqual(s.who, REQUESTER, 'the requester never votes');
        assert.equal(a.votes.length, before.votes.length + 1);
        if (s.decision === 'reject') {
          assert.equal(a.status, 'Rejected', 'any accepted rejection rejects at once');
          assert.equal(a.stage, before.stage);
        } else if (a.stage > before.stage) {
          assert.equal(a.stage, before.stage + 1, 'one stage at a time');
          const counted = [...new Set(a.votes.filter((v) => v.stage === before.stage && v.decision === 'approve').map((v) => v.approverId))].filter((p) =>
            inStage(stages[before.stage]!, p, s.members),
          );
          assert.ok(counted.length >= stages[before.stage]!.required, 'a stage passes only with its count of current approvers');
          passedBy.push(counted);
        }
        assert.equal(a.status === 'Approved', a.stage === stages.length, 'approved exactly when the last stage passed');
      }
      // Nobody approves two stages, and the requester never appears.
      const flat = passedBy.flat();
      assert.equal(new Set(flat).size, flat.length);
      assert.ok(!flat.includes(REQUESTER));
      // Once decided, nothing moves it.
      if (a.status !== 'Pending') assert.equal(votersOfOpenStage(r, req, a, new Map()).length, 0);
      // Votes per (stage, person) are unique.
      const keys = a.votes.map((v) => `${v.stage}/${v.approverId}`);
      assert.equal(new Set(keys).size, keys.length);
    }),
    { numRuns: 1000 },
  );
});
