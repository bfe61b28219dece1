import type { Account } from '../../domain/account/account.js';
import type { Group } from '../../domain/group/group.js';
import type { PolicyDocument, PolicyEntry } from '../../domain/policy/plan.js';
import type { StoreTx } from '../../ports/store.js';
import { viewRole } from './roles.js';

/*
 * The store's users, groups and roles as an apply file writes them. Fields pass through as they
 * are unless listed below, so a new role field (a break-glass flag, an auto-approval rule) shows
 * up in export and plan without code here; only a field whose stored form differs from the
 * file's needs an entry in ROLE_FIELD_OUT (or one in OMIT when it is not policy).
 */

const hhmm = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Operational state and ids: not policy, so neither exported nor compared. */
const OMIT: ReadonlySet<string> = new Set(['id', 'lock', 'passwordHash']);

/** Stored form to file form, for the role fields that differ. */
const ROLE_FIELD_OUT: Readonly<Record<string, (v: any) => unknown>> = {
  window: (w: { from: number; to: number; timeZone: string | null } | null) => (w === null ? null : { from: hhmm(w.from), to: hhmm(w.to), timeZone: w.timeZone }),
};

function entry(x: object, out: Readonly<Record<string, (v: any) => unknown>> = {}): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(x)
      .filter(([k]) => !OMIT.has(k))
      .map(([k, v]) => [k, out[k] ? out[k](v) : v]),
  );
}

function userEntry(a: Account): PolicyEntry {
  const { service, ...rest } = a;
  // `password` carries the hash so a plan can say a password changes; export strips it (SECRET_FIELDS).
  return { ...entry(rest), ...(service && { service: true }), password: a.passwordHash };
}

/** A group; an embedded one no role grants also with its standing members, when it has any. */
async function groupEntry(tx: StoreTx, g: Group): Promise<PolicyEntry> {
  if (g.directory !== 'embedded' || (await tx.roles.idsGranting(g.id)).length > 0) return entry(g);
  const members = (await tx.accounts.byIds(await tx.groups.members(g.id))).map((a) => a.login).sort();
  return members.length > 0 ? { ...entry(g), members } : entry(g);
}

const byKey = (k: string) => (a: PolicyEntry, b: PolicyEntry) => String(a[k]).localeCompare(String(b[k]));

/** The whole policy state, read in `tx` (so a plan compares states of the same transaction). */
export async function readPolicy(tx: StoreTx): Promise<PolicyDocument> {
  const roles = await Promise.all((await tx.roles.list()).map(async (r) => entry(await viewRole(tx, r), ROLE_FIELD_OUT)));
  return {
    users: (await tx.accounts.list()).map(userEntry).sort(byKey('login')),
    groups: (await Promise.all((await tx.groups.list()).map((g) => groupEntry(tx, g)))).sort(byKey('name')),
    roles: roles.sort(byKey('name')),
  };
}
