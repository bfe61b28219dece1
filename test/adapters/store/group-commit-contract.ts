import assert from 'node:assert/strict';
import { DomainError } from '../../../src/domain/errors.js';
import type { Group } from '../../../src/domain/group/group.js';
import type { Store } from '../../../src/ports/store.js';

/** What both stores' group commit must do, checked the same way on each (sqlite- and postgres-group-commit tests). */

export const group = (name: string): Group => ({ id: `id-${name}`, name, description: null, directory: 'embedded', dn: null, memberAttribute: null, reconcile: 'off' });

/**
 * Five transactions in one group, two of which fail (one throws, one runs a statement the store
 * refuses): each failure is rolled back to its savepoint and fails alone, the others commit, and
 * no neighbour sees a failed one's writes. `rollbacksTo` counts the store's ROLLBACK TO statements.
 */
export async function aFailingMemberFailsAlone(store: Store, committedNames: () => Promise<string[]> | string[], rollbacksTo: () => number): Promise<void> {
  const seen: Record<string, string[]> = {};
  const outcomes = await Promise.allSettled([
    store.transaction((tx) => tx.groups.insert(group('a'))),
    store.transaction(async (tx) => {
      await tx.groups.insert(group('b-thrown'));
      throw new DomainError('RoleNotFound', 'the callback gives up after writing');
    }),
    store.transaction(async (tx) => {
      seen.c = (await tx.groups.list()).map((g) => g.name);
      await tx.groups.insert(group('c'));
    }),
    store.transaction(async (tx) => {
      await tx.groups.insert(group('d-written'));
      await tx.groups.insert({ ...group('a'), id: 'another-id' }); // name taken: the store refuses the statement
    }),
    store.transaction(async (tx) => {
      seen.e = (await tx.groups.list()).map((g) => g.name);
      await tx.groups.insert(group('e'));
    }),
  ]);
  assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
  assert.equal(((outcomes[1] as PromiseRejectedResult).reason as DomainError).code, 'RoleNotFound');
  assert.equal(((outcomes[3] as PromiseRejectedResult).reason as DomainError).code, 'Conflict');
  assert.deepEqual(seen, { c: ['a'], e: ['a', 'c'] }, 'a neighbour never sees a failed transaction’s writes');
  assert.deepEqual(await committedNames(), ['a', 'c', 'e']);
  assert.equal(rollbacksTo(), 2);
}
