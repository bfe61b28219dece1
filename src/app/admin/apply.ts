import { DomainError } from '../../domain/errors.js';
import type { PasswordHasher } from '../../ports/password-hasher.js';
import type { Caller, Deps } from '../deps.js';
import { type GroupSpec, upsertGroup } from './groups.js';
import { type RoleSpec, upsertRole } from './roles.js';
import { type UserSpec, upsertUser } from './users.js';

/** A declarative description of users, groups and roles, as in an `elevate apply -f` file. */
export interface Declaration {
  readonly users?: readonly UserSpec[];
  readonly groups?: readonly GroupSpec[];
  readonly roles?: readonly RoleSpec[];
}

export interface ApplyReport {
  readonly created: string[];
  readonly updated: string[];
  readonly unchanged: string[];
}

/**
 * Brings the store in line with `decl`, adding and updating but never deleting what the file does
 * not mention. Applying the same file twice changes nothing the second time.
 */
export async function applyDeclaration(deps: Deps, hasher: PasswordHasher, caller: Caller, decl: Declaration): Promise<ApplyReport> {
  const report: ApplyReport = { created: [], updated: [], unchanged: [] };
  const note = (kind: string, name: string, existed: boolean, changed: boolean) =>
    (changed ? (existed ? report.updated : report.created) : report.unchanged).push(`${kind} ${name}`);
  const exists = {
    user: async (n: string) => (await deps.store.transaction((tx) => tx.accounts.byLogin(n))) !== undefined,
    group: async (n: string) => (await deps.store.transaction((tx) => tx.groups.byName(n))) !== undefined,
    role: async (n: string) => (await deps.store.transaction((tx) => tx.roles.byName(n))) !== undefined,
  };
  for (const u of decl.users ?? []) {
    if (!u || typeof u.login !== 'string') throw new DomainError('BadRequest', 'Every user needs a login.');
    const existed = await exists.user(u.login);
    note('user', u.login, existed, (await upsertUser(deps, hasher, caller, u, 'upsert')).changed);
  }
  for (const g of decl.groups ?? []) {
    if (!g || typeof g.name !== 'string') throw new DomainError('BadRequest', 'Every group needs a name.');
    const existed = await exists.group(g.name);
    note('group', g.name, existed, (await upsertGroup(deps, caller, g, 'upsert')).changed);
  }
  for (const r of decl.roles ?? []) {
    if (!r || typeof r.name !== 'string') throw new DomainError('BadRequest', 'Every role needs a name.');
    const existed = await exists.role(r.name);
    note('role', r.name, existed, (await upsertRole(deps, caller, r, 'upsert')).changed);
  }
  return report;
}
