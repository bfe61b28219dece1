import type { Role } from '../../domain/role/role.js';
import { isCandidateNow, readGroupMembers } from '../approver-groups.js';
import { endOpenRequests } from '../end-access.js';
import type { Lifecycle } from '../lifecycle.js';

/**
 * What a role edit takes away, in the transaction of the edit, so no membership outlives the
 * definition that explained it:
 * - a group the role no longer grants is removed from everyone holding the role, unless another
 *   elevation of theirs still grants it; their elevation goes on with the role's other groups;
 * - a person who is no longer a candidate loses their elevation, pending and scheduled requests of
 *   the role, ended with the reason 'role-changed' (they could not even see the role to end it).
 * A group added to the role reaches holders only with their next activation: an edit never widens
 * access someone already holds.
 */
export async function settleRoleChange(lc: Lifecycle, before: Role, after: Role, actorId: string): Promise<void> {
  const { tx } = lc;
  const withdrawn = before.groupIds.filter((g) => !after.groupIds.includes(g));
  if (withdrawn.length > 0) {
    for (const accountId of new Set(await tx.requests.holdersOf(after.id))) {
      const account = await tx.accounts.byId(accountId);
      const holding = await lc.holding(accountId, after.id);
      const r = holding[holding.length - 1];
      if (!account || !r) continue;
      for (const groupId of withdrawn) {
        const group = await tx.groups.byId(groupId);
        // Another role held at the same time may grant the same group: that grant still explains it.
        if (!group || (await tx.requests.isGroupHeldBy(groupId, accountId, ''))) continue;
        await lc.changeMembership(r, 'revoke', group, account);
      }
    }
  }
  // Someone no longer named, or whose candidate group the role dropped, keeps the role only while
  // another candidate group of it still holds them (read now from the directory).
  const dropped = (before.candidateGroupIds ?? []).filter((g) => !(after.candidateGroupIds ?? []).includes(g));
  const maybeLost = new Set(before.candidateIds.filter((c) => !after.candidateIds.includes(c)));
  if (dropped.length > 0) for (const m of (await readGroupMembers(lc.deps, tx, dropped)).values()) for (const a of m) maybeLost.add(a);
  for (const accountId of maybeLost) {
    if (await isCandidateNow(lc.deps, tx, after, accountId)) continue;
    await endOpenRequests(
      lc,
      { creatorId: accountId, roleId: after.id },
      { reason: 'role-changed', note: `You are no longer a candidate for role '${after.name}'.` },
      actorId,
    );
  }
}
