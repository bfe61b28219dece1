import { type AdminEndReason, type PamRequest, isTerminal } from '../domain/request/request.js';
import type { Lifecycle } from './lifecycle.js';

/** Why an administrator's action ends access: the reason code and the words the requester sees. */
export interface Ending {
  readonly reason: AdminEndReason;
  readonly note: string;
}

/**
 * Ends one request because of an administrator's action, through the same transition as any close:
 * a pending or scheduled request is Closed at once (its approval cancelled, so no approver sees it
 * again), and a held one goes Closing with its revoke, which embedded groups carry out in this
 * transaction and LDAP groups through the outbox (Closed once the directory confirms).
 */
export async function endRequest(lc: Lifecycle, r: PamRequest, ending: Ending, actorId: string | null): Promise<PamRequest> {
  return lc.run(r, { kind: 'Close', reason: ending.reason, note: ending.note }, actorId);
}

/** Neither ended nor already ending: what an administrator can still end. */
export function isOpen(r: PamRequest): boolean {
  return !isTerminal(r.status) && r.status !== 'Closing';
}

/** Ends every open request of an account, of a role, or of both; returns them as they are now. */
export async function endOpenRequests(
  lc: Lifecycle,
  by: { readonly creatorId?: string; readonly roleId?: string },
  ending: Ending,
  actorId: string | null,
): Promise<PamRequest[]> {
  const out: PamRequest[] = [];
  for (const listed of await lc.tx.requests.listOpen(by)) {
    // As a create does: the person's simultaneous create on another node waits for this to commit.
    await lc.tx.accounts.lockForChange(listed.creatorId);
    // Re-read: an earlier one ended here may have settled this one (an extension it superseded).
    const r = await lc.tx.requests.byId(listed.id);
    if (!r || !isOpen(r)) continue;
    out.push(await endRequest(lc, r, ending, actorId));
  }
  return out;
}
