import { type Kysely, sql } from 'kysely';
import type { Approval, ApprovalStatus, Decision, Vote } from '../../../domain/request/approval.js';
import type { ApprovalField, ListQuery } from '../../../ports/filter.js';
import type { ApprovalRepo, ApprovalView, DecisionView } from '../../../ports/store.js';
import { type ColumnMap, applyListQuery } from './filter-sql.js';
import type { ApprovalTable, ApprovalVoteTable, Database } from './schema.js';
import type { SqlTraits } from './sql-traits.js';

const toVote = (v: ApprovalVoteTable): Vote =>
  Object.freeze({ approverId: v.approver_id, at: Number(v.at), decision: v.decision as Decision, comment: v.comment, factor: v.factor, stage: Number(v.stage) });

const toApproval = (r: ApprovalTable, votes: readonly ApprovalVoteTable[]): Approval =>
  Object.freeze({
    id: r.id,
    requestId: r.request_id,
    status: r.status as ApprovalStatus,
    stage: Number(r.stage),
    votes: Object.freeze(votes.map(toVote)),
    decidedBy: r.decided_by,
    decidedAt: r.decided_at === null ? null : Number(r.decided_at),
    comment: r.comment,
  });

export class KyselyApprovalRepo implements ApprovalRepo {
  readonly #columns: ColumnMap<ApprovalField>;

  /** `accountDomain` qualifies requester names as MIM showed them (`PRIV.jen`). */
  constructor(
    private readonly db: Kysely<Database>,
    accountDomain: string,
    private readonly traits: SqlTraits,
  ) {
    this.#columns = {
      roleName: { expr: sql.ref('ro.name') },
      requestorName: { expr: sql`(${accountDomain + '.'} || acc.login)` },
      justification: { expr: sql.ref('rq.justification') },
      requestedTtlSeconds: { expr: sql.ref('rq.requested_ttl_seconds') },
      requestedAt: { expr: sql.ref('rq.requested_at') },
      createdAt: { expr: sql.ref('rq.created_at') },
      requestId: { expr: sql.ref('rq.id') },
      requestorId: { expr: sql.ref('rq.creator_id') },
      approvalId: { expr: sql.ref('ap.id') },
    };
  }

  async byId(id: string): Promise<Approval | undefined> {
    const r = await this.db.selectFrom('approvals').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) return undefined;
    const votes = await this.db.selectFrom('approval_votes').selectAll().where('approval_id', '=', id).orderBy('seq').execute();
    return toApproval(r, votes);
  }

  async addVote(approvalId: string, seq: number, v: Vote): Promise<void> {
    await this.db
      .insertInto('approval_votes')
      .values({ approval_id: approvalId, seq, approver_id: v.approverId, at: v.at, decision: v.decision, comment: v.comment, factor: v.factor, stage: v.stage })
      .execute();
  }

  async insert(a: Approval): Promise<void> {
    await this.db
      .insertInto('approvals')
      .values({ id: a.id, request_id: a.requestId, status: a.status, decided_by: a.decidedBy, decided_at: a.decidedAt, comment: a.comment, stage: a.stage })
      .execute();
  }

  async update(a: Approval): Promise<void> {
    await this.db
      .updateTable('approvals')
      .set({ status: a.status, decided_by: a.decidedBy, decided_at: a.decidedAt, comment: a.comment, stage: a.stage })
      .where('id', '=', a.id)
      .execute();
  }

  async pendingFor(approverId: string, groupIds: readonly string[], q: ListQuery<ApprovalField>): Promise<ApprovalView[]> {
    // The open stage's approvers: by name or group in a role with stages, or role_approvers in a
    // role with the one-stage shorthand. Anyone who already voted on the approval (this stage, or
    // an approval of an earlier one, which bars them from later stages) has nothing left to do.
    const base = this.db
      .selectFrom('approvals as ap')
      .innerJoin('requests as rq', 'rq.id', 'ap.request_id')
      .innerJoin('roles as ro', 'ro.id', 'rq.role_id')
      .innerJoin('accounts as acc', 'acc.id', 'rq.creator_id')
      .where((eb) => eb.or([
        eb.exists(
          eb.selectFrom('role_stage_approvers as sa').select('sa.role_id')
            .whereRef('sa.role_id', '=', 'rq.role_id').whereRef('sa.position', '=', 'ap.stage').where('sa.account_id', '=', approverId),
        ),
        ...(groupIds.length === 0
          ? []
          : [eb.exists(
              eb.selectFrom('role_stage_groups as sg').select('sg.role_id')
                .whereRef('sg.role_id', '=', 'rq.role_id').whereRef('sg.position', '=', 'ap.stage').where('sg.group_id', 'in', [...groupIds]),
            )]),
        eb.and([
          eb.not(eb.exists(eb.selectFrom('role_approval_stages as st').select('st.role_id').whereRef('st.role_id', '=', 'rq.role_id'))),
          eb('ap.stage', '=', 0),
          eb.exists(
            eb.selectFrom('role_approvers as ra').select('ra.role_id').whereRef('ra.role_id', '=', 'rq.role_id').where('ra.account_id', '=', approverId),
          ),
        ]),
      ]))
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom('approval_votes as av').select('av.approval_id').whereRef('av.approval_id', '=', 'ap.id').where('av.approver_id', '=', approverId))),
      )
      .select([
        'ap.id as approvalId',
        'rq.id as requestId',
        'ro.name as roleName',
        'rq.creator_id as requestorId',
        'acc.login as requestorLogin',
        'rq.justification as justification',
        'rq.requested_ttl_seconds as requestedTtlSeconds',
        'rq.requested_at as requestedAt',
        'rq.created_at as createdAt',
      ])
      .where('ap.status', '=', 'Pending')
      .where('rq.status', '=', 'PendingApproval')
      // An approver never sees their own request as something to approve.
      .where('rq.creator_id', '<>', approverId);
    const rows = await applyListQuery(base, q, this.#columns, [
      { expr: sql.ref('rq.created_at'), descending: false },
      { expr: sql.ref('ap.id'), descending: false },
    ], this.traits.textHoldsNul).execute();
    return rows.map((r) => ({
      ...r,
      requestedTtlSeconds: Number(r.requestedTtlSeconds),
      requestedAt: Number(r.requestedAt),
      createdAt: Number(r.createdAt),
    }));
  }

  async decisionsBy(approverId: string, page: { readonly skip: number; readonly limit: number }): Promise<DecisionView[]> {
    const rows = await this.db
      .selectFrom('approval_votes as v')
      .innerJoin('approvals as a', 'a.id', 'v.approval_id')
      .innerJoin('requests as r', 'r.id', 'a.request_id')
      .leftJoin('roles as ro', 'ro.id', 'r.role_id')
      .leftJoin('accounts as c', 'c.id', 'r.creator_id')
      .select([
        'r.id as requestId',
        'ro.name as roleName',
        'c.login as requestorLogin',
        'r.creator_id as creatorId',
        'v.stage as stage',
        'v.decision as decision',
        'v.at as at',
        'v.comment as comment',
        'v.factor as factor',
        'a.status as approvalStatus',
      ])
      .where('v.approver_id', '=', approverId)
      .orderBy('v.at', 'desc')
      .orderBy('v.approval_id', 'desc')
      .orderBy('v.seq', 'desc')
      .limit(page.limit)
      .offset(page.skip)
      .execute();
    return rows.map((r) => ({
      requestId: r.requestId,
      roleName: r.roleName ?? r.requestId,
      requestorLogin: r.requestorLogin ?? r.creatorId,
      stage: Number(r.stage) + 1,
      decision: r.decision,
      at: Number(r.at),
      comment: r.comment,
      factor: r.factor,
      approvalStatus: r.approvalStatus,
    }));
  }
}
