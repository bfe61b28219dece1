import type { StoredAuditEntry } from '../../domain/audit/audit-entry.js';
import { currentActionName } from '../../domain/audit/actions.js';
import type { StoreTx } from '../../ports/store.js';

/** An audit entry as an administrator reads it: who and what by name, the action under today's name. */
export interface NamedAuditEntry extends StoredAuditEntry {
  /** Today's name of the action (the stored `action` keeps an older spelling, which the hash chain covers). */
  readonly actionName: string;
  /** The actor's login, 'system' for the scheduler, or the id when the account is gone. */
  readonly actorName: string;
  /** The target's name: a login, role or group name, "role for login" for a request; else the id. */
  readonly targetName: string;
}

/**
 * Names beside the ids, looked up once per distinct id. Ids stay in the entry (the hash chain covers
 * them, and tools filter by them); names are only what they are now, so a renamed role shows its new name.
 */
export async function nameAuditEntries(tx: StoreTx, entries: readonly StoredAuditEntry[]): Promise<NamedAuditEntry[]> {
  const cache = new Map<string, Promise<string>>();
  const once = (key: string, look: () => Promise<string>) => {
    let p = cache.get(key);
    if (p === undefined) cache.set(key, (p = look()));
    return p;
  };
  const login = (id: string) => once(`a:${id}`, async () => (await tx.accounts.byId(id))?.login ?? id);
  const target = (e: StoredAuditEntry): Promise<string> => {
    switch (e.targetType) {
      case 'account':
      case 'session':
        return login(e.targetId);
      case 'role':
        return once(`r:${e.targetId}`, async () => (await tx.roles.byId(e.targetId))?.name ?? e.targetId);
      case 'group':
        return once(`g:${e.targetId}`, async () => (await tx.groups.byId(e.targetId))?.name ?? e.targetId);
      case 'request':
      case 'approval':
        return e.requestId === null ? Promise.resolve(e.targetId) : requestName(e.requestId);
      default:
        return Promise.resolve(e.targetId); // memberships are recorded as "group/login" already
    }
  };
  const requestName = (id: string) =>
    once(`q:${id}`, async () => {
      const r = await tx.requests.byId(id);
      if (r === undefined) return id;
      const [role, who] = await Promise.all([tx.roles.byId(r.roleId), login(r.creatorId)]);
      return `${role?.name ?? r.displayName} for ${who}`;
    });
  const out: NamedAuditEntry[] = [];
  for (const e of entries) {
    out.push({ ...e, actionName: currentActionName(e.action), actorName: e.actorId === null ? 'system' : await login(e.actorId), targetName: await target(e) });
  }
  return out;
}
