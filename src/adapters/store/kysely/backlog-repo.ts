import { type Kysely, sql } from 'kysely';
import type { Instant } from '../../../domain/time.js';
import type { Backlog, BacklogRepo } from '../../../ports/store.js';
import { type Database, MIN_INSTANT } from './schema.js';

const num = (v: unknown): number => Number(v ?? 0);
const instant = (v: unknown): Instant | null => (v === null || v === undefined ? null : Number(v));

/** Three aggregate reads over the indexed queues (outbox open jobs, requests.due_at); no row is loaded. */
export class KyselyBacklogRepo implements BacklogRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async snapshot(now: Instant): Promise<Backlog> {
    const jobs = await this.db
      .selectFrom('outbox')
      .select((eb) => [
        eb.fn.sum<number>(sql`case when kind = 'grant' then 1 else 0 end`).as('grants'),
        eb.fn.sum<number>(sql`case when kind = 'revoke' then 1 else 0 end`).as('revokes'),
        eb.fn.sum<number>(sql`case when attempts > 0 then 1 else 0 end`).as('failing'),
      ])
      .where('done_at', 'is', null)
      .executeTakeFirstOrThrow();
    // A revoke was owed from its request's expiry when that came first, else from when it was
    // written (a close or deactivation).
    const revoke = await this.db
      .selectFrom('outbox as o')
      .innerJoin('requests as r', 'r.id', 'o.request_id')
      .select(
        sql<number | null>`min(case when r.expires_at > ${MIN_INSTANT} and r.expires_at < o.created_at then r.expires_at else o.created_at end)`.as(
          'owed',
        ),
      )
      .where('o.done_at', 'is', null)
      .where('o.kind', '=', 'revoke')
      .executeTakeFirstOrThrow();
    const due = await this.db
      .selectFrom('requests')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.min('due_at').as('oldest'),
        eb.fn.min(sql<number>`case when status = 'Active' then due_at end`).as('expiry'),
      ])
      .where('due_at', 'is not', null)
      .where('due_at', '<=', now)
      .executeTakeFirstOrThrow();
    return {
      openGrants: num(jobs.grants),
      openRevokes: num(jobs.revokes),
      failingJobs: num(jobs.failing),
      oldestUnconfirmedRevokeAt: instant(revoke.owed),
      oldestUnhandledExpiryAt: instant(due.expiry),
      dueRequests: num(due.n),
      oldestDueAt: instant(due.oldest),
    };
  }
}
