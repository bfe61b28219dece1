import { type Kysely, sql } from 'kysely';
import type { BreakGlassReview } from '../../../domain/request/break-glass.js';
import { type PamRequest, TERMINAL_STATUSES } from '../../../domain/request/request.js';
import type { BreakGlassCounts, BreakGlassRepo } from '../../../ports/store.js';
import { toRequest } from './request-row.js';
import type { Database } from './schema.js';

function toReview(v: Database['break_glass_reviews']): BreakGlassReview {
  const factor = v.factor === 'totp' || v.factor === 'passkey' ? v.factor : null;
  return Object.freeze({ requestId: v.request_id, reviewerId: v.reviewer_id, reviewedAt: Number(v.reviewed_at), comment: v.comment, factor });
}

/** Every query filters on break_glass = 1, which the partial index of migration 0019 holds alone. */
export class KyselyBreakGlassRepo implements BreakGlassRepo {
  constructor(private readonly db: Kysely<Database>) {}

  #uses() {
    // A use: it gave access, or is not over yet (isBreakGlassUse in the domain says the same).
    return this.db
      .selectFrom('requests as r')
      .leftJoin('break_glass_reviews as v', 'v.request_id', 'r.id')
      .where('r.break_glass', '=', 1)
      .where((eb) => eb.or([eb('r.started_at', 'is not', null), eb('r.status', 'not in', [...TERMINAL_STATUSES])]));
  }

  #unreviewed() {
    return this.#uses().where('v.request_id', 'is', null);
  }

  async uses(by: { readonly limit: number }): Promise<{ readonly request: PamRequest; readonly review: BreakGlassReview | undefined }[]> {
    const rows = await this.#uses()
      .selectAll('r')
      .select(['v.reviewer_id as v_reviewer_id', 'v.reviewed_at as v_reviewed_at', 'v.comment as v_comment', 'v.factor as v_factor'])
      .orderBy('r.created_at', 'desc')
      .orderBy('r.id', 'desc')
      .limit(by.limit)
      .execute();
    return rows.map((row) => {
      const { v_reviewer_id, v_reviewed_at, v_comment, v_factor, ...r } = row;
      const review =
        v_reviewer_id === null ? undefined : toReview({ request_id: r.id, reviewer_id: v_reviewer_id, reviewed_at: v_reviewed_at!, comment: v_comment!, factor: v_factor });
      return { request: toRequest(r), review };
    });
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
    return v && toReview(v);
  }

  async addReview(r: BreakGlassReview): Promise<void> {
    await this.db.insertInto('break_glass_reviews').values({ request_id: r.requestId, reviewer_id: r.reviewerId, reviewed_at: r.reviewedAt, comment: r.comment, factor: r.factor }).execute();
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
