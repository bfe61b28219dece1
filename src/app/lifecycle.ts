import type { Account } from '../domain/account/account.js';
import { DomainError } from '../domain/errors.js';
import type { Group } from '../domain/group/group.js';
import type { Effect } from '../domain/request/effect.js';
import { HOLDING, type PamRequest } from '../domain/request/request.js';
import { type RequestEvent, type TransitionContext, type TransitionResult, apply } from '../domain/request/transitions.js';
import type { Role } from '../domain/role/role.js';
import type { Instant } from '../domain/time.js';
import type { StoreTx } from '../ports/store.js';
import { membershipEntry, transitionEntry } from './audit-entries.js';
import type { Deps } from './deps.js';

/** When `creatorId` already holds `roleId` through another request, the latest instant that ends. */
export async function activeUntilFor(tx: StoreTx, creatorId: string, roleId: string, exceptId: string | null): Promise<Instant | null> {
  const holding = await tx.requests.findByCreatorRole(creatorId, roleId, HOLDING);
  let until: Instant | null = null;
  for (const o of holding) {
    if (o.id !== exceptId && o.expiresAt !== null && (until === null || o.expiresAt > until)) until = o.expiresAt;
  }
  return until;
}

/** Builds the context a transition of `r` reads, from durable state only. */
export async function contextFor(deps: Deps, tx: StoreTx, r: PamRequest, role: Role, now: Instant): Promise<TransitionContext> {
  const activeUntil = await activeUntilFor(tx, r.creatorId, r.roleId, r.id);
  return {
    now,
    role,
    approvalTimeoutSeconds: deps.policy.approvalTimeoutSeconds,
    serverTimeZone: deps.policy.serverTimeZone,
    activeUntil,
  };
}

export async function roleOf(tx: StoreTx, r: PamRequest): Promise<Role> {
  const role = await tx.roles.byId(r.roleId);
  if (!role) throw new DomainError('RoleNotFound', `Role ${r.roleId} of request ${r.id} no longer exists.`);
  return role;
}

/** Stores a transition's result, audits it, and carries out its effects (which may transition further). */
export async function commit(
  deps: Deps,
  tx: StoreTx,
  before: PamRequest | null,
  result: TransitionResult,
  actorId: string | null,
  now: Instant,
  action: string,
): Promise<PamRequest> {
  await persist(tx, before, result.request, actorId, now, action);
  return carryOutEffects(deps, tx, result.request, result.effects, now);
}

/** Writes a request's new state (checked against its version) and its audit record. */
export async function persist(
  tx: StoreTx,
  before: PamRequest | null,
  after: PamRequest,
  actorId: string | null,
  now: Instant,
  action: string,
): Promise<void> {
  if (before) await tx.requests.update(after);
  else await tx.requests.insert(after);
  await tx.audit.append(transitionEntry(before, after, actorId, now, action));
}

export async function carryOutEffects(
  deps: Deps,
  tx: StoreTx,
  r: PamRequest,
  effects: readonly Effect[],
  now: Instant,
): Promise<PamRequest> {
  let current = r;
  for (const effect of effects) current = await carryOut(deps, tx, current, effect, now);
  return current;
}

/** Runs one event against the stored request and commits it. */
export async function advance(
  deps: Deps,
  tx: StoreTx,
  r: PamRequest,
  event: RequestEvent,
  actorId: string | null,
  now: Instant,
): Promise<PamRequest> {
  const role = await roleOf(tx, r);
  const result = apply(r, event, await contextFor(deps, tx, r, role, now));
  return commit(deps, tx, r, result, actorId, now, `request.${event.kind}`);
}

/**
 * Applies a grant or revoke to the role's groups. Groups in the embedded directory change in this
 * transaction; groups in any other directory get an outbox job, written in this same transaction,
 * and the request stays Processing or Closing until the outbox worker has heard from the
 * directory. Groups held through another active elevation of the same account stay: two roles may
 * share a group, and an extension overlaps the request it replaces.
 */
async function carryOut(deps: Deps, tx: StoreTx, r: PamRequest, effect: Effect, now: Instant): Promise<PamRequest> {
  const role = await roleOf(tx, r);
  const account = await tx.accounts.byId(effect.accountId);
  if (!account) throw new DomainError('NotFound', `Account ${effect.accountId} no longer exists.`);
  let queued = 0;
  for (const groupId of role.groupIds) {
    const group = await tx.groups.byId(groupId);
    if (!group) continue; // a group deleted from the role's definition grants nothing
    if (effect.kind === 'revoke' && (await tx.requests.isGroupHeldBy(groupId, account.id, r.id))) continue;
    if (await changeMembership(deps, tx, r, effect.kind, group, account, now)) queued++;
  }
  return queued === 0 ? confirm(deps, tx, r, effect.kind, now) : r;
}

/**
 * Adds or removes one member on behalf of request `r`: in this transaction for the embedded
 * directory (audited at once), or as an outbox job for any other. True when a job was queued.
 */
export async function changeMembership(deps: Deps, tx: StoreTx, r: PamRequest, kind: Effect['kind'], group: Group, account: Account, now: Instant): Promise<boolean> {
  if (group.directory !== 'embedded') {
    await tx.outbox.enqueue({ requestId: r.id, kind, groupId: group.id, accountId: account.id, createdAt: now });
    return true;
  }
  const dir = deps.directoryFor(tx, group.directory)!;
  if (kind === 'grant') await dir.addMember(group, account, r.expiresAt);
  else await dir.removeMember(group, account);
  await auditMembership(tx, r, kind, group.name, account.login, now);
  return false;
}

export async function auditMembership(tx: StoreTx, r: PamRequest, kind: Effect['kind'], group: string, login: string, now: Instant): Promise<void> {
  await tx.audit.append(membershipEntry(r, kind, group, login, now));
}

/**
 * Every directory has confirmed the grant or revoke: the request becomes Active, or Closed or
 * Expired. A request that moved on meanwhile (closed while its grant was in flight) is left as it is.
 */
export async function confirm(deps: Deps, tx: StoreTx, r: PamRequest, kind: Effect['kind'], now: Instant): Promise<PamRequest> {
  if (kind === 'grant') {
    if (r.status !== 'Processing') return r;
    const active = await advance(deps, tx, r, { kind: 'GrantConfirmed' }, null, now);
    await supersedeOthers(deps, tx, active, now);
    return active;
  }
  if (r.status !== 'Closing') return r;
  return advance(deps, tx, r, { kind: 'RevokeConfirmed' }, null, now);
}

/** Once an extension is active, the elevation it extends ends without a gap (the groups stay). */
async function supersedeOthers(deps: Deps, tx: StoreTx, r: PamRequest, now: Instant): Promise<void> {
  const others = (await tx.requests.findByCreatorRole(r.creatorId, r.roleId, HOLDING)).filter((o) => o.id !== r.id);
  for (const o of others) await advance(deps, tx, o, { kind: 'Close', reason: 'superseded' }, null, now);
}
