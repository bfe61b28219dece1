import { type Kysely, type Selectable, sql } from 'kysely';
import type { Instant } from '../../../domain/time.js';
import type { OutboxJob, OutboxRepo } from '../../../ports/store.js';
import { toRetryState } from './retry-row.js';
import type { Database, OutboxTable } from './schema.js';
import type { SqlTraits } from './sql-traits.js';

const toJob = (r: Selectable<OutboxTable>): OutboxJob =>
  Object.freeze({
    id: Number(r.id),
    requestId: r.request_id,
    kind: r.kind as OutboxJob['kind'],
    groupId: r.group_id,
    accountId: r.account_id,
    ...toRetryState(r),
  });

export class KyselyOutboxRepo implements OutboxRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: SqlTraits,
  ) {}

  async enqueue(j: Pick<OutboxJob, 'requestId' | 'kind' | 'groupId' | 'accountId' | 'createdAt'>): Promise<void> {
    await this.db
      .insertInto('outbox')
      .values({
        request_id: j.requestId,
        kind: j.kind,
        group_id: j.groupId,
        account_id: j.accountId,
        created_at: j.createdAt,
        attempts: 0,
        next_attempt_at: j.createdAt,
        last_error: null,
        done_at: null,
        claimed_until: null,
      })
      .execute();
  }

  async claim(now: Instant, until: Instant, limit: number): Promise<OutboxJob[]> {
    const due = this.#dueQuery(now, limit);
    const rows = await (
      this.traits.sharedByNodes
        ? due.where((eb) => eb.or([eb('o.claimed_until', 'is', null), eb('o.claimed_until', '<=', now)])).forUpdate().skipLocked()
        : due
    ).execute();
    if (rows.length === 0) return [];
    await this.db
      .updateTable('outbox')
      .set({ claimed_until: until })
      .where('id', 'in', rows.map((r) => r.id))
      .execute();
    return rows.map((r) => toJob({ ...r, claimed_until: until }));
  }

  #dueQuery(now: Instant, limit: number) {
    return this.db
      .selectFrom('outbox as o')
      .selectAll('o')
      .where('o.done_at', 'is', null)
      .where('o.next_attempt_at', '<=', now)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('outbox as e')
              .select(sql`1`.as('x'))
              .whereRef('e.group_id', '=', 'o.group_id')
              .whereRef('e.account_id', '=', 'o.account_id')
              .where('e.done_at', 'is', null)
              .whereRef('e.id', '<', 'o.id'),
          ),
        ),
      )
      .orderBy('o.id')
      .limit(limit);
  }

  async markDone(id: number, at: Instant): Promise<boolean> {
    const r = await this.db
      .updateTable('outbox')
      .set({ done_at: at, last_error: null, claimed_until: null })
      .where('id', '=', id)
      .where('done_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async markFailed(id: number, attempts: number, nextAttemptAt: Instant, error: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ attempts, next_attempt_at: nextAttemptAt, last_error: error.slice(0, 2000), claimed_until: null })
      .where('id', '=', id)
      .execute();
  }

  async openFor(requestId: string, kind: OutboxJob['kind']): Promise<number> {
    const r = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('request_id', '=', requestId)
      .where('kind', '=', kind)
      .where('done_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async openForGroup(groupId: string): Promise<number> {
    const r = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('group_id', '=', groupId)
      .where('done_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async open(limit: number): Promise<OutboxJob[]> {
    const rows = await this.db.selectFrom('outbox').selectAll().where('done_at', 'is', null).orderBy('id').limit(limit).execute();
    return rows.map(toJob);
  }

  async nextAttemptAt(): Promise<Instant | null> {
    const r = await this.db
      .selectFrom('outbox')
      .select('next_attempt_at')
      .where('done_at', 'is', null)
      .orderBy('next_attempt_at')
      .limit(1)
      .executeTakeFirst();
    return r ? Number(r.next_attempt_at) : null;
  }
}
