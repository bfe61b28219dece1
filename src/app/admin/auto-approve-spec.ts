import { DomainError } from '../../domain/errors.js';
import { type AutoApproveRule, WEEKDAYS, type Weekday } from '../../domain/role/auto-approve.js';
import { formatMinuteOfDay } from '../../domain/time.js';
import type { StoreTx } from '../../ports/store.js';
import { groupByName } from './groups.js';

/**
 * An auto-approval rule as administrators write it (YAML, `apply -f`, /api/admin/roles) and as
 * they read it back: group names, day names and "HH:MM". The domain form is AutoApproveRule.
 */
export interface RuleSpec {
  readonly name: string;
  /** The requester is in one of these groups (names). */
  readonly groups?: readonly string[] | undefined;
  readonly window?: { readonly days: readonly string[]; readonly from: string; readonly to: string } | null | undefined;
  readonly maxTtlSeconds?: number | null | undefined;
  readonly ticketRequired?: boolean | undefined;
}

export interface RuleView {
  readonly name: string;
  readonly groups: string[];
  readonly window: { readonly days: Weekday[]; readonly from: string; readonly to: string } | null;
  readonly maxTtlSeconds: number | null;
  readonly ticketRequired: boolean;
}

function minutes(s: string, what: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s);
  if (!m) throw new DomainError('BadRequest', `${what} must be a time of day as HH:MM (24-hour), got '${s}'.`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The rules `spec` gives, with ids; undefined keeps the stored ones, null removes them. */
export async function resolveRules(tx: StoreTx, roleName: string, given: readonly RuleSpec[] | null | undefined, existing: readonly AutoApproveRule[] | undefined): Promise<readonly AutoApproveRule[]> {
  if (given === undefined) return existing ?? [];
  if (given === null) return [];
  return Promise.all(
    given.map(async (r, i) => {
      const what = `Auto-approval rule ${i + 1} of role '${roleName}'`;
      if (typeof r.name !== 'string') throw new DomainError('BadRequest', `${what} needs a name.`);
      const days = r.window ? r.window.days.map((d) => WEEKDAYS.find((w) => w.toLowerCase() === String(d).toLowerCase())) : [];
      if (days.some((d) => d === undefined)) throw new DomainError('BadRequest', `${what}: days are Mon, Tue, Wed, Thu, Fri, Sat, Sun.`);
      const ttl = r.maxTtlSeconds ?? null;
      if (ttl !== null && (!Number.isSafeInteger(ttl) || ttl < 1)) throw new DomainError('BadRequest', `${what}: maxTtlSeconds must be a whole number of seconds, at least 1.`);
      return {
        name: r.name.trim(),
        groupIds: [...new Set(await Promise.all((r.groups ?? []).map(async (n) => (await groupByName(tx, n)).id)))].sort(),
        window: r.window ? { days: WEEKDAYS.filter((w) => days.includes(w)), from: minutes(r.window.from, `${what}: the window start`), to: minutes(r.window.to, `${what}: the window end`) } : null,
        maxTtlSeconds: ttl,
        ticketRequired: r.ticketRequired ?? false,
      };
    }),
  );
}

/** The rules with names, as GET /api/admin/roles and `elevate export` show them. */
export async function viewRules(tx: StoreTx, rules: readonly AutoApproveRule[] | undefined): Promise<RuleView[]> {
  return Promise.all(
    (rules ?? []).map(async (r) => ({
      name: r.name,
      // A group removed since the rule was written matches nobody; its id is shown so the rule can be fixed.
      groups: (await Promise.all(r.groupIds.map(async (id) => (await tx.groups.byId(id))?.name ?? id))).sort(),
      window: r.window && { days: [...r.window.days], from: formatMinuteOfDay(r.window.from), to: formatMinuteOfDay(r.window.to) },
      maxTtlSeconds: r.maxTtlSeconds,
      ticketRequired: r.ticketRequired,
    })),
  );
}
