import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Approval, type Decision, openApproval, votersOfOpenStage, vote } from '../../../src/domain/request/approval.js';
import { type GroupMembers, pathProblem, stagesOf } from '../../../src/domain/role/approval-stage.js';
import { T0, domainError, request, role } from '../fixtures.js';

// "Two of the DBA leads (bob, carol or anyone in group leads), then the service owner (dave)".
const PROD = role({
  id: 'role-prod',
  name: 'Prod DB',
  approvalRequired: true,
  approverIds: [],
  candidateIds: ['alice', 'erin'],
  stages: [
    { approverIds: ['bob', 'carol'], approverGroupIds: ['leads'], required: 2 },
    { approverIds: ['dave'], approverGroupIds: [], required: 1 },
  ],
});
const LEADS: GroupMembers = new Map([['leads', new Set(['frank', 'alice'])]]);
const req = request({ status: 'PendingApproval', roleId: PROD.id, approvalId: 'apr-1', creatorId: 'alice' });

let clock = T0;
function by(a: Approval, who: string, decision: Decision = 'approve', members: GroupMembers = LEADS, r = PROD): Approval {
  return vote(a, r, req, { approverId: who, at: ++clock, decision, comment: `${who} says ${decision}`, factor: null }, members);
}
const open = () => openApproval('apr-1', req.id);

describe('stages and quorum', () => {
  test('stage 1 needs two distinct approvals, then stage 2 needs dave; the request is approved only after the last', () => {
    const one = by(open(), 'bob');
    assert.deepEqual([one.status, one.stage], ['Pending', 0]);
    const two = by(one, 'frank'); // frank counts as a member of leads
    assert.deepEqual([two.status, two.stage], ['Pending', 1]);
    const three = by(two, 'dave');
    assert.deepEqual([three.status, three.stage, three.decidedBy], ['Approved', 2, 'dave']);
    assert.deepEqual(three.votes.map((v) => [v.approverId, v.stage]), [['bob', 0], ['frank', 0], ['dave', 1]]);
  });

  test('stages run in order: dave cannot vote while stage 1 is open', () => {
    assert.throws(() => by(open(), 'dave'), domainError('NotApprover', 'stage 1 of 2'));
    assert.throws(() => by(by(open(), 'bob'), 'dave', 'reject'), domainError('NotApprover', 'stage 1 of 2'));
  });

  test('any rejection rejects at once, in any stage, even after approvals', () => {
    assert.equal(by(open(), 'carol', 'reject').status, 'Rejected');
    const r = by(by(by(open(), 'bob'), 'carol'), 'dave', 'reject');
    assert.deepEqual([r.status, r.decidedBy, r.comment], ['Rejected', 'dave', 'dave says reject']);
    assert.throws(() => by(r, 'frank'), domainError('Conflict', 'Rejected'));
  });

  test('the requester never counts, even as a member of an approver group', () => {
    assert.throws(() => by(open(), 'alice'), domainError('SelfApproval'));
    assert.deepEqual(votersOfOpenStage(PROD, req, open(), LEADS), ['bob', 'carol', 'frank']);
  });

  test('the same person votes once per stage: a second vote is a Conflict and changes nothing', () => {
    const one = by(open(), 'bob');
    assert.throws(() => by(one, 'bob'), domainError('Conflict', 'already voted'));
    assert.throws(() => by(one, 'bob', 'reject'), domainError('Conflict', 'already voted'));
    assert.equal(one.votes.length, 1);
  });

  test('the same person in two stages approves only one of them: one person is one set of eyes', () => {
    const both = role({ ...PROD, stages: [PROD.stages[0]!, { approverIds: ['dave', 'bob'], approverGroupIds: [], required: 1 }] });
    const passed = by(by(open(), 'bob', 'approve', LEADS, both), 'carol', 'approve', LEADS, both);
    assert.equal(passed.stage, 1);
    assert.throws(() => by(passed, 'bob', 'approve', LEADS, both), domainError('Conflict', 'earlier stage'));
    assert.deepEqual(votersOfOpenStage(both, req, passed, LEADS), ['dave']);
    assert.equal(by(passed, 'dave', 'approve', LEADS, both).status, 'Approved');
  });

  test('an approver who leaves the group between votes no longer counts towards the open stage', () => {
    const one = by(open(), 'frank');
    const left: GroupMembers = new Map([['leads', new Set<string>()]]);
    const two = by(one, 'bob', 'approve', left);
    assert.deepEqual([two.status, two.stage], ['Pending', 0], "frank's vote does not count now; stage 1 still needs a second approval");
    assert.throws(() => by(two, 'frank', 'approve', left), domainError('NotApprover'), 'no longer an approver at all');
    const three = by(two, 'carol', 'approve', left);
    assert.equal(three.stage, 1);
  });

  test('a stage that has passed stays passed when its group changes later', () => {
    const passed = by(by(open(), 'frank'), 'bob');
    const left: GroupMembers = new Map([['leads', new Set<string>()]]);
    assert.equal(by(passed, 'dave', 'approve', left).status, 'Approved');
  });

  test('someone who joins the group later may vote on the open stage', () => {
    const joined: GroupMembers = new Map([['leads', new Set(['gina'])]]);
    assert.throws(() => by(open(), 'gina'), domainError('NotApprover'));
    assert.equal(by(open(), 'gina', 'approve', joined).votes.length, 1);
  });

  test('votersOfOpenStage follows the open stage and is empty once decided', () => {
    const one = by(open(), 'bob');
    assert.deepEqual(votersOfOpenStage(PROD, req, one, LEADS), ['carol', 'frank']);
    const two = by(one, 'carol');
    assert.deepEqual(votersOfOpenStage(PROD, req, two, LEADS), ['dave']);
    assert.deepEqual(votersOfOpenStage(PROD, req, by(two, 'dave'), LEADS), []);
  });
});

describe('the approval path as written', () => {
  test('approvalRequired + approvers is one stage needing one; no approval, no stages', () => {
    const r = role({ approvalRequired: true, approverIds: ['carol'] });
    assert.deepEqual(stagesOf(r), [{ approverIds: ['carol'], approverGroupIds: [], required: 1 }]);
    assert.deepEqual(stagesOf(role({ approvalRequired: false, stages: PROD.stages })), []);
  });

  test('paths nobody could pass, or that an elevation could pass itself, are refused', () => {
    assert.equal(pathProblem(PROD), null);
    const st = (s: object) => role({ ...PROD, stages: [{ approverIds: ['bob'], approverGroupIds: [], required: 1, ...s }] });
    assert.match(pathProblem(st({ required: 0 }))!, /required/);
    assert.match(pathProblem(st({ required: 1.5 }))!, /required/);
    assert.match(pathProblem(st({ approverIds: [] }))!, /no approvers/);
    assert.match(pathProblem(st({ required: 2 }))!, /needs 2 approvals but names only 1/);
    assert.equal(pathProblem(st({ required: 2, approverGroupIds: ['leads'] })), null);
    assert.match(pathProblem(st({ approverGroupIds: ['group-sql'] }))!, /grants/);
  });
});
