import { DomainError } from '../../domain/errors.js';
import { MAX_JUSTIFICATION_MIN_LENGTH, compileTicketPattern } from '../../domain/request/required-context.js';
import { pathProblem } from '../../domain/role/approval-stage.js';
import { type AutoApproveRule, rulesProblem } from '../../domain/role/auto-approve.js';
import { type RuleSpec, type RuleView, resolveRules, viewRules } from './auto-approve-spec.js';
import { MAX_TTL_SECONDS, type Role, candidateGroupProblem } from '../../domain/role/role.js';
import { NO_ROLE_NOTIFY, type RoleNotify, roleNotifyProblem } from '../../domain/role/role-notify.js';
import { isValidTimeZone } from '../../domain/time.js';
import type { StoreTx } from '../../ports/store.js';
import type { Caller, Deps } from '../deps.js';
import { groupByName } from './groups.js';
import { refuseStandingGroups } from './group-members.js';
import { requireAdmin } from './require-admin.js';
import { inLifecycle } from '../lifecycle.js';
import { settleRoleChange } from './role-change.js';
import { accountByLogin } from './users.js';
import { type Page, type PageRequest, pageFrom } from './paging.js';

/** A role as administrators write it: names instead of ids, "HH:MM" instead of minutes. */
export interface RoleSpec {
  readonly name: string;
  readonly description?: string | null | undefined;
  readonly ttlSeconds?: number | undefined;
  readonly mfaRequired?: boolean | undefined;
  readonly approvalRequired?: boolean | undefined;
  readonly approverMfaRequired?: boolean | undefined;
  readonly justificationRequired?: boolean | undefined;
  readonly justificationMinLength?: number | undefined;
  /** null removes the pattern. */
  readonly ticketPattern?: string | null | undefined;
  /** Activated without approval, capped short, each use reviewed afterwards by an approver. */
  readonly breakGlass?: boolean | undefined;
  /** null removes the window. */
  readonly window?: { readonly from: string; readonly to: string; readonly timeZone?: string | null | undefined } | null | undefined;
  readonly groups?: readonly string[] | undefined;
  readonly candidates?: readonly string[] | undefined;
  /** Groups (names) whose members may request the role too; never one the role grants. */
  readonly candidateGroups?: readonly string[] | undefined;
  readonly approvers?: readonly string[] | undefined;
  /**
   * The approval path: stages in order, each with approvers (logins) and approver groups (names)
   * and how many approvals it needs. Giving it turns approval on; null goes back to the shorthand
   * (`approvalRequired` + `approvers`, one stage needing one approval).
   */
  readonly approval?: ApprovalSpec | null | undefined;
  /** The role's own notification settings; each field given replaces the stored one, null goes back to the server's. */
  readonly notify?: { readonly [K in keyof RoleNotify]?: RoleNotify[K] | undefined } | undefined;
  /** Auto-approval rules, tried in order; null removes them (docs/approvals.md). */
  readonly autoApprove?: readonly RuleSpec[] | null | undefined;
}

export interface ApprovalSpec {
  readonly stages: readonly StageSpec[];
  readonly approverMfaRequired?: boolean | undefined;
}

export interface StageSpec {
  readonly approvers?: readonly string[] | undefined;
  readonly approverGroups?: readonly string[] | undefined;
  readonly required?: number | undefined;
}

/** A role with names, as shown to administrators. */
export interface RoleView extends Omit<Role, 'groupIds' | 'candidateIds' | 'candidateGroupIds' | 'approverIds' | 'stages' | 'autoApprove'> {
  readonly groups: string[];
  readonly candidates: string[];
  readonly candidateGroups: string[];
  readonly approvers: string[];
  /** The role's own stages (null when it uses the shorthand or needs no approval). */
  readonly approval: { readonly stages: { approvers: string[]; approverGroups: string[]; required: number }[] } | null;
  readonly notify: RoleNotify;
  readonly autoApprove: RuleView[];
}

function parseTimeOfDay(s: string, what: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s);
  if (!m) throw new DomainError('BadRequest', `${what} must be a time of day as HH:MM (24-hour), got '${s}'.`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export async function roleByName(tx: StoreTx, name: string): Promise<Role> {
  const r = await tx.roles.byName(name);
  if (!r) throw new DomainError('NotFound', `There is no role '${name}'.`);
  return r;
}

export async function viewRole(tx: StoreTx, r: Role): Promise<RoleView> {
  const names = async (ids: readonly string[], get: (id: string) => Promise<{ name?: string; login?: string } | undefined>) =>
    Promise.all(ids.map(async (id) => {
      const x = await get(id);
      return x?.name ?? x?.login ?? id;
    }));
  const { groupIds, candidateIds, candidateGroupIds, approverIds, stages, autoApprove, ...rest } = r;
  return {
    ...rest,
    notify: r.notify ?? NO_ROLE_NOTIFY,
    autoApprove: await viewRules(tx, autoApprove),
    groups: (await names(groupIds, (id) => tx.groups.byId(id))).sort(),
    candidates: (await names(candidateIds, (id) => tx.accounts.byId(id))).sort(),
    candidateGroups: (await names(candidateGroupIds ?? [], (id) => tx.groups.byId(id))).sort(),
    approvers: (await names(approverIds, (id) => tx.accounts.byId(id))).sort(),
    approval:
      stages.length === 0
        ? null
        : {
            stages: await Promise.all(
              stages.map(async (st) => ({
                approvers: (await names(st.approverIds, (id) => tx.accounts.byId(id))).sort(),
                approverGroups: (await names(st.approverGroupIds, (id) => tx.groups.byId(id))).sort(),
                required: st.required,
              })),
            ),
          },
  };
}

/** The role's notification settings after `spec`: what it gives replaces what is stored. */
function resolveNotify(spec: RoleSpec, existing: Role | undefined, teamsChannels: readonly string[] | undefined): RoleNotify {
  const was = existing?.notify ?? NO_ROLE_NOTIFY;
  const given = spec.notify ?? {};
  const notify: RoleNotify = {
    expiryWarningMinutes: given.expiryWarningMinutes !== undefined ? given.expiryWarningMinutes : was.expiryWarningMinutes,
    slackChannel: given.slackChannel !== undefined ? given.slackChannel : was.slackChannel,
    teamsChannel: given.teamsChannel !== undefined ? given.teamsChannel : was.teamsChannel,
  };
  const problem = roleNotifyProblem(notify);
  if (problem !== null) throw new DomainError('BadRequest', `Role '${spec.name}': ${problem}.`);
  // A misspelt webhook name would send the role's events nowhere (or, silently, elsewhere): refuse it.
  if (given.teamsChannel != null && !(teamsChannels ?? []).includes(given.teamsChannel)) {
    const known = (teamsChannels ?? []).join(', ') || 'none';
    throw new DomainError('BadRequest', `Role '${spec.name}': notify.teamsChannel '${given.teamsChannel}' is not a Teams webhook of the config (notifications.teams.channels: ${known}).`);
  }
  return notify;
}

async function resolve(tx: StoreTx, spec: RoleSpec, existing: Role | undefined, newId: () => string, serverMax: number, teamsChannels?: readonly string[]): Promise<Role> {
  const ttl = spec.ttlSeconds ?? existing?.ttlSeconds;
  if (ttl === undefined) throw new DomainError('BadRequest', `Role '${spec.name}' needs a TTL (the longest activation, in seconds).`);
  const maxTtl = Math.min(MAX_TTL_SECONDS, serverMax);
  if (!Number.isSafeInteger(ttl) || ttl < 1 || ttl > maxTtl) {
    throw new DomainError('BadRequest', `A role's TTL must be a whole number of seconds from 1 to ${maxTtl} (the server's maxTtlSeconds); got ${ttl}.`);
  }
  const minLength = spec.justificationMinLength ?? existing?.justificationMinLength ?? 0;
  if (!Number.isSafeInteger(minLength) || minLength < 0 || minLength > MAX_JUSTIFICATION_MIN_LENGTH) {
    throw new DomainError('BadRequest', `justificationMinLength must be a whole number from 0 to ${MAX_JUSTIFICATION_MIN_LENGTH}; got ${minLength}.`);
  }
  const ticketPattern = spec.ticketPattern !== undefined ? spec.ticketPattern : (existing?.ticketPattern ?? null);
  const compiled = ticketPattern === null ? null : compileTicketPattern(ticketPattern);
  if (typeof compiled === 'string') throw new DomainError('BadRequest', `Role '${spec.name}': ${compiled}.`);
  let window = existing?.window ?? null;
  if (spec.window !== undefined) {
    if (spec.window === null) window = null;
    else {
      const tz = spec.window.timeZone ?? null;
      if (tz !== null && !isValidTimeZone(tz)) throw new DomainError('BadRequest', `'${tz}' is not a known time zone (use an IANA name such as Europe/Paris).`);
      window = { from: parseTimeOfDay(spec.window.from, 'The window start'), to: parseTimeOfDay(spec.window.to, 'The window end'), timeZone: tz };
    }
  }
  const ids = async <T extends { id: string }>(names: readonly string[] | undefined, current: readonly string[], get: (n: string) => Promise<T>) =>
    names === undefined ? [...current] : [...new Set((await Promise.all(names.map(get))).map((x) => x.id))].sort();
  const a = spec.approval;
  if (a && spec.approvalRequired === false) throw new DomainError('BadRequest', `Role '${spec.name}' gives approval stages but says approvalRequired: false; give one or the other.`);
  if (a && a.approverMfaRequired !== undefined && spec.approverMfaRequired !== undefined && a.approverMfaRequired !== spec.approverMfaRequired) {
    throw new DomainError('BadRequest', `Role '${spec.name}' gives approverMfaRequired twice and they disagree; give it once.`);
  }
  const stages =
    a === undefined
      ? (existing?.stages ?? [])
      : a === null
        ? []
        : await Promise.all(
            a.stages.map(async (st, i) => {
              if (st.required !== undefined && !Number.isSafeInteger(st.required)) {
                throw new DomainError('BadRequest', `Stage ${i + 1} of role '${spec.name}' needs a whole number 'required'.`);
              }
              return {
                approverIds: await ids(st.approvers ?? [], [], (n) => accountByLogin(tx, n)),
                approverGroupIds: await ids(st.approverGroups ?? [], [], (n) => groupByName(tx, n)),
                required: st.required ?? 1,
              };
            }),
          );
  return {
    id: existing?.id ?? newId(),
    name: spec.name,
    description: spec.description !== undefined ? spec.description : (existing?.description ?? null),
    ttlSeconds: ttl,
    mfaRequired: spec.mfaRequired ?? existing?.mfaRequired ?? false,
    approvalRequired: a ? true : (spec.approvalRequired ?? existing?.approvalRequired ?? false),
    approverMfaRequired: a?.approverMfaRequired ?? spec.approverMfaRequired ?? existing?.approverMfaRequired ?? false,
    justificationRequired: spec.justificationRequired ?? existing?.justificationRequired ?? false,
    justificationMinLength: minLength,
    ticketPattern,
    breakGlass: spec.breakGlass ?? existing?.breakGlass ?? false,
    window,
    notify: resolveNotify(spec, existing, teamsChannels),
    // Present only when there are rules, as the store reads a role back (the no-change check compares both).
    ...(await withRules(resolveRules(tx, spec.name, spec.autoApprove, existing?.autoApprove))),
    groupIds: await ids(spec.groups, existing?.groupIds ?? [], (n) => groupByName(tx, n)),
    candidateIds: await ids(spec.candidates, existing?.candidateIds ?? [], (n) => accountByLogin(tx, n)),
    candidateGroupIds: await ids(spec.candidateGroups, existing?.candidateGroupIds ?? [], (n) => groupByName(tx, n)),
    approverIds: await ids(spec.approvers, existing?.approverIds ?? [], (n) => accountByLogin(tx, n)),
    stages,
  };
}

const withRules = async (rules: Promise<readonly AutoApproveRule[]>) => {
  const r = await rules;
  return r.length > 0 ? { autoApprove: r } : {};
};

export async function upsertRole(
  deps: Deps,
  caller: Caller,
  spec: RoleSpec,
  mode: 'create' | 'update' | 'upsert',
): Promise<{ role: RoleView; changed: boolean }> {
  requireAdmin(caller);
  if (typeof spec.name !== 'string' || spec.name.trim() === '' || spec.name.length > 256) {
    throw new DomainError('BadRequest', 'A role needs a name of 1-256 characters.');
  }
  return inLifecycle(deps, async (lc, tx) => {
    const existing = await tx.roles.byName(spec.name);
    if (existing && mode === 'create') throw new DomainError('Conflict', `A role '${spec.name}' already exists.`);
    if (!existing && mode === 'update') throw new DomainError('NotFound', `There is no role '${spec.name}'.`);
    const next = await resolve(tx, spec, existing, () => deps.ids.newId(), deps.policy.maxTtlSeconds, deps.policy.teamsChannels);
    if (next.approvalRequired && next.stages.length === 0 && next.approverIds.length === 0) {
      throw new DomainError('BadRequest', `Role '${spec.name}' needs approval but names no approvers; nobody could ever approve it.`);
    }
    if (next.breakGlass && !next.approvalRequired) {
      // The approvers are the ones who review each use; without them a use could never be reviewed.
      throw new DomainError('BadRequest', `Break-glass role '${spec.name}' needs approvers (approvalRequired with approvers, or approval stages): they review each use afterwards.`);
    }
    const problem = pathProblem(next);
    if (problem) throw new DomainError('BadRequest', `The approval path of role '${spec.name}' is not valid: ${problem}.`);
    const names = new Map((await tx.groups.byIds(next.candidateGroupIds ?? [])).map((g) => [g.id, g.name]));
    const candidacy = candidateGroupProblem(next, (id) => names.get(id) ?? id);
    if (candidacy) throw new DomainError('BadRequest', `Role '${spec.name}': ${candidacy}.`);
    await refuseStandingGroups(tx, next, existing);
    const rules = rulesProblem(next);
    if (rules) throw new DomainError('BadRequest', `The auto-approval rules of role '${spec.name}' are not valid: ${rules}.`);
    if (existing && JSON.stringify(existing) === JSON.stringify(next)) return { role: await viewRole(tx, existing), changed: false };
    if (existing) await tx.roles.update(next);
    else await tx.roles.insert(next);
    const view = await viewRole(tx, next);
    await tx.audit.append({
      at: deps.clock.now(),
      actorId: caller.accountId,
      action: existing ? 'role.updated' : 'role.created',
      targetType: 'role',
      targetId: next.id,
      requestId: null,
      before: existing ? await viewRole(tx, existing) : null,
      after: view,
    });
    if (existing) await settleRoleChange(lc, existing, next, caller.accountId);
    return { role: view, changed: true };
  });
}

export async function listRoles(deps: Deps, caller: Caller): Promise<RoleView[]> {
  requireAdmin(caller);
  return deps.store.transaction(async (tx) => Promise.all((await tx.roles.list()).map((r) => viewRole(tx, r))));
}

/** One page of the roles whose name or description contains `search` (any case), by name; only the page's roles are read in full. */
export async function listRolesPage(deps: Deps, caller: Caller, search: string | null, page: PageRequest): Promise<Page<RoleView>> {
  requireAdmin(caller);
  return deps.store.read(async (tx) => {
    const { rows, total } = await tx.roles.page({ search, ...page });
    return pageFrom(await Promise.all(rows.map((r) => viewRole(tx, r))), total, page);
  });
}

export async function showRole(deps: Deps, caller: Caller, name: string): Promise<RoleView> {
  requireAdmin(caller);
  return deps.store.transaction(async (tx) => viewRole(tx, await roleByName(tx, name)));
}

/** Refuses (Conflict) to remove a role someone holds or ever requested, naming what to do instead. */
async function refuseRoleRemoval(tx: StoreTx, r: Role): Promise<void> {
  const holders = await tx.requests.holdersOf(r.id);
  if (holders.length > 0) {
    throw new DomainError('Conflict', `Role '${r.name}' is active for ${holders.length} ${holders.length === 1 ? 'person' : 'people'} now; end it first (elevate revoke --all --role '${r.name}' --reason …).`);
  }
  if (await tx.requests.existsForRole(r.id)) {
    throw new DomainError('Conflict', `Role '${r.name}' has request history; remove its candidates instead so nobody can request it (elevate role set '${r.name}' --no-candidate).`);
  }
}

/** Whether removeRole would refuse, asked before any confirmation (removeRole checks again). */
export async function checkRoleRemovable(deps: Deps, caller: Caller, name: string): Promise<void> {
  requireAdmin(caller);
  await deps.store.read(async (tx) => refuseRoleRemoval(tx, await roleByName(tx, name)));
}

/** Removes a role nobody ever requested; one with history is kept so the history stays readable. */
export async function removeRole(deps: Deps, caller: Caller, name: string): Promise<void> {
  requireAdmin(caller);
  await deps.store.transaction(async (tx) => {
    const r = await roleByName(tx, name);
    await refuseRoleRemoval(tx, r);
    const before = await viewRole(tx, r);
    await tx.roles.remove(r.id);
    await tx.audit.append({
      at: deps.clock.now(),
      actorId: caller.accountId,
      action: 'role.removed',
      targetType: 'role',
      targetId: r.id,
      requestId: null,
      before,
      after: null,
    });
  });
}
