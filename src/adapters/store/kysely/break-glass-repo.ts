import { type Kysely, sql } from 'kysely';
import type { BreakGlassReview } from '../../../domain/request/break-glass.js';
import { type PamRequest, TERMINAL_STATUSES } from '../../../domain/request/request.js';
import type { BreakGlassCounts, BreakGlassRepo } from '../../../ports/store.js';
import { toRequest } from './request-row.js';
import type { Database } from './schema.js';

/** Every query filters on break_glass = 1, which the partial index of migration 0019 holds alone. */
export class KyselyBreakGlassRepo implements BreakGlassRepo {
  constructor(private readonly db: Kysely<Database>) {}

  #unreviewed() {
    // A use: it gave access, or is not over yet (isBreakGlassUse in the domain says the same).
    return this.db
      .selectFrom('requests as r')
      .leftJoin('break_glass_reviews as v', 'v.request_id', 'r.id')
      .where('r.break_glass', '=', 1)
      .where('v.request_id', 'is', null)
      .where((eb) => eb.or([eb('r.started_at', 'is not', null), eb('r.status', 'not in', [...TERMINAL_STATUSES])]));
  }

  async unreviewed(by: { readonly creatorId?: string; readonly roleIds?: readonly string[]; readonly limit: number }): Promise<PamRequest[]> {
    if (by.roleIds !== undefined && by.roleIds.length === 0) return [];
    let q = this.#unreviewed().selectAll('r');
    if (by.creatorId !== undefined) q = q.where('r.creator_id', '=', by.creatorId);
    if (by.roleIds !== undefined) q = q.where('r.role_id', 'in', [...by.roleIds]);
    const rows = await q.orderBy('r.created_at', 'desc').orderBy('r.id', 'desc').limit(by.limit).execute();
    return rows.map(toRequest);
  }

  async reviewOf(requestId: string): Promise<BreakGlassReview | undefined> {
    const v = await this.db.selectFrom('break_glass_reviews').selectAll().where('request_id', '=', requestId).executeTakeFirst();
    return v && Object.freeze({ requestId: v.request_id, reviewerId: v.reviewer_id, reviewedAt: Number(v.reviewed_at), comment: v.comment });
  }

  async addReview(r: BreakGlassReview): Promise<void> {
    await this.db.insertInto('break_glass_reviews').values({ request_id: r.requestId, reviewer_id: r.reviewerId, reviewed_at: r.reviewedAt, comment: r.comment }).execute();
  }

  async counts(): Promise<BreakGlassCounts> {
    const a = await this.db
      .selectFrom('requests')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('break_glass', '=', 1)
      .where('started_at', 'is not', null)
      .executeTakeFirstOrThrow();
    const u = await this.#unreviewed().select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return { activations: Number(a.n ?? 0), unreviewed: Number(u.n ?? 0) };
  }
}
