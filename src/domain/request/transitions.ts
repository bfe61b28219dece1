import { DomainError } from '../errors.js';
import { expiryWarningSecondsFor } from '../role/role-notify.js';
import { DEFAULT_EXPIRY_WARNING_SECONDS, DEFAULT_REVOCATION_LATE_SECONDS, type NotificationKind, warnAt } from '../notify/notification.js';
import { checkWindow } from '../role/availability.js';
import type { RoleSummary } from '../role/role.js';
import { type Instant, type Seconds, addSeconds } from '../time.js';
import type { ApprovalSettlement } from './approval.js';
import type { Effect } from './effect.js';
import type { AdminEndReason, EndReason, PamRequest, RequestStatus } from './request.js';

export type RequestEvent =
  /** The request is made: the only event a 'New' request takes. */
  | { readonly kind: 'Created' }
  | { readonly kind: 'MfaPassed' }
  | { readonly kind: 'MfaFailed' }
  | { readonly kind: 'Approved' }
  | { readonly kind: 'Rejected' }
  | { readonly kind: 'StartDue' }
  | { readonly kind: 'GrantConfirmed' }
  | {
      readonly kind: 'Close';
      readonly reason: Extract<EndReason, 'closed' | 'deactivated' | 'superseded'> | AdminEndReason;
      /** The administrator's words for the requester, with an administrator's reason. */
      readonly note?: string | null;
    }
  | { readonly kind: 'ExpiryDue' }
  | { readonly kind: 'RevokeConfirmed' }
  | { readonly kind: 'TimedOut' };

export type RequestEventKind = RequestEvent['kind'];

/**
 * The lifecycle's states: MIM's, plus 'New' for a request being made. 'New' is never stored and
 * never on the wire; it exists so that creation is a row of the table like every other step.
 */
export type LifecycleStatus = 'New' | RequestStatus;

/** A request being made: every field known, no status decided yet. */
export type DraftRequest = Omit<PamRequest, 'status'> & { readonly status: 'New' };

/** What the table may transition: a stored request, or a draft being created. */
export type Subject = PamRequest | DraftRequest;

/** Everything a transition may read besides the request: the role, the time and the policy. */
export interface TransitionContext {
  readonly now: Instant;
  /** The role's own settings: no transition reads its member lists, so batch work need not load them. */
  readonly role: RoleSummary;
  readonly approvalTimeoutSeconds: Seconds;
  /** How long a new request may wait for its MFA code. */
  readonly mfaTimeoutSeconds: Seconds;
  /** The zone availability windows are read in when a role names none. */
  readonly serverTimeZone: string;
  /**
   * When the requester already holds this role, the instant that elevation ends: an extension
   * never shortens access, and the two overlap so access has no gap.
   */
  readonly activeUntil?: Instant | null;
  /** How long before its end an elevation's holder is warned (default ten minutes; 0: never). */
  readonly expiryWarningSeconds?: Seconds;
  /** A revocation confirmed later than this after the expiry is reported to operations. */
  readonly revocationLateSeconds?: Seconds;
}

export interface TransitionResult {
  readonly request: PamRequest;
  readonly effects: readonly Effect[];
}

type Handler<R extends Subject, E extends RequestEvent> = (r: R, e: E, ctx: TransitionContext) => TransitionResult;
type Handlers<R extends Subject> = { readonly [K in RequestEventKind]?: Handler<R, Extract<RequestEvent, { kind: K }>> };
type Table = { readonly New: Handlers<DraftRequest> } & { readonly [S in RequestStatus]: Handlers<PamRequest> };

function to(r: Subject, status: RequestStatus, patch: Partial<PamRequest> = {}): PamRequest {
  return Object.freeze({ ...r, ...patch, status, version: r.version + 1 });
}

function end(r: Subject, status: RequestStatus, reason: EndReason, now: Instant, endNote: string | null = null, effects: readonly Effect[] = []): TransitionResult {
  return { request: to(r, status, { endReason: reason, endNote, endedAt: now, pendingUntil: null }), effects };
}

/** A request that ends while its approval is still open settles it, so no approver sees it again. */
function settleApproval(r: Subject, status: ApprovalSettlement): readonly Effect[] {
  return r.approvalId === null ? [] : [{ kind: 'settle-approval', requestId: r.id, approvalId: r.approvalId, status }];
}

function notify(r: Subject, event: NotificationKind, notBefore?: Instant): Effect {
  return notBefore === undefined ? { kind: 'notify', event, requestId: r.id } : { kind: 'notify', event, requestId: r.id, notBefore };
}

/**
 * Whether `r` waits for approvers: its role asks for approval, the request was not made under
 * break-glass (which is reviewed afterwards instead) and no auto-approval rule approved it when it
 * was made. Read from the request, so a role edited while it waits does not change how it was made.
 */
function needsApproval(r: Subject, ctx: TransitionContext): boolean {
  return ctx.role.approvalRequired && !r.breakGlass && (r.autoApprovedBy ?? null) === null;
}

function waitForApproval(r: Subject, ctx: TransitionContext, effects: readonly Effect[] = []): TransitionResult {
  return { request: to(r, 'PendingApproval', { pendingUntil: addSeconds(ctx.now, ctx.approvalTimeoutSeconds) }), effects: [...effects, notify(r, 'approval-needed')] };
}

/** An approver's decision is news for the requester, whatever follows from it. */
function decided(t: TransitionResult, r: Subject): TransitionResult {
  return { request: t.request, effects: [notify(r, 'decision-made'), ...t.effects] };
}

/** Access is confirmed: tell the holder, and hold back a warning for shortly before it ends (the role's lead time, else the server's). */
function activeNotices(r: PamRequest, ctx: TransitionContext): readonly Effect[] {
  const lead = expiryWarningSecondsFor(ctx.role.notify, ctx.expiryWarningSeconds ?? DEFAULT_EXPIRY_WARNING_SECONDS);
  const warning = r.expiresAt === null ? null : warnAt(r.expiresAt, lead, ctx.now);
  return warning === null ? [notify(r, 'elevation-active')] : [notify(r, 'elevation-active'), notify(r, 'ending-soon', warning)];
}

/**
 * The access of `r` is gone: its holder hears why, except when an extension took over (access goes
 * on); operations hear of an expiry confirmed later than the threshold.
 */
function endNotices(r: PamRequest, ctx: TransitionContext): readonly Effect[] {
  if (r.endReason === 'superseded') return [];
  const late = r.endReason === 'expired' && r.expiresAt !== null && ctx.now - r.expiresAt > (ctx.revocationLateSeconds ?? DEFAULT_REVOCATION_LATE_SECONDS) * 1000;
  return late ? [notify(r, 'elevation-ended'), notify(r, 'revocation-late')] : [notify(r, 'elevation-ended')];
}

/** A decision that arrives after its deadline does not count, even before the scheduler expires the request. */
function requireBefore(deadline: Instant | null, now: Instant, what: string): void {
  if (deadline !== null && now >= deadline) {
    throw new DomainError('InvalidTransition', `The ${what} has passed; the request expires and a new one is needed.`);
  }
}

function requireDue(at: Instant | null, now: Instant, what: string): void {
  if (at === null || now < at) {
    throw new DomainError('InvalidTransition', `The ${what} of this request is not due yet.`);
  }
}

/**
 * Starts access at `startAt`, capped by the availability window. A request that could only start
 * after its window or its own time had passed ends as Expired without ever granting anything.
 */
function begin(r: Subject, startAt: Instant, ctx: TransitionContext): TransitionResult {
  let windowEnd: Instant | null;
  try {
    windowEnd = checkWindow(ctx.role.window, startAt, ctx.serverTimeZone);
  } catch (e) {
    if (e instanceof DomainError && e.code === 'OutsideAvailabilityWindow') {
      return end(r, 'Expired', 'window-missed', ctx.now);
    }
    throw e;
  }
  let expiresAt = addSeconds(startAt, r.requestedTtlSeconds);
  if (windowEnd !== null && windowEnd < expiresAt) expiresAt = windowEnd;
  if (ctx.activeUntil != null && ctx.activeUntil > expiresAt) expiresAt = ctx.activeUntil;
  if (expiresAt <= ctx.now) return end(r, 'Expired', 'window-missed', ctx.now);
  return {
    request: to(r, 'Processing', { startedAt: startAt, expiresAt, pendingUntil: null }),
    effects: [{ kind: 'grant', requestId: r.id, accountId: r.creatorId, roleId: r.roleId }],
  };
}

/** After every gate has passed: wait for the requested start, or begin now. */
function proceed(r: Subject, ctx: TransitionContext): TransitionResult {
  if (r.requestedAt > ctx.now) return { request: to(r, 'Scheduled', { pendingUntil: null }), effects: [] };
  return begin(r, ctx.now, ctx);
}

function closeWithoutAccess(r: PamRequest, e: { reason: EndReason; note?: string | null }, ctx: TransitionContext): TransitionResult {
  return end(r, 'Closed', e.reason, ctx.now, e.note ?? null, settleApproval(r, 'Cancelled'));
}

function startClosing(r: PamRequest, reason: EndReason, ctx: TransitionContext, expiresAt: Instant | null, endNote: string | null = null): TransitionResult {
  return {
    request: to(r, 'Closing', { endReason: reason, endNote, expiresAt }),
    effects: [{ kind: 'revoke', requestId: r.id, accountId: r.creatorId, roleId: r.roleId }],
  };
}

/**
 * The whole lifecycle. Each status lists the events it accepts; anything else is refused.
 * Terminal statuses accept nothing, so no event sequence can leave them.
 */
export const TRANSITIONS: Table = {
  New: {
    // The approval object exists from the start, even while MFA is awaited: the request names it.
    Created: (r, _e, ctx) => {
      const opened: readonly Effect[] = r.approvalId === null ? [] : [{ kind: 'open-approval', requestId: r.id, approvalId: r.approvalId }];
      if (ctx.role.mfaRequired) {
        return { request: to(r, 'PendingMFA', { pendingUntil: addSeconds(ctx.now, ctx.mfaTimeoutSeconds) }), effects: opened };
      }
      if (needsApproval(r, ctx)) return waitForApproval(r, ctx, opened);
      return proceed(r, ctx);
    },
  },
  PendingMFA: {
    MfaPassed: (r, _e, ctx) => {
      requireBefore(r.pendingUntil, ctx.now, 'MFA deadline');
      return needsApproval(r, ctx) ? waitForApproval(r, ctx) : proceed(r, ctx);
    },
    MfaFailed: (r, _e, ctx) => end(r, 'Rejected', 'mfa-failed', ctx.now, null, settleApproval(r, 'Cancelled')),
    Close: closeWithoutAccess,
    TimedOut: (r, _e, ctx) => {
      requireDue(r.pendingUntil, ctx.now, 'MFA deadline');
      return end(r, 'Expired', 'timed-out', ctx.now, null, settleApproval(r, 'Expired'));
    },
  },
  PendingApproval: {
    Approved: (r, _e, ctx) => {
      requireBefore(r.pendingUntil, ctx.now, 'approval deadline');
      return decided(proceed(r, ctx), r);
    },
    // The approval itself was decided by the vote that sent this event.
    Rejected: (r, _e, ctx) => decided(end(r, 'Rejected', 'rejected', ctx.now), r),
    Close: closeWithoutAccess,
    TimedOut: (r, _e, ctx) => {
      requireDue(r.pendingUntil, ctx.now, 'approval deadline');
      return end(r, 'Expired', 'timed-out', ctx.now, null, [...settleApproval(r, 'Expired'), notify(r, 'request-expired')]);
    },
  },
  Scheduled: {
    // The window and TTL count from the requested start even when the server was down then:
    // a late start never lengthens access past what was asked for.
    StartDue: (r, _e, ctx) => {
      requireDue(r.requestedAt, ctx.now, 'start');
      return begin(r, r.requestedAt, ctx);
    },
    Close: closeWithoutAccess,
  },
  Processing: {
    // An extension overlaps the elevation it extends; once it holds the groups, that one ends.
    GrantConfirmed: (r, _e, ctx) => ({
      request: to(r, 'Active'),
      effects: [{ kind: 'supersede', requestId: r.id, accountId: r.creatorId, roleId: r.roleId }, ...activeNotices(r, ctx)],
    }),
    // The grant may already have reached the directory, so closing must revoke.
    Close: (r, e, ctx) => startClosing(r, e.reason, ctx, ctx.now, e.note ?? null),
  },
  Active: {
    Close: (r, e, ctx) => startClosing(r, e.reason, ctx, ctx.now, e.note ?? null),
    ExpiryDue: (r, _e, ctx) => {
      requireDue(r.expiresAt, ctx.now, 'expiry');
      return startClosing(r, 'expired', ctx, r.expiresAt);
    },
  },
  Closing: {
    RevokeConfirmed: (r, _e, ctx) => ({
      request: to(r, r.endReason === 'expired' ? 'Expired' : 'Closed', { endedAt: ctx.now }),
      effects: endNotices(r, ctx),
    }),
  },
  Closed: {},
  Expired: {},
  Rejected: {},
};

/** Applies `event` to `r` (a stored request, or a draft being created): the new request and its effects, or InvalidTransition. Pure. */
export function apply(r: Subject, event: RequestEvent, ctx: TransitionContext): TransitionResult {
  const handler = (TRANSITIONS[r.status] as Handlers<Subject>)[event.kind] as Handler<Subject, RequestEvent> | undefined;
  if (!handler) {
    throw new DomainError(
      'InvalidTransition',
      `A request that is ${r.status} cannot take '${event.kind}'.`,
      { status: r.status, event: event.kind },
    );
  }
  return handler(r, event, ctx);
}

export function accepts(status: LifecycleStatus, kind: RequestEventKind): boolean {
  return TRANSITIONS[status][kind] !== undefined;
}
