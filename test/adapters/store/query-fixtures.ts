import type { PamRequest } from '../../../src/domain/request/request.js';
import type { Store } from '../../../src/ports/store.js';

/** The same small history for the SQL plan tests of every store: 40 requests of jen and ann. */
export const T0 = Date.UTC(2026, 0, 1);
export const DAY = 86_400_000;

export function request(i: number, creator: string, status: PamRequest['status']): PamRequest {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    creatorId: creator,
    roleId: 'role-1',
    displayName: 'R elevation',
    justification: i % 3 === 0 ? null : `reason ${i}`,
    breakGlass: false,
    ticketId: null,
    creationMethod: 'test',
    createdAt: T0 + i * DAY,
    requestedTtlSeconds: 3600,
    requestedAt: T0 + i * DAY,
    status,
    startedAt: status === 'Active' ? T0 + i * DAY : null,
    expiresAt: status === 'Active' ? T0 + i * DAY + 3600_000 : null,
    pendingUntil: null,
    endReason: null,
    endedAt: null,
    endNote: null,
    approvalId: null,
    version: 1,
  };
}

export async function seedHistory(store: Store): Promise<void> {
  await store.transaction(async (tx) => {
    for (const login of ['jen', 'ann']) {
      await tx.accounts.insert({ id: login, login, displayName: login, email: null, passwordHash: null, isAdmin: false, disabled: false, lock: null });
    }
    await tx.roles.insert({
      id: 'role-1', name: 'R', description: null, ttlSeconds: 3600, mfaRequired: false, approvalRequired: false, approverMfaRequired: false,
    breakGlass: false,
      justificationRequired: false, justificationMinLength: 0, ticketPattern: null,
      window: null, groupIds: [], candidateIds: ['jen', 'ann'], approverIds: [], stages: [],
    });
    for (let i = 0; i < 40; i++) await tx.requests.insert(request(i, i % 2 ? 'jen' : 'ann', i % 5 ? 'Expired' : 'Active'));
  });
}
