import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createRequest } from '../../../src/domain/request/create.js';
import { apply } from '../../../src/domain/request/transitions.js';
import {
  type AutoApproveRule,
  WEEKDAYS,
  describeRule,
  inRuleWindow,
  matchingRule,
  parseDays,
  ruleGroupIdsOf,
  rulesProblem,
} from '../../../src/domain/role/auto-approve.js';
import { APPROVAL_TIMEOUT_S, HOUR_MS, MFA_TIMEOUT_S, T0, ctx, minutes, role } from '../fixtures.js';

// T0 is Monday 5 January 2026, 10:00 UTC. alice and bob are candidates; carol and alice approve.
const rule = (o: Partial<AutoApproveRule> = {}): AutoApproveRule => ({ name: 'r', groupIds: [], window: null, maxTtlSeconds: null, ticketRequired: false, ...o });
const ON_CALL = new Map([['g-oncall', new Set(['bob'])]]);
const subject = (o: Partial<Parameters<typeof matchingRule>[1]> = {}) => ({ requesterId: 'bob', at: T0, ttlSeconds: 3600, ticketId: null, members: ON_CALL, ...o });
const weekdays = { days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'] as const, from: minutes('08:00'), to: minutes('18:00') };

test('each condition on its own: group, window, TTL limit, ticket', () => {
  assert.ok(matchingRule([rule({ groupIds: ['g-oncall'] })], subject(), 'UTC'));
  assert.equal(matchingRule([rule({ groupIds: ['g-oncall'] })], subject({ requesterId: 'alice' }), 'UTC'), null, 'not a member');
  assert.equal(matchingRule([rule({ groupIds: ['g-other'] })], subject(), 'UTC'), null, 'membership not read: not a member');
  assert.ok(matchingRule([rule({ window: weekdays })], subject(), 'UTC'));
  assert.equal(matchingRule([rule({ window: weekdays })], subject({ at: T0 + 9 * HOUR_MS }), 'UTC'), null, '19:00');
  assert.equal(matchingRule([rule({ window: weekdays })], subject({ at: T0 - 2 * 24 * HOUR_MS }), 'UTC'), null, 'Saturday');
  assert.equal(matchingRule([rule({ window: weekdays })], subject({ at: T0 + 8 * HOUR_MS - 60_000 }), 'UTC')?.name, 'r', '17:59');
  assert.equal(matchingRule([rule({ window: weekdays })], subject({ at: T0 + 8 * HOUR_MS }), 'UTC'), null, '18:00 is outside');
  assert.ok(matchingRule([rule({ maxTtlSeconds: 3600 })], subject(), 'UTC'), 'at the limit');
  assert.equal(matchingRule([rule({ maxTtlSeconds: 3599 })], subject(), 'UTC'), null, 'above the limit');
  assert.equal(matchingRule([rule({ ticketRequired: true })], subject(), 'UTC'), null);
  assert.ok(matchingRule([rule({ ticketRequired: true })], subject({ ticketId: 'INC1' }), 'UTC'));
});

test('all conditions of a rule must hold; the first matching rule in order approves', () => {
  const all = rule({ name: 'all', groupIds: ['g-oncall'], window: weekdays, maxTtlSeconds: 7200, ticketRequired: true });
  assert.equal(matchingRule([all], subject({ ticketId: 'T' }), 'UTC')?.name, 'all');
  for (const miss of [{ requesterId: 'alice' }, { at: T0 + 9 * HOUR_MS }, { ttlSeconds: 7201 }, { ticketId: null }]) {
    assert.equal(matchingRule([all], subject({ ticketId: 'T', ...miss }), 'UTC'), null, JSON.stringify(miss));
  }
  const rules = [rule({ name: 'short', maxTtlSeconds: 600 }), rule({ name: 'on-call', groupIds: ['g-oncall'] }), rule({ name: 'any-ticket', ticketRequired: true })];
  assert.equal(matchingRule(rules, subject({ ttlSeconds: 60, ticketId: 'T' }), 'UTC')?.name, 'short');
  assert.equal(matchingRule(rules, subject({ ticketId: 'T' }), 'UTC')?.name, 'on-call');
  assert.equal(matchingRule(rules, subject({ requesterId: 'alice', ticketId: 'T' }), 'UTC')?.name, 'any-ticket');
  assert.equal(matchingRule(rules, subject({ requesterId: 'alice' }), 'UTC'), null);
  assert.equal(matchingRule(undefined, subject(), 'UTC'), null, 'no rules: nothing approves');
  assert.deepEqual(ruleGroupIdsOf([rule({ groupIds: ['b', 'a'] }), rule({ groupIds: ['a'] })]), ['a', 'b']);
});

test('a window across midnight belongs to the day it starts on', () => {
  const fridayNight = { days: ['Fri'] as const, from: minutes('22:00'), to: minutes('06:00') };
  const fri = Date.UTC(2026, 0, 9); // Friday 9 January 2026
  assert.equal(inRuleWindow({ ...fridayNight, days: [...fridayNight.days] }, fri + 23 * HOUR_MS, 'UTC'), true, 'Fri 23:00');
  assert.equal(inRuleWindow({ ...fridayNight, days: ['Fri'] }, fri + 27 * HOUR_MS, 'UTC'), true, 'Sat 03:00 belongs to Friday night');
  assert.equal(inRuleWindow({ ...fridayNight, days: ['Fri'] }, fri + 3 * HOUR_MS, 'UTC'), false, 'Fri 03:00 belongs to Thursday night');
  assert.equal(inRuleWindow({ ...fridayNight, days: ['Fri'] }, fri + 30 * HOUR_MS, 'UTC'), false, 'Sat 06:00 is over');
  assert.equal(inRuleWindow({ days: ['Sat'], from: 0, to: 0 }, fri + 30 * HOUR_MS, 'UTC'), true, 'equal ends: the whole day');
});

test('windows are read in the server zone, across a DST change', () => {
  // Europe/Paris springs forward on Sunday 29 March 2026 at 02:00 (UTC+1 -> UTC+2).
  const w = { days: ['Mon'] as const, from: minutes('08:00'), to: minutes('09:00') };
  const before = Date.UTC(2026, 2, 23, 7, 30); // Monday 23 March, 08:30 Paris (UTC+1)
  const after = Date.UTC(2026, 2, 30, 6, 30); // Monday 30 March, 08:30 Paris (UTC+2)
  assert.equal(inRuleWindow({ ...w, days: ['Mon'] }, before, 'Europe/Paris'), true);
  assert.equal(inRuleWindow({ ...w, days: ['Mon'] }, after, 'Europe/Paris'), true);
  assert.equal(inRuleWindow({ ...w, days: ['Mon'] }, after + HOUR_MS, 'Europe/Paris'), false, '09:30 Paris');
  assert.equal(inRuleWindow({ ...w, days: ['Mon'] }, after, 'UTC'), false, '06:30 UTC');
  // A night window over the change: Saturday 22:00 to Sunday 04:00 Paris holds 03:30 (after the jump).
  assert.equal(inRuleWindow({ days: ['Sat'], from: minutes('22:00'), to: minutes('04:00') }, Date.UTC(2026, 2, 29, 1, 30), 'Europe/Paris'), true);
});

test('property: a rule matches exactly when each of its conditions holds alone', () => {
  const arbRule = fc.record({
    name: fc.constant('p'),
    groupIds: fc.subarray(['g1', 'g2']),
    window: fc.option(fc.record({ days: fc.subarray([...WEEKDAYS], { minLength: 1 }), from: fc.integer({ min: 0, max: 1439 }), to: fc.integer({ min: 0, max: 1439 }) }), { nil: null }),
    maxTtlSeconds: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: null }),
    ticketRequired: fc.boolean(),
  });
  const arbSubject = fc.record({
    requesterId: fc.constant('bob'),
    at: fc.integer({ min: T0, max: T0 + 30 * 24 * HOUR_MS }),
    ttlSeconds: fc.integer({ min: 1, max: 10_000 }),
    ticketId: fc.option(fc.constant('T'), { nil: null }),
    members: fc.subarray(['g1', 'g2']).map((gs) => new Map(gs.map((g) => [g, new Set(['bob'])]))),
  });
  fc.assert(
    fc.property(arbRule, arbSubject, fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York'), (r, s, zone) => {
      const parts = [
        rule({ groupIds: r.groupIds }),
        rule({ window: r.window }),
        rule({ maxTtlSeconds: r.maxTtlSeconds }),
        rule({ ticketRequired: r.ticketRequired }),
      ];
      const each = parts.every((p) => matchingRule([p], s, zone) !== null);
      assert.equal(matchingRule([r], s, zone) !== null, each);
    }),
  );
});

test('an auto-approved request skips approval, after MFA, and records the rule', () => {
  const POLICY = { now: T0, approvalTimeoutSeconds: APPROVAL_TIMEOUT_S, mfaTimeoutSeconds: MFA_TIMEOUT_S, serverTimeZone: 'UTC', activeUntil: null };
  const NEW = { id: 'r1', approvalId: 'a1', creatorId: 'bob', ttlSeconds: 600, justification: null, requestedAt: null, creationMethod: 'test', ruleMembers: ON_CALL };
  const ruled = role({ approvalRequired: true, autoApprove: [rule({ name: 'on-call, short', groupIds: ['g-oncall'], maxTtlSeconds: 3600 })] });
  const t = createRequest({ ...NEW, role: ruled }, POLICY);
  assert.equal(t.request.status, 'Processing');
  assert.equal(t.request.autoApprovedBy, 'on-call, short');
  assert.equal(t.request.approvalId, null);
  assert.ok(!t.effects.some((e) => e.kind === 'open-approval' || (e.kind === 'notify' && e.event === 'approval-needed')));

  const notMatched = createRequest({ ...NEW, role: ruled, ruleMembers: new Map() }, POLICY);
  assert.equal(notMatched.request.status, 'PendingApproval');
  assert.equal(notMatched.request.autoApprovedBy ?? null, null);
  assert.equal(notMatched.request.approvalId, 'a1');

  const mfa = role({ ...ruled, mfaRequired: true });
  const waiting = createRequest({ ...NEW, role: mfa }, POLICY).request;
  assert.equal(waiting.status, 'PendingMFA', 'MFA first');
  assert.equal(apply(waiting, { kind: 'MfaPassed' }, ctx({ role: mfa })).request.status, 'Processing', 'then no approval');

  // Rules on a role without approval or a break-glass role do nothing (and are refused when written).
  assert.equal(createRequest({ ...NEW, role: role({ ...ruled, approvalRequired: false }) }, POLICY).request.autoApprovedBy ?? null, null);
  assert.equal(createRequest({ ...NEW, role: role({ ...ruled, breakGlass: true }) }, POLICY).request.autoApprovedBy ?? null, null);
});

test('rules that could never apply, or mean nothing, are refused', () => {
  const ok = { approvalRequired: true, breakGlass: false, groupIds: ['g-granted'] };
  assert.equal(rulesProblem({ ...ok, autoApprove: [rule({ maxTtlSeconds: 60 })] }), null);
  assert.equal(rulesProblem({ ...ok, approvalRequired: false, autoApprove: [] }), null);
  assert.match(rulesProblem({ ...ok, approvalRequired: false, autoApprove: [rule({ maxTtlSeconds: 60 })] })!, /without approval/);
  assert.match(rulesProblem({ ...ok, breakGlass: true, autoApprove: [rule({ maxTtlSeconds: 60 })] })!, /break-glass/);
  assert.match(rulesProblem({ ...ok, autoApprove: [rule()] })!, /no conditions/);
  assert.match(rulesProblem({ ...ok, autoApprove: [rule({ name: ' ', ticketRequired: true })] })!, /needs a name/);
  assert.match(rulesProblem({ ...ok, autoApprove: [rule({ ticketRequired: true }), rule({ name: 'R', maxTtlSeconds: 1 })] })!, /two auto-approval rules/);
  assert.match(rulesProblem({ ...ok, autoApprove: [rule({ groupIds: ['g-granted'] })] })!, /the role itself grants/);
  assert.match(rulesProblem({ ...ok, autoApprove: [rule({ window: { days: [], from: 0, to: 60 } })] })!, /without days/);
  assert.match(rulesProblem({ ...ok, autoApprove: [rule({ maxTtlSeconds: 0 })] })!, /at least one second/);
});

test('rules and days in words', () => {
  const r = rule({ groupIds: ['g-oncall'], window: { days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], from: 480, to: 1080 }, maxTtlSeconds: 7200 });
  assert.equal(describeRule(r, () => 'On-call'), 'in group On-call, Mon-Fri 08:00-18:00, TTL at most 2h');
  assert.equal(describeRule(rule({ ticketRequired: true, window: { days: ['Sat', 'Sun'], from: 0, to: 0 } }), String), 'Sat,Sun all day, with a ticket reference');
  assert.deepEqual(parseDays('Mon-Fri'), ['Mon', 'Tue', 'Wed', 'Thu', 'Fri']);
  assert.deepEqual(parseDays('fri-mon'), ['Sun', 'Mon', 'Fri', 'Sat']);
  assert.deepEqual(parseDays('Sat, sunday'), ['Sun', 'Sat']);
  assert.match(String(parseDays('Mon-Funday')), /not a day/);
});
