import type { OutboxJob } from '../../ports/store.js';
import type { Caller, Deps } from '../deps.js';
import { requireAdmin } from './require-admin.js';

export interface OutboxView extends OutboxJob {
  readonly group: string;
  readonly directory: string;
  readonly login: string;
}

/** Grants and revokes still waiting for a directory, with why the last attempt failed. */
export async function listOutbox(deps: Deps, caller: Caller, limit = 1000): Promise<OutboxView[]> {
  requireAdmin(caller);
  return deps.store.transaction(async (tx) =>
    Promise.all(
      (await tx.outbox.open(limit)).map(async (j) => {
        const g = await tx.groups.byId(j.groupId);
        const a = await tx.accounts.byId(j.accountId);
        return { ...j, group: g?.name ?? j.groupId, directory: g?.directory ?? '?', login: a?.login ?? j.accountId };
      }),
    ),
  );
}
