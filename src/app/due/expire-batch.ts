import type { Group } from '../../domain/group/group.js';
import type { PamRequest } from '../../domain/request/request.js';
import { type RequestEvent, type TransitionContext, type TransitionResult, apply } from '../../domain/request/transitions.js';
import type { Instant } from '../../domain/time.js';
import type { GroupAccount, RequestWrite, RoleWithGroups, StoreTx } from '../../ports/store.js';
import { expiryEntry } from '../audit/audit-trail.js';
import type { Deps } from '../deps.js';
import type { Lifecycle } from '../lifecycle.js';
import { type NotifyEffect, isNotify, notificationOf } from '../notify/notification-of.js';

/** What a batch did. */
export interface ExpiryBatch {
  /** The requests it ended, each with the instant it was due (its lateness runs from there). */
  readonly ended: readonly { readonly id: string; readonly dueAt: Instant }[];
  /** The claimed requests it left to the row-by-row engine. */
  readonly rest: readonly PamRequest[];
}

const EXPIRY: RequestEvent = { kind: 'ExpiryDue' };
const CONFIRMED: RequestEvent = { kind: 'RevokeConfirmed' };

/** One elevation the batch ends: its state before and at the end. */
interface Ending {
  readonly before: PamRequest;
  readonly ended: PamRequest;
  readonly login: string;
  readonly groups: readonly Group[];
  /** What its end tells people (elevation ended, revocation late): written with the batch. */
  readonly notices: readonly NotifyEffect[];
}

/**
 * Ends, in a few statements, every claimed elevation that is Active, past its expiry, and whose
 * role's groups are all in the embedded directory: the mass expiry of a shift's access at the end of
 * its window. Each request's new state still comes from the domain's transition table (`apply`:
 * ExpiryDue, then RevokeConfirmed once its revoke is done, as the engine does row by row), and the
 * batch writes what the engine would: the request rows (version-checked) and the memberships no other
 * Processing or Active elevation of the same account still grants; its audit trail says the same in
 * one `request.expired` record per elevation (expiryEntry) where the engine writes three or more. Everything else claimed (starts, timeouts, roles with a group in another
 * directory, which go through the outbox) is returned for the engine, as is any request whose
 * transition is not the plain revoke this path knows how to carry out.
 */
export async function expireBatch(lc: Lifecycle, claimed: readonly PamRequest[]): Promise<ExpiryBatch> {
  const { deps, tx, now } = lc;
  const expired = claimed.filter((r) => r.status === 'Active' && r.expiresAt !== null && r.expiresAt <= now);
  if (expired.length === 0) return { ended: [], rest: claimed };
  const roles = new Map((await tx.roles.withGroups(expired.map((r) => r.roleId))).map((r) => [r.id, r]));
  const groups = new Map((await tx.groups.byIds([...roles.values()].flatMap((r) => r.groupIds))).map((g) => [g.id, g]));
  const logins = new Map((await tx.accounts.byIds(expired.map((r) => r.creatorId))).map((a) => [a.id, a.login]));

  const endings: Ending[] = [];
  const batched = new Set<string>();
  for (const r of expired) {
    const role = roles.get(r.roleId);
    const login = logins.get(r.creatorId);
    // A missing role or account is an error the engine reports for this request alone.
    if (!role || login === undefined) continue;
    // A group deleted from the role's definition grants nothing (as in the engine).
    const roleGroups = role.groupIds.flatMap((id) => groups.get(id) ?? []);
    if (roleGroups.some((g) => g.directory !== 'embedded')) continue;
    const ending = endOf(r, role, deps, now);
    if (!ending) continue;
    endings.push({ ...ending, login, groups: roleGroups });
    batched.add(r.id);
  }
  if (endings.length === 0) return { ended: [], rest: claimed };

  // Another node's batch may end this account's other elevations right now: taking the accounts
  // in turn means the later batch sees the earlier one's ends, so a group both kept (each seeing
  // the other's elevation still Active) cannot outlive them both. The scheduler took them all
  // before claiming (sorted, with the batch's other work); the Lifecycle takes only those it has not.
  await lc.lockAccounts(endings.map((e) => e.before.creatorId));
  await tx.requests.updateMany(endings.map((e): RequestWrite => ({ before: e.before, after: e.ended })));
  // The batch's own elevations have ended by now, so whatever still holds a group is outside it.
  const pair = (e: Ending, g: Group): GroupAccount => ({ groupId: g.id, accountId: e.before.creatorId });
  const held = new Set((await tx.requests.heldGroups(endings.flatMap((e) => e.groups.map((g) => pair(e, g))))).map(key));
  // Each removal is audited once, on behalf of the last of the batch's elevations to give the group
  // up: the engine, going row by row, keeps it for every earlier one (the later still holds it).
  const removedBy = new Map<string, { readonly pair: GroupAccount; readonly requestId: string }>();
  for (const e of endings) {
    for (const g of e.groups) if (!held.has(key(pair(e, g)))) removedBy.set(key(pair(e, g)), { pair: pair(e, g), requestId: e.before.id });
  }
  await tx.groups.removeMembers([...removedBy.values()].map((r) => r.pair));

  // One record per elevation (issue 13): its end, the groups it removed and those it left.
  await tx.audit.appendMany(
    endings.map((e) => {
      const removed = e.groups.filter((g) => removedBy.get(key(pair(e, g)))?.requestId === e.before.id).map((g) => g.name);
      const kept = e.groups.map((g) => g.name).filter((n) => !removed.includes(n));
      return expiryEntry(e.before, e.ended, e.login, { removed, kept }, now);
    }),
  );
  await notifyEnded(deps, tx, endings, now);
  return {
    ended: endings.map((e) => ({ id: e.before.id, dueAt: e.before.expiresAt! })),
    rest: claimed.filter((r) => !batched.has(r.id)),
  };
}

const key = (p: GroupAccount) => `${p.groupId}\n${p.accountId}`;

/**
 * The domain's answer for an expiry whose revoke needs no directory outside the store: Closing with
 * one revoke, then Expired on its confirmation. Null when the table answers anything else (then the
 * engine, which carries out any effect, takes the request).
 */
function endOf(r: PamRequest, role: RoleWithGroups, deps: Deps, now: Instant): Omit<Ending, 'login' | 'groups'> | null {
  // activeUntil only shapes a start (see `begin`); neither event of an expiry reads it.
  const ctx: TransitionContext = { now, role, approvalTimeoutSeconds: deps.policy.approvalTimeoutSeconds, mfaTimeoutSeconds: deps.policy.mfaTimeoutSeconds, serverTimeZone: deps.policy.serverTimeZone, revocationLateSeconds: deps.policy.revocationLateSeconds };
  const closing = apply(r, EXPIRY, ctx);
  if (!isOwnRevoke(closing, r)) return null;
  const ended = apply(closing.request, CONFIRMED, ctx);
  // Notifications are the one effect an end has here; the batch writes them in bulk (notifyEnded).
  if (!ended.effects.every(isNotify)) return null;
  return { before: r, ended: ended.request, notices: ended.effects.filter(isNotify) };
}

function isOwnRevoke(t: TransitionResult, r: PamRequest): boolean {
  const [e, ...more] = t.effects;
  return more.length === 0 && e !== undefined && e.kind === 'revoke' && e.requestId === r.id && e.accountId === r.creatorId && e.roleId === r.roleId;
}

/** The batch's notifications (issue 15), in one insert, in the batch's transaction. */
async function notifyEnded(deps: Deps, tx: StoreTx, endings: readonly Ending[], now: Instant): Promise<void> {
  await tx.notifications.addMany(endings.flatMap((e) => e.notices.map((n) => notificationOf(deps.ids, n, e.ended, now))));
}
