import type { Account } from '../../domain/account/account.js';
import { HOLDING } from '../../domain/request/request.js';
import type { Directory } from '../../ports/directory.js';
import type { Deps } from '../deps.js';

export interface Drift {
  readonly group: string;
  readonly login: string;
  /** extra: in the directory without an active grant; missing: granted but not in the directory. */
  readonly kind: 'extra' | 'missing';
  /** What the reconciler did: corrected it (enforce), only reported it, or could not correct it. */
  readonly outcome: 'corrected' | 'reported' | 'failed';
  readonly error?: string;
}

/**
 * Compares the real members of each managed group some role grants (standing groups are left
 * alone) with what Elevate's active grants say, and in enforce mode corrects the difference: standing access that crept in is removed, a lost grant re-added.
 * Members with a grant or revoke still in the outbox are left to it. Every finding is audited.
 */
export async function reconcileGroups(
  deps: Deps,
  directoryFor: (name: string) => Directory | undefined,
  opts: { leaseMs?: number } = {},
): Promise<Drift[]> {
  if (opts.leaseMs !== undefined) {
    // Nodes sharing a store take turns: two reconcilers at once would correct the same drift twice.
    const now = deps.clock.now();
    const leaseMs = opts.leaseMs;
    if (!(await deps.store.transaction((tx) => tx.settings.takeLease('reconcile.lease', now, now + leaseMs)))) return [];
  }
  const groups = await deps.store.transaction(async (tx) => (await tx.groups.list()).filter((g) => g.directory !== 'embedded' && g.reconcile !== 'off'));
  const drift: Drift[] = [];
  for (const group of groups) {
    const dir = directoryFor(group.directory);
    if (!dir) continue;
    const actual = new Set((await dir.members(group)).map((m) => m.toLowerCase()));
    const read = await deps.store.transaction(async (tx) => {
      // A group no role grants is a standing group (an approver or candidate group, say): its
      // members are the directory's to set, and none of them is drift. Read with the grants, so a
      // role that starts granting the group meanwhile is seen here and its strays are still removed.
      const granting = await tx.roles.idsGranting(group.id);
      if (granting.length === 0) return null;
      const accounts = new Map<string, Account>();
      // login -> when its latest grant of this group ends (time-limited directories need it).
      const expected = new Map<string, number | null>();
      for (const roleId of granting) {
        for (const id of await tx.requests.holdersOf(roleId)) {
          const a = await tx.accounts.byId(id);
          if (!a) continue;
          const login = a.login.toLowerCase();
          accounts.set(login, a);
          for (const r of await tx.requests.findByCreatorRole(id, roleId, HOLDING)) {
            const prev = expected.get(login) ?? null;
            expected.set(login, r.expiresAt === null ? prev : Math.max(prev ?? 0, r.expiresAt));
          }
        }
      }
      const inFlight = new Set<string>();
      for (const j of await tx.outbox.open(10_000)) {
        if (j.groupId !== group.id) continue;
        const a = await tx.accounts.byId(j.accountId);
        if (a) inFlight.add(a.login.toLowerCase());
      }
      for (const login of actual) if (!accounts.has(login)) {
        const a = await tx.accounts.byLogin(login);
        if (a) accounts.set(login, a);
      }
      return { expected, inFlight, accounts };
    });
    if (!read) continue;
    const { expected, inFlight, accounts } = read;
    // Additions first: a group that must keep at least one member (groupOfNames) is never emptied on the way.
    const findings: { login: string; kind: Drift['kind'] }[] = [
      ...[...expected.keys()].filter((l) => !actual.has(l) && !inFlight.has(l)).map((login) => ({ login, kind: 'missing' as const })),
      ...[...actual].filter((l) => !expected.has(l) && !inFlight.has(l)).map((login) => ({ login, kind: 'extra' as const })),
    ];
    for (const f of findings) {
      let outcome: Drift['outcome'] = 'reported';
      let error: string | undefined;
      if (group.reconcile === 'enforce') {
        // A member unknown to Elevate is removed by its login; the directory maps it to its entry.
        const account: Account = accounts.get(f.login) ?? { id: '', login: f.login, displayName: f.login, email: null, passwordHash: null, isAdmin: false, disabled: true, lock: null };
        try {
          if (f.kind === 'extra') await dir.removeMember(group, account);
          else await dir.addMember(group, account, expected.get(f.login) ?? null);
          outcome = 'corrected';
        } catch (e) {
          outcome = 'failed';
          error = e instanceof Error ? e.message : String(e);
        }
      }
      drift.push({ group: group.name, login: f.login, kind: f.kind, outcome, ...(error !== undefined && { error }) });
      await deps.store.transaction((tx) =>
        tx.audit.append({
          at: deps.clock.now(),
          actorId: null,
          action: `reconcile.${f.kind}.${outcome}` as const,
          targetType: 'membership',
          targetId: `${group.name}/${f.login}`,
          requestId: null,
          before: { member: f.kind === 'extra' },
          after: { member: outcome === 'corrected' ? f.kind === 'missing' : f.kind === 'extra', mode: group.reconcile, ...(error && { error }) },
        }),
      );
    }
  }
  return drift;
}
