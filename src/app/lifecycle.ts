import type { Account } from '../domain/account/account.js';
import { APPROVAL_ACTIONS, REQUEST_EVENT_ACTIONS } from '../domain/audit/actions.js';
import { openApproval, settle } from '../domain/request/approval.js';
import { DomainError } from '../domain/errors.js';
import type { Group } from '../domain/group/group.js';
import type { Effect } from '../domain/request/effect.js';
import { nextTimedEvent } from '../domain/request/next-timed-event.js';
import { HOLDING, type PamRequest } from '../domain/request/request.js';
import { type RequestEvent, type Subject, type TransitionContext, apply } from '../domain/request/transitions.js';
import type { Role } from '../domain/role/role.js';
import type { Instant } from '../domain/time.js';
import type { StoreTx } from '../ports/store.js';
import { auditApproval, membershipEntry, transitionEntry } from './audit/audit-trail.js';
import type { Deps } from './deps.js';
import type { Notification } from '../ports/store/notification-repo.js';
import { notificationOf } from './notify/notification-of.js';

export async function roleOf(tx: StoreTx, r: { readonly id: string; readonly roleId: string }): Promise<Role> {
  const role = await tx.roles.byId(r.roleId);
  if (!role) throw new DomainError('RoleNotFound', `Role ${r.roleId} of request ${r.id} no longer exists.`);
  return role;
}

/**
 * One step of the lifecycle loop's agenda: an event to apply to a request, or an effect to carry
 * out. `actorId` is who caused it; follow-ups the system sends itself carry null.
 */
type Work =
  | { readonly kind: 'event'; readonly subject: Subject; readonly event: RequestEvent; readonly actorId: string | null }
  | { readonly kind: 'effect'; readonly effect: Effect; readonly actorId: string | null };

const holdingKey = (creatorId: string, roleId: string) => `${creatorId}\u0000${roleId}`;
const byCreation = (a: PamRequest, b: PamRequest) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1);

/**
 * The lifecycle inside one store transaction. `run` is the whole engine in one loop: apply an
 * event (the pure table in the domain), persist and audit the result, carry out its effects, and
 * apply the events those lead to (a grant the directory confirmed at once, an extension superseding
 * the elevation it extends) until nothing is left. The agenda is a stack, so each request's chain
 * completes before the next starts, as the audit trail has always read.
 *
 * Roles, accounts, groups and each requester's holdings of a role are read once per transaction
 * and kept current as this transaction writes requests: a batch of expiries of one role reads the
 * role once. A transaction the store retries makes a new Lifecycle, so nothing stale survives it.
 */
export class Lifecycle {
  readonly #roles = new Map<string, Role>();
  readonly #accounts = new Map<string, Account | undefined>();
  readonly #groups = new Map<string, Group | undefined>();
  /** Per requester and role, the requests that hold (or are being given) its groups, oldest first. */
  readonly #holdings = new Map<string, PamRequest[]>();
  /** Every request this transaction wrote, as it is now. */
  readonly #written = new Map<string, PamRequest>();
  /**
   * Requests changed in memory and not yet stored: `stored` is the row as the store holds it (null:
   * not inserted yet). A create that goes straight to Active, superseding the elevation it extends,
   * then writes each request's row once rather than once per transition (see `#flush`).
   */
  readonly #unstored = new Map<string, { readonly stored: PamRequest | null; readonly now: PamRequest }>();
  /** Notifications of the current run, written together when it ends. */
  readonly #notices: Notification[] = [];
  /** Accounts whose row this transaction holds (see `#changeGroups`). */
  readonly #lockedAccounts = new Set<string>();
  #wroteWork = false;
  /** Who set off the current `run`: its notifications name them even for the follow-ups (an end's confirmation). */
  #runActor: string | null = null;
  #now: Instant;

  constructor(
    readonly deps: Deps,
    readonly tx: StoreTx,
    now: Instant,
  ) {
    this.#now = now;
  }

  /** The instant this transaction's transitions happen at. */
  get now(): Instant {
    return this.#now;
  }

  /**
   * Moves `now` on (never back): a batch of due work handles each item later than the one before,
   * and each records the time it was actually handled.
   */
  clockTo(now: Instant): void {
    if (now > this.#now) this.#now = now;
  }

  /** Whether this transaction wrote anything the scheduler acts on: a due instant or an outbox job. */
  get wroteWork(): boolean {
    return this.#wroteWork;
  }

  /** The role with this id, or undefined; read once per transaction like `role` (a create reads it first). */
  async findRole(roleId: string): Promise<Role | undefined> {
    const cached = this.#roles.get(roleId);
    if (cached) return cached;
    const role = await this.tx.roles.byId(roleId);
    if (role) this.#roles.set(role.id, role);
    return role;
  }

  async role(r: { readonly id: string; readonly roleId: string }): Promise<Role> {
    const cached = this.#roles.get(r.roleId);
    if (cached) return cached;
    const role = await roleOf(this.tx, r);
    this.#roles.set(role.id, role);
    return role;
  }

  /** The requests through which `creatorId` holds `roleId` now, oldest first. */
  async holding(creatorId: string, roleId: string): Promise<readonly PamRequest[]> {
    const key = holdingKey(creatorId, roleId);
    let list = this.#holdings.get(key);
    if (!list) {
      await this.#flush();
      list = await this.tx.requests.findByCreatorRole(creatorId, roleId, HOLDING);
      this.#holdings.set(key, list);
    }
    return list;
  }

  /** When `creatorId` already holds `roleId` through a request other than `exceptId`, the latest instant that ends. */
  async activeUntil(creatorId: string, roleId: string, exceptId: string): Promise<Instant | null> {
    let until: Instant | null = null;
    for (const o of await this.holding(creatorId, roleId)) {
      if (o.id !== exceptId && o.expiresAt !== null && (until === null || o.expiresAt > until)) until = o.expiresAt;
    }
    return until;
  }

  /**
   * Applies `event` to `r` (a stored request, or a draft for 'Created') and everything it sets off,
   * in this transaction. Returns `r` as it ends up.
   */
  async run(r: Subject, event: RequestEvent, actorId: string | null): Promise<PamRequest> {
    await this.lockAccounts([r.creatorId]);
    this.#runActor = actorId;
    const agenda: Work[] = [{ kind: 'event', subject: r, event, actorId }];
    while (agenda.length > 0) {
      const work = agenda.pop()!;
      const next: Work[] =
        work.kind === 'event'
          ? (await this.#step(work.subject, work.event, work.actorId)).map((effect) => ({ kind: 'effect', effect, actorId: work.actorId }))
          : (await this.#carryOut(work.effect, work.actorId)).map(([subject, event]) => ({ kind: 'event', subject, event, actorId: null }));
      // Reversed onto the stack, so they run in the order given, each with its own follow-ups first.
      for (let i = next.length - 1; i >= 0; i--) agenda.push(next[i]!);
    }
    // Whoever reads the store after the run (the caller, the next run) sees it all.
    await this.#flush();
    return this.#written.get(r.id)!;
  }

  /**
   * Holds the rows of these requesters' accounts until the transaction ends, before any of their
   * requests is written: a person's changes then take turns on every node, and each sees what the
   * one before committed. Without it, two ends of one person's elevations sharing a group (an expiry
   * here, a close on another node) would each see the other still holding the group and both keep
   * it. Taken before any request row, and sorted when several are taken together, so two
   * transactions queue rather than deadlock.
   */
  async lockAccounts(ids: readonly string[]): Promise<void> {
    const fresh = [...new Set(ids)].filter((id) => !this.#lockedAccounts.has(id));
    if (fresh.length === 0) return;
    await this.tx.accounts.lockManyForChange(fresh);
    for (const id of fresh) this.#lockedAccounts.add(id);
  }

  /**
   * A directory confirmed every job of a grant or revoke the outbox carried: the request becomes
   * Active, or Closed or Expired. One that moved on meanwhile (closed while its grant was in
   * flight) is left as it is.
   */
  async confirm(r: PamRequest, kind: 'grant' | 'revoke'): Promise<PamRequest> {
    const event = confirmation(r, kind);
    return event ? this.run(r, event, null) : r;
  }

  /** Applies one event and stores the result with its audit record; returns its effects. */
  async #step(subject: Subject, event: RequestEvent, actorId: string | null): Promise<readonly Effect[]> {
    // A request this transaction already moved is taken as it is now, not as it was listed.
    const before = this.#written.get(subject.id) ?? subject;
    const result = apply(before, event, await this.#context(before));
    await this.#persist(before, result.request, event, actorId);
    return result.effects;
  }

  async #context(r: Subject): Promise<TransitionContext> {
    const { policy } = this.deps;
    return {
      now: this.now,
      role: await this.role(r),
      approvalTimeoutSeconds: policy.approvalTimeoutSeconds,
      mfaTimeoutSeconds: policy.mfaTimeoutSeconds,
      serverTimeZone: policy.serverTimeZone,
      expiryWarningSeconds: policy.expiryWarningSeconds,
      revocationLateSeconds: policy.revocationLateSeconds,
      activeUntil: await this.activeUntil(r.creatorId, r.roleId, r.id),
    };
  }

  /** Records a request's new state (stored by `#flush`) and its audit record. */
  async #persist(before: Subject, after: PamRequest, event: RequestEvent, actorId: string | null): Promise<void> {
    const created = before.status === 'New';
    const pending = this.#unstored.get(after.id);
    const stored = pending ? pending.stored : created ? null : (before as PamRequest);
    this.#unstored.set(after.id, { stored, now: after });
    this.#remember(after);
    if (nextTimedEvent(after) !== null) this.#wroteWork = true;
    await this.tx.audit.append(transitionEntry(created ? null : before, after, event.kind, actorId, this.now));
  }

  /**
   * Stores the requests changed in memory (but `exceptId`'s), and the run's notifications: before
   * anything reads the requests table or writes a row that refers to a request, and when a run
   * ends. Each update is checked against the version the store holds, as one update per transition was.
   */
  async #flush(exceptId?: string): Promise<void> {
    const inserts: PamRequest[] = [];
    const updates: { before: PamRequest; after: PamRequest }[] = [];
    for (const [id, w] of this.#unstored) {
      if (id === exceptId) continue;
      if (w.stored === null) inserts.push(w.now);
      else updates.push({ before: w.stored, after: w.now });
      this.#unstored.delete(id);
    }
    for (const r of inserts) await this.tx.requests.insert(r);
    // Checked against the version stored, however many transitions the row went through since.
    for (const u of updates) await this.tx.requests.update(u.after, u.before.version);
    if (exceptId === undefined && this.#notices.length > 0) await this.tx.notifications.addMany(this.#notices.splice(0));
  }

  /** Keeps the holdings read earlier in this transaction true to what it wrote. */
  #remember(r: PamRequest): void {
    this.#written.set(r.id, r);
    const list = this.#holdings.get(holdingKey(r.creatorId, r.roleId));
    if (!list) return;
    const i = list.findIndex((o) => o.id === r.id);
    if (i >= 0) list.splice(i, 1);
    if (HOLDING.includes(r.status)) {
      list.push(r);
      list.sort(byCreation);
    }
  }

  /** Carries out one effect; returns the events it leads to, each with the request it goes to. */
  async #carryOut(effect: Effect, actorId: string | null): Promise<(readonly [Subject, RequestEvent])[]> {
    switch (effect.kind) {
      case 'grant':
      case 'revoke': {
        const r = this.#written.get(effect.requestId)!;
        const queued = await this.#changeGroups(r, effect.kind);
        const event = queued === 0 ? confirmation(r, effect.kind) : null;
        return event ? [[r, event]] : [];
      }
      case 'open-approval':
        await this.#flush(); // the approval refers to its request
        await this.tx.approvals.insert(openApproval(effect.approvalId, effect.requestId));
        return [];
      case 'settle-approval':
        await this.#settleApproval(effect.approvalId, effect.requestId, effect.status, actorId);
        return [];
      case 'supersede': {
        const others = (await this.holding(effect.accountId, effect.roleId)).filter((o) => o.id !== effect.requestId);
        return others.map((o) => [o, { kind: 'Close', reason: 'superseded' }] as const);
      }
      case 'notify':
        await this.#notify(effect, actorId);
        return [];
    }
  }

  /**
   * Applies a grant or revoke to the role's groups. Groups in the embedded directory change in this
   * transaction; groups in any other directory get an outbox job, written in this same transaction,
   * and the request stays Processing or Closing until the outbox worker has heard from the
   * directory. Groups held through another active elevation of the same account stay: two roles may
   * share a group, and an extension overlaps the request it replaces. Returns the jobs queued.
   */
  async #changeGroups(r: PamRequest, kind: 'grant' | 'revoke'): Promise<number> {
    const role = await this.role(r);
    const account = await this.#account(r.creatorId);
    if (!account) throw new DomainError('NotFound', `Account ${r.creatorId} no longer exists.`);
    let queued = 0;
    for (const groupId of role.groupIds) {
      const group = await this.#group(groupId);
      if (!group) continue; // a group deleted from the role's definition grants nothing
      if (kind === 'revoke') {
        // The query leaves `r` out, so its own unstored change may wait.
        await this.#flush(r.id);
        if (await this.tx.requests.isGroupHeldBy(groupId, account.id, r.id)) continue;
      }
      if (await this.changeMembership(r, kind, group, account)) queued++;
    }
    return queued;
  }

  /**
   * Adds or removes one member on behalf of request `r`: in this transaction for the embedded
   * directory (audited at once), or as an outbox job for any other. True when a job was queued.
   */
  async changeMembership(r: PamRequest, kind: 'grant' | 'revoke', group: Group, account: Account): Promise<boolean> {
    const { deps, tx, now } = this;
    if (group.directory !== 'embedded') {
      await this.#flush(); // the job refers to its request
      await tx.outbox.enqueue({ requestId: r.id, kind, groupId: group.id, accountId: account.id, createdAt: now });
      this.#wroteWork = true;
      return true;
    }
    const dir = deps.directoryFor(tx, group.directory)!;
    if (kind === 'grant') await dir.addMember(group, account, r.expiresAt);
    else await dir.removeMember(group, account);
    await auditMembership(tx, r, kind, group.name, account.login, now);
    return false;
  }

  /**
   * Writes a notification to the outbox in this transaction; the worker sends it after the commit,
   * so no receiver can slow or fail the change. A decision carries the approver's comment.
   */
  async #notify(effect: Extract<Effect, { kind: 'notify' }>, actorId: string | null): Promise<void> {
    const r = this.#written.get(effect.requestId)!;
    let comment: string | null = null;
    if (effect.event === 'decision-made' && r.approvalId !== null) comment = (await this.tx.approvals.byId(r.approvalId))?.comment ?? null;
    this.#notices.push(notificationOf(this.deps.ids, effect, r, this.now, { actorId: actorId ?? this.#runActor, comment }));
    this.#wroteWork = true;
  }

  /** A request that ended without a decision leaves its approval settled, not pending forever. */
  async #settleApproval(approvalId: string, requestId: string, status: 'Cancelled' | 'Expired', actorId: string | null): Promise<void> {
    const a = await this.tx.approvals.byId(approvalId);
    if (!a || a.status !== 'Pending') return;
    const settled = settle(a, status, this.now);
    await this.tx.approvals.update(settled);
    await auditApproval(this.tx, a.id, requestId, { at: this.now, actorId, action: APPROVAL_ACTIONS[status], before: { status: a.status }, after: { status: settled.status } });
  }

  async #account(id: string): Promise<Account | undefined> {
    if (!this.#accounts.has(id)) this.#accounts.set(id, await this.tx.accounts.byId(id));
    return this.#accounts.get(id);
  }

  async #group(id: string): Promise<Group | undefined> {
    if (!this.#groups.has(id)) this.#groups.set(id, await this.tx.groups.byId(id));
    return this.#groups.get(id);
  }
}

/** The event that records a confirmed grant or revoke, when the request still waits for one. */
function confirmation(r: PamRequest, kind: 'grant' | 'revoke'): RequestEvent | null {
  if (kind === 'grant') return r.status === 'Processing' ? { kind: 'GrantConfirmed' } : null;
  return r.status === 'Closing' ? { kind: 'RevokeConfirmed' } : null;
}

/**
 * Runs `fn` in one store transaction with a fresh Lifecycle (per attempt: the store may retry).
 * After the commit, and only then, tells the scheduler when the transaction wrote a due instant or
 * an outbox job, so it looks now rather than at its next tick; no caller has to remember to.
 */
export async function inLifecycle<T>(deps: Deps, fn: (lc: Lifecycle, tx: StoreTx) => Promise<T>): Promise<T> {
  let lc: Lifecycle | undefined;
  const out = await deps.store.transaction((tx) => {
    lc = new Lifecycle(deps, tx, deps.clock.now());
    return fn(lc, tx);
  });
  if (lc?.wroteWork) deps.workWritten.raise();
  return out;
}

export async function auditMembership(tx: StoreTx, r: PamRequest, kind: 'grant' | 'revoke', group: string, login: string, now: Instant): Promise<void> {
  await tx.audit.append(membershipEntry(r.id, kind, group, login, now));
}
