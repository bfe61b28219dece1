import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBreakGlassUse, requireLastUseReviewed, review } from '../../../src/domain/request/break-glass.js';
import { checkTtl, createRequest } from '../../../src/domain/request/create.js';
import { apply } from '../../../src/domain/request/transitions.js';
import { APPROVAL_TIMEOUT_S, MFA_TIMEOUT_S, T0, ctx, domainError, request, role } from '../fixtures.js';

// alice and bob are candidates; carol and alice approve (fixtures.ts).
const GLASS = role({ id: 'role-glass', name: 'Glass', approvalRequired: true, breakGlass: true, ttlSeconds: 4 * 3600 });
const POLICY = { now: T0, approvalTimeoutSeconds: APPROVAL_TIMEOUT_S, mfaTimeoutSeconds: MFA_TIMEOUT_S, serverTimeZone: 'UTC', activeUntil: null };
const NEW = { id: 'r1', approvalId: 'a1', creatorId: 'bob', ttlSeconds: 600, justification: 'outage', requestedAt: null, creationMethod: 'test' };

test('a break-glass request skips approval even when the role has stages, and says it was break-glass', () => {
  const staged = role({ ...GLASS, stages: [{ approverIds: ['carol'], approverGroupIds: [], required: 1 }] });
  const t = createRequest({ ...NEW, role: staged }, POLICY);
  assert.equal(t.request.status, 'Processing');
  assert.equal(t.request.breakGlass, true);
  assert.equal(t.request.approvalId, null, 'no approval object: nobody is asked');
  assert.ok(!t.effects.some((e) => e.kind === 'open-approval' || (e.kind === 'notify' && e.event === 'approval-needed')));
});

test('MFA still applies: a break-glass MFA role waits for the code, then starts without approval', () => {
  const mfa = role({ ...GLASS, mfaRequired: true });
  const created = createRequest({ ...NEW, role: mfa }, POLICY).request;
  assert.equal(created.status, 'PendingMFA');
  assert.equal(apply(created, { kind: 'MfaPassed' }, ctx({ role: mfa })).request.status, 'Processing');
});

test('the TTL is capped by the break-glass maximum, and the refusal names it', () => {
  assert.throws(() => checkTtl(GLASS, 3601, 30 * 86_400), domainError('TtlOutOfRange', /break-glass maximum/));
  checkTtl(GLASS, 3600, 30 * 86_400);
  assert.throws(() => checkTtl(GLASS, 601, 30 * 86_400, 600), domainError('TtlOutOfRange', /from 1 to 600/));
  // An ordinary role is not capped by it.
  checkTtl(role({ ttlSeconds: 4 * 3600 }), 4 * 3600, 30 * 86_400, 600);
});

test('a use is one that gave access or may still; an unreviewed use blocks the next one', () => {
  assert.equal(isBreakGlassUse(request({ breakGlass: true, status: 'PendingMFA' })), true);
  assert.equal(isBreakGlassUse(request({ breakGlass: true, status: 'Expired', startedAt: T0 })), true);
  assert.equal(isBreakGlassUse(request({ breakGlass: true, status: 'Rejected', endReason: 'mfa-failed' })), false);
  assert.equal(isBreakGlassUse(request({ status: 'Active', startedAt: T0 })), false);
  requireLastUseReviewed(GLASS, undefined);
  requireLastUseReviewed(role(), request({ breakGlass: true }));
  assert.throws(() => requireLastUseReviewed(GLASS, request({ id: 'req-9', breakGlass: true })), domainError('BreakGlassReviewPending', /req-9/, /not been reviewed/));
});

test('only an approver other than the requester reviews, once, with a comment', () => {
  const use = request({ roleId: GLASS.id, creatorId: 'alice', breakGlass: true, status: 'Expired', startedAt: T0 });
  const none = new Map();
  assert.throws(() => review(GLASS, use, 'alice', 'fine', T0, none, undefined), domainError('SelfApproval'));
  assert.throws(() => review(GLASS, use, 'bob', 'fine', T0, none, undefined), domainError('RequestNotFound'));
  assert.throws(() => review(GLASS, request({ startedAt: T0, status: 'Expired' }), 'carol', 'fine', T0, none, undefined), domainError('RequestNotFound'));
  assert.throws(() => review(GLASS, use, 'carol', '   ', T0, none, undefined), domainError('BadRequest', /comment/));
  const done = review(GLASS, use, 'carol', ' restored the DB ', T0, none, undefined);
  assert.deepEqual(done, { requestId: use.id, reviewerId: 'carol', reviewedAt: T0, comment: 'restored the DB', factor: null });
  assert.throws(() => review(GLASS, use, 'carol', 'again', T0, none, done), domainError('Conflict'));
  // A member of an approver group reviews too.
  const grouped = role({ ...GLASS, stages: [{ approverIds: [], approverGroupIds: ['g-leads'], required: 1 }] });
  assert.equal(review(grouped, use, 'dave', 'ok', T0, new Map([['g-leads', new Set(['dave'])]]), undefined).reviewerId, 'dave');
});
