import { type Instant, type MinuteOfDay, type Seconds, formatMinuteOfDay, minuteOfDay, toLocal } from '../time.js';
import type { GroupMembers } from './approval-stage.js';

/*
 * Auto-approval rules (issue 14 §4): data in a role, evaluated here without I/O. A rule approves a
 * request when every condition it names holds; the first rule that matches approves. The caller
 * reads the requester's group memberships from the directories before asking.
 */

export const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Enough for "on call", "business hours", "with a ticket"; a longer list is a policy nobody can read. */
export const MAX_RULES = 20;
export const MAX_RULE_NAME = 100;

/**
 * Days of the week and a daily span of local time in the server's zone (as a role's availability
 * window without a zone of its own). When `to <= from` the span runs past midnight and belongs to
 * the day it started on: `Fri 22:00-06:00` covers Saturday 03:00, not Friday 03:00.
 */
export interface RuleWindow {
  readonly days: readonly Weekday[];
  readonly from: MinuteOfDay;
  readonly to: MinuteOfDay;
}

export interface AutoApproveRule {
  readonly name: string;
  /** The requester is in one of these groups (ids; embedded or LDAP); empty: no condition. */
  readonly groupIds: readonly string[];
  readonly window: RuleWindow | null;
  /** The requested TTL is at or below this; null: no condition. */
  readonly maxTtlSeconds: Seconds | null;
  /** The request carries a ticket reference (matching the role's pattern when it has one: checked before). */
  readonly ticketRequired: boolean;
}

/** What a rule looks at in a request; `ticketId` is the one kept after the role's checks (trimmed, null when none). */
export interface RuleSubject {
  readonly requesterId: string;
  /** When access is to start. */
  readonly at: Instant;
  readonly ttlSeconds: Seconds;
  readonly ticketId: string | null;
  /** Membership of the rules' groups, at least for the requester (see ruleGroupIdsOf). */
  readonly members: GroupMembers;
}

const DAY_MINUTES = 24 * 60;

function weekdayOf(at: Instant, zone: string, daysBack: number): Weekday {
  const l = toLocal(at, zone);
  return WEEKDAYS[new Date(Date.UTC(l.year, l.month - 1, l.day - daysBack)).getUTCDay()]!;
}

/** Whether `at` falls in the window, read in `zone`. */
export function inRuleWindow(w: RuleWindow, at: Instant, zone: string): boolean {
  const m = minuteOfDay(at, zone);
  if (w.from < w.to) return m >= w.from && m < w.to && w.days.includes(weekdayOf(at, zone, 0));
  // Equal ends: the whole of each listed day.
  if (w.from === w.to) return w.days.includes(weekdayOf(at, zone, 0));
  if (m >= w.from) return w.days.includes(weekdayOf(at, zone, 0));
  return m < w.to && w.days.includes(weekdayOf(at, zone, 1));
}

/** Whether each condition the rule names holds for `s`. */
export function ruleMatches(rule: AutoApproveRule, s: RuleSubject, serverZone: string): boolean {
  if (rule.groupIds.length > 0 && !rule.groupIds.some((g) => s.members.get(g)?.has(s.requesterId) === true)) return false;
  if (rule.window !== null && !inRuleWindow(rule.window, s.at, serverZone)) return false;
  if (rule.maxTtlSeconds !== null && s.ttlSeconds > rule.maxTtlSeconds) return false;
  if (rule.ticketRequired && s.ticketId === null) return false;
  return true;
}

/** The first rule that approves `s`, or null: rules are tried in the order the role lists them. */
export function matchingRule(rules: readonly AutoApproveRule[] | undefined, s: RuleSubject, serverZone: string): AutoApproveRule | null {
  return (rules ?? []).find((r) => ruleMatches(r, s, serverZone)) ?? null;
}

/** Every group any rule names: the memberships evaluating the rules must read. */
export function ruleGroupIdsOf(rules: readonly AutoApproveRule[] | undefined): string[] {
  return [...new Set((rules ?? []).flatMap((r) => r.groupIds))].sort();
}

/** `Mon-Fri`, `Sat,Sun`, `Mon,Wed-Fri`: runs of consecutive days (Monday first) joined. */
export function describeDays(days: readonly Weekday[]): string {
  const order = [1, 2, 3, 4, 5, 6, 0].filter((i) => days.includes(WEEKDAYS[i]!));
  if (order.length === 7) return 'every day';
  const runs: number[][] = [];
  for (const i of order) {
    const last = runs.at(-1);
    const prev = last?.at(-1);
    if (last && prev !== undefined && (prev + 1) % 7 === i) last.push(i);
    else runs.push([i]);
  }
  return runs.map((r) => (r.length > 2 ? `${WEEKDAYS[r[0]!]}-${WEEKDAYS[r.at(-1)!]}` : r.map((i) => WEEKDAYS[i]).join(','))).join(',');
}

/**
 * Day names as people write them: `Mon-Fri`, `Sat,Sun`, `mon, wed-fri` (a range runs forward and
 * may wrap: `Fri-Mon`). Returns the days in week order, or why the text is not a list of days.
 */
export function parseDays(text: string): Weekday[] | string {
  const out = new Set<number>();
  const index = (d: string) => WEEKDAYS.findIndex((w) => w.toLowerCase() === d.trim().toLowerCase().slice(0, 3) && d.trim().length >= 3);
  for (const part of text.split(',')) {
    const [a, b, ...rest] = part.split('-');
    const from = index(a ?? '');
    const to = b === undefined ? from : index(b);
    if (rest.length > 0 || from < 0 || to < 0) return `'${part.trim()}' is not a day or a range of days (Mon, Tue, ... Sun; Mon-Fri)`;
    for (let i = from; ; i = (i + 1) % 7) {
      out.add(i);
      if (i === to) break;
    }
  }
  return WEEKDAYS.filter((_, i) => out.has(i));
}

/** Seconds in the largest whole unit: `2h`, `90m`, `1d`, `45s`. */
export function describeSeconds(s: Seconds): string {
  for (const [unit, n] of [['d', 86_400], ['h', 3600], ['m', 60]] as const) if (s % n === 0) return `${s / n}${unit}`;
  return `${s}s`;
}

/**
 * A rule's conditions in words, e.g. "in group On-call, Mon-Fri 08:00-18:00, TTL at most 2h".
 * `groupName` turns an id into what people call the group.
 */
export function describeRule(rule: AutoApproveRule, groupName: (id: string) => string): string {
  const parts: string[] = [];
  if (rule.groupIds.length > 0) {
    const names = rule.groupIds.map(groupName);
    parts.push(names.length === 1 ? `in group ${names[0]}` : `in one of the groups ${names.join(', ')}`);
  }
  if (rule.window) {
    const w = rule.window;
    const span = w.from === w.to ? 'all day' : `${formatMinuteOfDay(w.from)}-${formatMinuteOfDay(w.to)}`;
    parts.push(`${describeDays(w.days)} ${span}`);
  }
  if (rule.maxTtlSeconds !== null) parts.push(`TTL at most ${describeSeconds(rule.maxTtlSeconds)}`);
  if (rule.ticketRequired) parts.push('with a ticket reference');
  return parts.join(', ');
}

/** What a role's rules need of the rest of the role to mean anything. */
export interface WithRules {
  readonly approvalRequired: boolean;
  readonly breakGlass: boolean;
  readonly groupIds: readonly string[];
  readonly autoApprove?: readonly AutoApproveRule[] | undefined;
}

/**
 * What is wrong with a role's rules as an administrator wrote them, or null. Rules that could never
 * apply are refused rather than kept: a role without approval, or a break-glass role, approves
 * nothing, so a rule on it would only mislead whoever reads the policy.
 */
export function rulesProblem(role: WithRules): string | null {
  const rules = role.autoApprove ?? [];
  if (rules.length === 0) return null;
  if (role.breakGlass) return 'a break-glass role skips approval already; it takes no auto-approval rules';
  if (!role.approvalRequired) return 'a role without approval has nothing to auto-approve; give it approval first or remove its rules';
  if (rules.length > MAX_RULES) return `at most ${MAX_RULES} auto-approval rules`;
  const seen = new Set<string>();
  for (const [i, r] of rules.entries()) {
    const n = `auto-approval rule ${i + 1}`;
    const name = r.name.trim();
    if (name === '' || name.length > MAX_RULE_NAME || /[\x00-\x1f\x7f]/.test(name)) return `${n} needs a name of 1-${MAX_RULE_NAME} printable characters`;
    if (seen.has(name.toLowerCase())) return `two auto-approval rules are named '${name}'; each needs its own name`;
    seen.add(name.toLowerCase());
    if (r.groupIds.length === 0 && r.window === null && r.maxTtlSeconds === null && !r.ticketRequired) {
      return `rule '${name}' has no conditions; it would approve every request (turn approval off instead)`;
    }
    if (r.window !== null) {
      if (r.window.days.length === 0) return `rule '${name}' has a window without days`;
      if (![r.window.from, r.window.to].every((m) => Number.isSafeInteger(m) && m >= 0 && m < DAY_MINUTES)) return `rule '${name}' has a window outside 00:00-23:59`;
    }
    if (r.maxTtlSeconds !== null && (!Number.isSafeInteger(r.maxTtlSeconds) || r.maxTtlSeconds < 1)) return `rule '${name}' needs a TTL limit of at least one second`;
    // A rule keyed on the role's own groups would let every holder of an elevation approve themselves next time.
    if (r.groupIds.some((g) => role.groupIds.includes(g))) return `rule '${name}' names a group the role itself grants (an elevation would approve the next request)`;
  }
  return null;
}
