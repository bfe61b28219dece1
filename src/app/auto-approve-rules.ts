import { ttlBound } from '../domain/request/create.js';
import type { GroupMembers } from '../domain/role/approval-stage.js';
import { type AutoApproveRule, describeRule, matchingRule, ruleGroupIdsOf } from '../domain/role/auto-approve.js';
import type { Role } from '../domain/role/role.js';
import type { StoreTx } from '../ports/store.js';
import { readGroupMembers } from './approver-groups.js';
import type { Deps } from './deps.js';

/** The rules that can act on a request for `role`: none when it needs no approval or is break-glass. */
function activeRules(role: Role): readonly AutoApproveRule[] {
  return role.approvalRequired && !role.breakGlass ? (role.autoApprove ?? []) : [];
}

/**
 * The requester's membership of the groups the role's auto-approval rules name, read from their
 * directories now (never cached: a rule decides access). A directory that cannot answer leaves the
 * groups empty, so no group rule matches and the request goes to its approvers as if there were no
 * rule: an outage must neither approve nor stop anyone asking.
 */
export async function ruleMembersOf(deps: Deps, tx: StoreTx, role: Role, accountId: string): Promise<GroupMembers | undefined> {
  const groupIds = ruleGroupIdsOf(activeRules(role));
  if (groupIds.length === 0) return undefined;
  try {
    return await readGroupMembers(deps, tx, groupIds, [accountId]);
  } catch {
    return undefined;
  }
}

/** The role's rules in words, in the order they are tried: "in group On-call, Mon-Fri 08:00-18:00, TTL at most 2h". */
export async function rulesInWords(tx: StoreTx, role: Role): Promise<{ name: string; when: string }[]> {
  const rules = activeRules(role);
  const names = new Map((await tx.groups.byIds(ruleGroupIdsOf(rules))).map((g) => [g.id, g.name]));
  // A group removed since the rule was written matches nobody.
  return rules.map((r) => ({ name: r.name, when: describeRule(r, (id) => names.get(id) ?? '(a removed group)') }));
}

export interface AutoApproveForecast {
  readonly rule: string | null;
  readonly ttlSeconds: number;
  readonly note: string;
}

/**
 * Before asking: the rule that would approve `accountId` if they asked now for the longest TTL the
 * role allows, with a ticket when the role requires one. null when the role has no rules. A
 * forecast only: the TTL, ticket and start of the real request decide.
 */
export async function forecastFor(deps: Deps, tx: StoreTx, role: Role, accountId: string): Promise<AutoApproveForecast | null> {
  if (activeRules(role).length === 0) return null;
  const ttlSeconds = ttlBound(role, deps.policy.maxTtlSeconds, deps.policy.breakGlassMaxTtlSeconds).max;
  const members = (await ruleMembersOf(deps, tx, role, accountId)) ?? new Map();
  const subject = { requesterId: accountId, at: deps.clock.now(), ttlSeconds, ticketId: role.ticketPattern === null ? null : 'ticket', members };
  const rule = matchingRule(role.autoApprove, subject, deps.policy.serverTimeZone);
  const asked = `if you asked now for ${ttlSeconds} seconds${role.ticketPattern === null ? ' without a ticket' : ''}`;
  return {
    rule: rule?.name ?? null,
    ttlSeconds,
    note: `${rule ? `Rule '${rule.name}' would approve your request` : 'No rule would approve your request'} ${asked}; a forecast: the TTL, ticket and start you ask with may change it.`,
  };
}
