import { type AutoApproveRule, WEEKDAYS, type Weekday } from '../../../domain/role/auto-approve.js';

// A role's auto-approval rules as stored in roles.auto_approve: a JSON list, null when there are none.

export function rulesToJson(rules: readonly AutoApproveRule[] | undefined): string | null {
  return rules && rules.length > 0 ? JSON.stringify(rules) : null;
}

/** The stored rules, frozen; a column written by hand and no longer readable counts as no rules (deny: approval stays). */
export function rulesFromJson(text: string | null): readonly AutoApproveRule[] {
  if (text === null) return Object.freeze([]);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return Object.freeze([]);
  }
  if (!Array.isArray(raw)) return Object.freeze([]);
  return Object.freeze(
    raw.map((r: any) =>
      Object.freeze({
        name: String(r.name),
        groupIds: Object.freeze((Array.isArray(r.groupIds) ? r.groupIds : []).map(String)),
        window:
          r.window == null
            ? null
            : Object.freeze({
                days: Object.freeze(WEEKDAYS.filter((d: Weekday) => Array.isArray(r.window.days) && r.window.days.includes(d))),
                from: Number(r.window.from),
                to: Number(r.window.to),
              }),
        maxTtlSeconds: r.maxTtlSeconds == null ? null : Number(r.maxTtlSeconds),
        ticketRequired: r.ticketRequired === true,
      }),
    ),
  );
}
