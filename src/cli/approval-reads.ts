import { type ApprovalPath, approvalPath as approvalPathSchema } from '../wire/approvals.js';
import { CliError } from './cli-error.js';
import type { PamClient } from './pam-client.js';
import type { WireRequest, WireRole } from './wire-types.js';

/**
 * Elevate's approval extensions, read beside the MIM wire (whose shapes stay frozen): each answers
 * "nothing to say" from a server without them (an older Elevate, or MIM itself: 404).
 */

/**
 * A role's approval path (GET /api/me/roles/{id}/approval-path), or null when the role needs no
 * approval or the server has no such route.
 */
export async function approvalPathOf(api: PamClient, r: WireRole): Promise<ApprovalPath | null> {
  if (!r.ApprovalEnabled) return null;
  const path = `/api/me/roles/${encodeURIComponent(r.RoleId)}/approval-path` as const;
  const body = await api.getIfPresent(path);
  if (body === undefined) return null;
  const parsed = approvalPathSchema.safeParse(body);
  if (!parsed.success) throw new CliError(`the server's answer to GET ${path} is not an approval path`);
  return parsed.data.approvalRequired && parsed.data.stages.length > 0 ? parsed.data : null;
}

/** A request that a rule may have approved: a rule decides at creation, so not a deactivation nor one still waiting. */
const mayBeRuleApproved = (r: WireRequest): boolean => r.RequestedTTL !== '0' && r.RequestStatus !== 'PendingApproval';

/**
 * The auto-approval rule that approved one request (GET /api/me/requests/{id}/approval), or null.
 * A failure to read it is null too: it explains a request, it must not make listing one fail.
 */
export async function ruleThatApproved(api: PamClient, r: WireRequest): Promise<string | null> {
  if (!mayBeRuleApproved(r)) return null;
  const body = (await api.getIfPresent(`/api/me/requests/${encodeURIComponent(r.RequestId)}/approval`).catch(() => undefined)) as { autoApprovedBy?: unknown } | undefined;
  return typeof body?.autoApprovedBy === 'string' ? body.autoApprovedBy : null;
}

/**
 * Request id -> the rule that approved it, for a history list. The MIM list carries no such field,
 * so this asks per request, but only for requests of the caller's roles that have rules (one path
 * read per approval role first): a history of roles without rules costs nothing extra.
 */
export async function rulesThatApproved(api: PamClient, requests: readonly WireRequest[], roles: readonly WireRole[]): Promise<Map<string, string>> {
  const asked = new Set(requests.map((r) => r.RoleId));
  const candidates = roles.filter((r) => r.ApprovalEnabled && asked.has(r.RoleId));
  const paths = await Promise.all(candidates.map((r) => approvalPathOf(api, r).catch(() => null)));
  const withRules = new Set(candidates.filter((_, i) => (paths[i]?.autoApprove.length ?? 0) > 0).map((r) => r.RoleId));
  const toRead = requests.filter((r) => withRules.has(r.RoleId) && mayBeRuleApproved(r));
  const out = new Map<string, string>();
  // A few at a time: a long history must not open hundreds of connections at once.
  for (let i = 0; i < toRead.length; i += 8) {
    const batch = toRead.slice(i, i + 8);
    const rules = await Promise.all(batch.map((r) => ruleThatApproved(api, r)));
    batch.forEach((r, j) => {
      if (rules[j]) out.set(r.RequestId, rules[j]!);
    });
  }
  return out;
}
