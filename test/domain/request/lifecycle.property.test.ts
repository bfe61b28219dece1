import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DomainError } from '../../../src/domain/errors.js';
import { createRequest } from '../../../src/domain/request/create.js';
import type { Effect } from '../../../src/domain/request/effect.js';
import { nextTimedEvent } from '../../../src/domain/request/next-timed-event.js';
import { HOLDING, type PamRequest, type RequestStatus, isTerminal } from '../../../src/domain/request/request.js';
import { type RequestEvent, type TransitionContext, apply } from '../../../src/domain/request/transitions.js';
import type { Role } from '../../../src/domain/role/role.js';
import { APPROVAL, HOUR_MS, MFA, MFA_AND_APPROVAL, MINUTE_MS, PLAIN, T0, daily, role } from '../fixtures.js';

/**
 * Random lives of a request: created fresh for one of several kinds of role, then hit by random
 * events (most of them refused) while the clock moves forward by random steps or jumps to the
 * request's next deadline, as the scheduler would.
 */

const OFFICE_HOURS = role({ id: 'role-office', name: 'Office hours', ttlSeconds: 4 * 3600, window: daily('08:00', '18:00', 'Europe/Paris') });
const OFFICE_HOURS_APPROVAL = role({ ...OFFICE_HOURS, id: 'role-office-approval', approvalRequired: true });
const ROLES: readonly Role[] = [PLAIN, MFA, APPROVAL, MFA_AND_APPROVAL, OFFICE_HOURS, OFFICE_HOURS_APPROVAL];

const PRE_GRANT: readonly RequestStatus[] = ['PendingMFA', 'PendingApproval', 'Scheduled'];

const events: fc.Arbitrary<RequestEvent> = fc.constantFrom<RequestEvent>(
  { kind: 'MfaPassed' },
  { kind: 'MfaFailed' },
  { kind: 'Approved' },
  { kind: 'Rejected' },
  { kind: 'StartDue' },
  { kind: 'GrantConfirmed' },
  { kind: 'Close', reason: 'closed' },
  { kind: 'Close', reason: 'deactivated' },
  { kind: 'Close', reason: 'superseded' },
  { kind: 'ExpiryDue' },
  { kind: 'RevokeConfirmed' },
  { kind: 'TimedOut' },
);

/** How the clock moves before an event: not at all, by a random amount, or to the next deadline. */
const advances = fc.oneof(
  fc.constant<'due'>('due'),
  fc.constant(0),
  fc.integer({ min: 1, max: 3 * HOUR_MS }),
);

const lives = fc.record({
  role: fc.constantFrom(...ROLES),
  ttlSeconds: fc.integer({ min: 1, max: 4 * 3600 }),
  // 0: start now; otherwise a start later today, inside office hours (T0 is 11:00 in Paris).
  startInMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 6 * HOUR_MS })),
  activeUntil: fc.oneof(fc.constant(null), fc.integer({ min: T0 + 1, max: T0 + 8 * HOUR_MS })),
  steps: fc.array(fc.record({ advance: advances, event: events }), { maxLength: 40 }),
});

test('random event sequences keep every lifecycle invariant', () => {
  fc.assert(
    fc.property(lives, ({ role, ttlSeconds, startInMs, activeUntil, steps }) => {
      const created = createRequest(
        {
          id: 'req-p',
          approvalId: 'apr-p',
          creatorId: 'alice',
          role,
          ttlSeconds: Math.min(ttlSeconds, role.ttlSeconds),
          justification: null,
          requestedAt: startInMs === 0 ? null : T0 + startInMs,
          creationMethod: 'property',
        },
        { now: T0, approvalTimeoutSeconds: 3600, mfaTimeoutSeconds: 300, serverTimeZone: 'UTC', activeUntil },
      );
      let r: PamRequest = created.request;
      let now = T0;
      let held = 0; // grants minus revokes so far
      let approvals = 0; // approvals opened, and settled
      let settled = 0;
      const tally = (effects: readonly Effect[]): void => {
        for (const e of effects) {
          assert.equal(e.requestId, r.id);
          if (e.kind === 'grant' || e.kind === 'revoke') {
            assert.deepEqual([e.accountId, e.roleId], [r.creatorId, r.roleId]);
            held += e.kind === 'grant' ? 1 : -1;
          } else if (e.kind === 'open-approval') {
            assert.equal(e.approvalId, r.approvalId);
            approvals++;
          } else if (e.kind === 'settle-approval') {
            assert.equal(e.approvalId, r.approvalId);
            assert.equal(e.status, r.endReason === 'timed-out' ? 'Expired' : 'Cancelled');
            settled++;
          } else if (e.kind === 'notify') {
            // A warning is held back to before the end of the access it warns about, never after.
            if (e.event === 'ending-soon') assert.ok(e.notBefore !== undefined && r.expiresAt !== null && e.notBefore < r.expiresAt, 'the warning comes before the end');
            else assert.equal(e.notBefore, undefined);
            if (e.event === 'elevation-ended') assert.ok(r.endReason !== null && r.endReason !== 'superseded', 'an end is told with its reason, and an extension is no end');
          } else {
            assert.equal(e.kind, 'supersede');
            assert.equal(r.status, 'Active', 'only an elevation that holds its groups supersedes another');
          }
        }
      };
      tally(created.effects);
      assert.equal(r.version, 1);

      const check = (): void => {
        assert.ok(held === 0 || held === 1, `grants minus revokes is ${held}`);
        // An approval is opened at creation exactly when the role needs one, and settled at most once.
        assert.equal(approvals, role.approvalRequired ? 1 : 0);
        assert.ok(settled <= approvals, `${settled} settlement(s) of ${approvals} approval(s)`);
        assert.equal(held, HOLDING.includes(r.status) ? 1 : 0, `${r.status} with ${held} grant(s) outstanding`);
        if (isTerminal(r.status) || PRE_GRANT.includes(r.status)) assert.equal(held, 0);
        if (HOLDING.includes(r.status)) {
          assert.ok(r.startedAt !== null && r.expiresAt !== null, `${r.status} without startedAt/expiresAt`);
          assert.ok(r.expiresAt > r.startedAt);
          // Access never lasts longer than asked, except to keep an existing elevation's end.
          assert.ok(r.expiresAt - r.startedAt <= r.requestedTtlSeconds * 1000 || r.expiresAt === activeUntil);
        }
        if (isTerminal(r.status)) assert.notEqual(r.endReason, null);
        if (PRE_GRANT.includes(r.status)) assert.equal(r.startedAt, null);
        // The deadline the scheduler waits for is accepted once it comes.
        const timed = nextTimedEvent(r);
        if (timed !== null) assert.doesNotThrow(() => apply(r, timed.event, ctxAt(Math.max(now, timed.at))));
      };
      const ctxAt = (at: number): TransitionContext => ({
        now: at,
        role,
        approvalTimeoutSeconds: 3600,
        mfaTimeoutSeconds: 300,
        serverTimeZone: 'UTC',
        activeUntil,
      });

      check();
      for (const { advance, event } of steps) {
        if (advance === 'due') now = Math.max(now, nextTimedEvent(r)?.at ?? now);
        else now += advance;
        const before = r;
        const snapshot = structuredClone(r);
        let out;
        try {
          out = apply(r, event, ctxAt(now));
        } catch (e) {
          assert.ok(e instanceof DomainError && e.code === 'InvalidTransition', `unexpected ${String(e)}`);
          assert.deepEqual(r, snapshot, 'a refused event changed the request');
          continue;
        }
        assert.ok(!isTerminal(before.status), `${before.status} accepted ${event.kind}`);
        assert.equal(out.request.version, before.version + 1);
        assert.deepEqual(before, snapshot, 'apply changed its input');
        for (const k of ['id', 'creatorId', 'roleId', 'createdAt', 'requestedTtlSeconds', 'approvalId'] as const) {
          assert.equal(out.request[k], before[k], `${k} changed`);
        }
        r = out.request;
        tally(out.effects);
        check();
      }
    }),
    { numRuns: 1000 },
  );
});

test('with the scheduler and confirmations always answering, every life ends terminal with nothing held', () => {
  // Drive each request the way the app would: answer every gate positively or not, confirm every
  // directory change, and fire each deadline when it comes. It must settle within a few steps.
  fc.assert(
    fc.property(
      fc.constantFrom(...ROLES),
      fc.integer({ min: 0, max: 6 * HOUR_MS }),
      fc.boolean(),
      (role, startInMs, yes) => {
        let { request: r, effects } = createRequest(
          {
            id: 'req-d',
            approvalId: 'apr-d',
            creatorId: 'alice',
            role,
            ttlSeconds: Math.min(3600, role.ttlSeconds),
            justification: null,
            requestedAt: startInMs === 0 ? null : T0 + startInMs,
            creationMethod: 'property',
          },
          { now: T0, approvalTimeoutSeconds: 3600, mfaTimeoutSeconds: 300, serverTimeZone: 'UTC', activeUntil: null },
        );
        let held = effects.filter((e) => e.kind === 'grant').length;
        let now = T0;
        for (let i = 0; i < 10 && !isTerminal(r.status); i++) {
          const next: RequestEvent = (() => {
            switch (r.status) {
              case 'PendingMFA':
                return yes ? { kind: 'MfaPassed' } : { kind: 'TimedOut' };
              case 'PendingApproval':
                return yes ? { kind: 'Approved' } : { kind: 'Rejected' };
              case 'Processing':
                return { kind: 'GrantConfirmed' };
              case 'Closing':
                return { kind: 'RevokeConfirmed' };
              default:
                return nextTimedEvent(r)!.event;
            }
          })();
          const due = nextTimedEvent(r)?.at ?? null;
          if (next.kind !== 'MfaPassed' && next.kind !== 'Approved' && due !== null) now = Math.max(now, due);
          else now += MINUTE_MS;
          const out = apply(r, next, { now, role, approvalTimeoutSeconds: 3600, mfaTimeoutSeconds: 300, serverTimeZone: 'UTC' });
          for (const e of out.effects) held += e.kind === 'grant' ? 1 : e.kind === 'revoke' ? -1 : 0;
          r = out.request;
        }
        assert.ok(isTerminal(r.status), `stuck in ${r.status}`);
        assert.equal(held, 0);
      },
    ),
    { numRuns: 300 },
  );
});
