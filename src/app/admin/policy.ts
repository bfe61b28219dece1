import { DomainError, isDomainError } from '../../domain/errors.js';
import { type EndedAccess, type PlanStep, type PolicyDocument, diffPolicy, undeclared, withoutSecrets } from '../../domain/policy/plan.js';
import type { PasswordHasher } from '../../ports/password-hasher.js';
import type { Store, StoreTx } from '../../ports/store.js';
import type { Caller, Deps } from '../deps.js';
import { WorkSignal } from '../work-signal.js';
import type { Declaration } from './apply.js';
import { changeGroupMembers } from './group-members.js';
import { removeGroup, upsertGroup } from './groups.js';
import { readPolicy } from './policy-state.js';
import { requireAdmin } from './require-admin.js';
import { removeRole, upsertRole } from './roles.js';
import { removeUser, upsertUser } from './users.js';

export interface PolicyOptions {
  /** Remove the users, groups and roles the declaration does not name. */
  readonly prune?: boolean | undefined;
  /** With prune: disable a user who holds or waits for access (which ends it) instead of refusing. */
  readonly force?: boolean | undefined;
}

export interface PolicyResult {
  readonly steps: readonly PlanStep[];
  /** Whether the steps were carried out (apply) or only worked out (plan). */
  readonly applied: boolean;
}

/** Thrown to roll a dry run back once its plan is known. */
class DryRun {
  constructor(readonly steps: PlanStep[]) {}
}

/**
 * Deps whose store runs every "transaction" inside `tx`, so the ordinary use cases (upsertUser,
 * removeRole, ...) with all their checks and audit entries become steps of one transaction. Work
 * they signal is held back until that transaction commits.
 */
function insideOne(deps: Deps, tx: StoreTx, held: { work: boolean }): Deps {
  const store: Store = {
    ...deps.store,
    transaction: (fn) => fn(tx),
    read: (fn) => fn(tx),
    readOne: (fn) => fn(tx),
    changeCounts: () => tx.accounts.changeCounts(),
  };
  const workWritten = new WorkSignal();
  workWritten.listen(() => (held.work = true));
  return { ...deps, store, workWritten };
}

/**
 * Works out (and with `commit` carries out) the declaration, all or nothing: every entry is tried
 * in one transaction, every refusal is collected with the entry it is about, and when there is any
 * the transaction rolls back and one error lists them all. The plan is the difference between the
 * state before and after, so it is exactly what apply does, defaults and side rules included.
 */
async function run(deps: Deps, hasher: PasswordHasher, caller: Caller, decl: Declaration, opts: PolicyOptions, commit: boolean): Promise<PolicyResult> {
  requireAdmin(caller);
  const held = { work: false };
  try {
    const steps = await deps.store.transaction(async (tx) => {
      held.work = false;
      const inner = insideOne(deps, tx, held);
      const before = await readPolicy(tx);
      const errors: string[] = [];
      const step = async (where: string, fn: () => Promise<unknown>) => {
        try {
          await fn();
        } catch (e) {
          if (!isDomainError(e)) throw e;
          errors.push(`${where}: ${e.message}`);
        }
      };
      const label = (list: string, i: number, name: unknown) => `${list}[${i}]${typeof name === 'string' ? ` (${name})` : ''}`;
      for (const [i, u] of (decl.users ?? []).entries()) await step(label('users', i, u?.login), () => upsertUser(inner, hasher, caller, u, 'upsert'));
      for (const [i, g] of (decl.groups ?? []).entries()) {
        await step(label('groups', i, g?.name), async () => {
          await upsertGroup(inner, caller, g, 'upsert');
          if (g.members !== undefined) await changeGroupMembers(inner, caller, g.name, { set: g.members });
        });
      }
      for (const [i, r] of (decl.roles ?? []).entries()) await step(label('roles', i, r?.name), () => upsertRole(inner, caller, r, 'upsert'));
      // Per login, the open requests a forced prune ends by disabling the account: the plan says so.
      const ended = new Map<string, EndedAccess[]>();
      if (opts.prune) await prune(inner, hasher, tx, caller, decl, before, opts, step, ended);
      if (errors.length > 0) {
        throw new DomainError('BadRequest', `Nothing was changed; ${errors.length} problem(s):\n${errors.map((e) => `  ${e}`).join('\n')}`, { problems: errors });
      }
      const plan = diffPolicy(before, await readPolicy(tx)).map((s) => (s.kind === 'user' && ended.has(s.name) ? { ...s, ends: ended.get(s.name)! } : s));
      if (!commit) throw new DryRun(plan);
      return plan;
    });
    if (held.work) deps.workWritten.raise();
    return { steps, applied: true };
  } catch (e) {
    if (e instanceof DryRun) return { steps: e.steps, applied: false };
    throw e;
  }
}

/**
 * Removes what the declaration does not name: roles first (they refer to groups and users), then
 * groups, then users. Never the caller's own account. A user with request history is disabled
 * instead (the audit trail refers to it); one who holds or waits for access is refused unless
 * `force`, since disabling ends that access.
 */
async function prune(
  inner: Deps,
  hasher: PasswordHasher,
  tx: StoreTx,
  caller: Caller,
  decl: Declaration,
  before: PolicyDocument,
  opts: PolicyOptions,
  step: (where: string, fn: () => Promise<unknown>) => Promise<void>,
  ended: Map<string, EndedAccess[]>,
): Promise<void> {
  const names = (xs: readonly { name?: string; login?: string }[] | undefined) => new Set((xs ?? []).map((x) => x.name ?? x.login ?? ''));
  for (const name of undeclared(before, names(decl.roles), 'role')) await step(`prune role '${name}'`, () => removeRole(inner, caller, name));
  for (const name of undeclared(before, names(decl.groups), 'group')) await step(`prune group '${name}'`, () => removeGroup(inner, caller, name));
  for (const login of undeclared(before, names(decl.users), 'user')) {
    await step(`prune user '${login}'`, async () => {
      const a = await tx.accounts.byLogin(login);
      if (!a || a.id === caller.accountId) return;
      const open = await tx.requests.listOpen({ creatorId: a.id });
      if (open.length > 0 && !opts.force) {
        throw new DomainError('Conflict', `'${login}' holds or waits for access (${open.length} request(s)); revoke it first, or prune with force to disable the account, which ends it.`);
      }
      if (open.length > 0) {
        const roleName = new Map((await tx.roles.list()).map((r) => [r.id, r.name]));
        ended.set(login, open.map((r) => ({ role: roleName.get(r.roleId) ?? r.roleId, status: r.status })));
      }
      const history = await tx.requests.listByCreator(a.id, { filter: null, orderBy: [], top: 1, skip: 0 });
      if (history.length > 0) await upsertUser(inner, hasher, caller, { login, disabled: true }, 'update');
      else await removeUser(inner, caller, login);
    });
  }
}

/** The plan for a declaration, changing nothing (`apply --dry-run`). */
export function planPolicy(deps: Deps, hasher: PasswordHasher, caller: Caller, decl: Declaration, opts: PolicyOptions = {}): Promise<PolicyResult> {
  return run(deps, hasher, caller, decl, opts, false);
}

/** Applies a declaration in one transaction, or changes nothing and lists every problem. */
export function applyPolicy(deps: Deps, hasher: PasswordHasher, caller: Caller, decl: Declaration, opts: PolicyOptions = {}): Promise<PolicyResult> {
  return run(deps, hasher, caller, decl, opts, true);
}

/** The current users, groups and roles as an apply file (no password hashes). */
export async function exportPolicy(deps: Deps, caller: Caller): Promise<PolicyDocument> {
  requireAdmin(caller);
  return withoutSecrets(await deps.store.read((tx) => readPolicy(tx)));
}
