import { type Kysely, sql } from 'kysely';
import { DomainError } from '../../../domain/errors.js';
import { nextTimedEvent } from '../../../domain/request/next-timed-event.js';
import { HOLDING, type PamRequest, type RequestStatus } from '../../../domain/request/request.js';
import type { Instant } from '../../../domain/time.js';
import type { ListQuery, RequestField } from '../../../ports/filter.js';
import type { GroupAccount, HoldingRow, NamePageQuery, RequestRepo, RequestWrite, RowsPage } from '../../../ports/store.js';
import { containsPattern, likes, slicePage } from './name-like.js';
import { chunks } from './chunks.js';
import { JSON_ROWS_PER_STATEMENT, groupAccountRows } from './json-rows.js';
import { type ColumnMap, applyListQuery } from './filter-sql.js';
import { n, toRequest } from './request-row.js';
import { type Database, MIN_INSTANT, type RequestTable } from './schema.js';
import type { SqlTraits } from './sql-traits.js';

const COLUMNS: ColumnMap<RequestField> = {
  id: { expr: sql.ref('id') },
  creatorId: { expr: sql.ref('creator_id') },
  justification: { expr: sql.ref('justification') },
  displayName: { expr: sql.ref('display_name') },
  createdAt: { expr: sql.ref('created_at') },
  creationMethod: { expr: sql.ref('creation_method') },
  expiresAt: { expr: sql.ref('expires_at') },
  roleId: { expr: sql.ref('role_id') },
  requestedTtlSeconds: { expr: sql.ref('requested_ttl_seconds') },
  requestedAt: { expr: sql.ref('requested_at') },
  status: { expr: sql.ref('status') },
};

/** Statuses an administrator's revoke can still end: everything neither ended nor already ending. */
const OPEN: readonly RequestStatus[] = ['PendingMFA', 'PendingApproval', 'Scheduled', 'Processing', 'Active'];
/** The open statuses before access: the partial index requests_waiting (migration 0025) holds exactly these. */
export const WAITING: readonly RequestStatus[] = ['PendingMFA', 'PendingApproval', 'Scheduled'];


/**
 * Each column's SQL type, for the rows of a bulk update: PostgreSQL types bare parameters in a
 * VALUES list as text, so each is cast to its column's type (a no-op in SQLite).
 */
const COLUMN_TYPES: Readonly<Record<keyof RequestTable, 'text' | 'bigint' | 'integer'>> = {
  id: 'text',
  creator_id: 'text',
  role_id: 'text',
  display_name: 'text',
  justification: 'text',
  creation_method: 'text',
  created_at: 'bigint',
  requested_ttl_seconds: 'bigint',
  requested_at: 'bigint',
  status: 'text',
  started_at: 'bigint',
  expires_at: 'bigint',
  pending_until: 'bigint',
  end_reason: 'text',
  ended_at: 'bigint',
  end_note: 'text',
  ticket_id: 'text',
  break_glass: 'integer',
  auto_approved_by: 'text',
  approval_id: 'text',
  version: 'integer',
  due_at: 'bigint',
};
const SET_COLUMNS = (Object.keys(COLUMN_TYPES) as (keyof RequestTable)[]).filter((c) => c !== 'id');

const toRow = (r: PamRequest): RequestTable => ({
  id: r.id,
  creator_id: r.creatorId,
  role_id: r.roleId,
  display_name: r.displayName,
  justification: r.justification,
  creation_method: r.creationMethod,
  created_at: r.createdAt,
  requested_ttl_seconds: r.requestedTtlSeconds,
  requested_at: r.requestedAt,
  status: r.status,
  started_at: r.startedAt,
  expires_at: r.expiresAt ?? MIN_INSTANT,
  pending_until: r.pendingUntil,
  end_reason: r.endReason,
  ended_at: r.endedAt,
  end_note: r.endNote,
  ticket_id: r.ticketId,
  break_glass: r.breakGlass ? 1 : 0,
  auto_approved_by: r.autoApprovedBy ?? null,
  approval_id: r.approvalId,
  version: r.version,
  // The instant the scheduler claims the request at (claimDue): when time alone next moves it.
  due_at: nextTimedEvent(r)?.at ?? null,
});

export class KyselyRequestRepo implements RequestRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: SqlTraits,
  ) {}

  async byId(id: string): Promise<PamRequest | undefined> {
    const r = await this.db.selectFrom('requests').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toRequest(r);
  }

  async insert(r: PamRequest): Promise<void> {
    await this.db.insertInto('requests').values(toRow(r)).execute();
  }

  async update(r: PamRequest, fromVersion: number = r.version - 1): Promise<void> {
    const { id, ...rest } = toRow(r);
    const res = await this.db
      .updateTable('requests')
      .set(rest)
      .where('id', '=', id)
      .where('version', '=', fromVersion)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) {
      const now = await this.byId(id);
      throw new DomainError('Conflict', `The request changed while this action was being applied; it is now ${now?.status ?? 'gone'}.`, {
        status: now?.status,
      });
    }
  }

  async updateMany(writes: readonly RequestWrite[]): Promise<void> {
    // One statement per slice, its rows bound as one JSON parameter (json-rows.ts) and joined to
    // the table by id, each written only where the stored version is still the one its new state
    // was computed from. Only columns some write changes are set: an assigned indexed column costs
    // its index an update even when its value stays the same.
    for (const part of chunks(writes, JSON_ROWS_PER_STATEMENT)) {
      const rows = part.map((w) => ({ before: toRow(w.before), after: toRow(w.after), fromVersion: w.before.version }));
      const changed = SET_COLUMNS.filter((c) => rows.some((r) => r.before[c] !== r.after[c]));
      const columns = [...changed.map((c) => ({ name: c, type: COLUMN_TYPES[c] })), { name: 'row_id', type: 'text' as const }, { name: 'from_version', type: 'integer' as const }];
      const cells = rows.map((r) => [...changed.map((c) => r.after[c]), r.after.id, r.fromVersion]);
      const res = await sql`
        update requests set ${sql.join(changed.map((c) => sql`${sql.ref(c)} = v.${sql.ref(c)}`))}
        from ${this.traits.jsonRows(cells, columns)} as v
        where requests.id = v.row_id and requests.version = v.from_version`.execute(this.db);
      if (Number(res.numAffectedRows ?? 0) !== part.length) await this.#conflictAmong(part);
    }
  }

  /** Throws the Conflict `update` would have thrown for the first write whose version moved on. */
  async #conflictAmong(writes: readonly RequestWrite[]): Promise<never> {
    const stored = new Map(
      (await this.db.selectFrom('requests').select(['id', 'version', 'status']).where('id', 'in', writes.map((w) => w.before.id)).execute()).map((r) => [r.id, r]),
    );
    const moved = writes.find((w) => stored.get(w.before.id)?.version !== w.before.version) ?? writes[0]!;
    const now = stored.get(moved.before.id);
    throw new DomainError('Conflict', `The request changed while this action was being applied; it is now ${now?.status ?? 'gone'}.`, {
      status: now?.status,
    });
  }

  async listByCreator(creatorId: string, q: ListQuery<RequestField>): Promise<PamRequest[]> {
    const base = this.db.selectFrom('requests').selectAll().where('creator_id', '=', creatorId);
    const rows = await applyListQuery(base, q, COLUMNS, [
      { expr: sql.ref('created_at'), descending: false },
      { expr: sql.ref('id'), descending: false },
    ], this.traits.textHoldsNul).execute();
    return rows.map(toRequest);
  }

  async findByCreatorRole(creatorId: string, roleId: string, statuses: readonly RequestStatus[]): Promise<PamRequest[]> {
    if (statuses.length === 0) return [];
    const rows = await this.db
      .selectFrom('requests')
      .selectAll()
      .where('creator_id', '=', creatorId)
      .where('role_id', '=', roleId)
      // Literals, so a planner can match the partial index requests_holding (migration 0016) when
      // the statuses are the held ones; statuses is a closed union, never client text.
      .where('status', 'in', statuses.map((s) => sql.lit(s)))
      .execute();
    // Sorted here, not in SQL: an ORDER BY created_at tempts the planner into the creator's whole
    // history by (creator_id, created_at) instead of the index by role and creator.
    return rows.map(toRequest).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }

  async recentCreations(creatorId: string, since: Instant, limit: number): Promise<Instant[]> {
    const rows = await this.db
      .selectFrom('requests')
      .select('created_at')
      .where('creator_id', '=', creatorId)
      .where('created_at', '>', since)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => Number(r.created_at) as Instant);
  }

  async claimDue(now: Instant, limit: number): Promise<PamRequest[]> {
    const q = this.#dueQuery(now, limit);
    return (await (this.traits.sharedByNodes ? q.forUpdate().skipLocked() : q).execute()).map(toRequest);
  }

  #dueQuery(now: Instant, limit: number) {
    return this.db
      .selectFrom('requests')
      .selectAll()
      .where('due_at', 'is not', null)
      .where('due_at', '<=', now)
      .orderBy('due_at')
      .limit(limit);
  }

  async nextDueAt(): Promise<Instant | null> {
    const r = await this.db
      .selectFrom('requests')
      .select('due_at')
      .where('due_at', 'is not', null)
      .orderBy('due_at')
      .limit(1)
      .executeTakeFirst();
    return r ? n(r.due_at) : null;
  }

  async existsForRole(roleId: string): Promise<boolean> {
    const r = await this.db.selectFrom('requests').select('id').where('role_id', '=', roleId).limit(1).executeTakeFirst();
    return r !== undefined;
  }

  async holdersOf(roleId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('requests')
      .select('creator_id')
      .distinct()
      .where('role_id', '=', roleId)
      // Literals, as in the partial index requests_holding (migration 0016), so a planner uses it.
      .where('status', 'in', HOLDING.map((s) => sql.lit(s)))
      .execute();
    return rows.map((r) => r.creator_id);
  }

  async isGroupHeldBy(groupId: string, accountId: string, exceptRequestId: string): Promise<boolean> {
    // The roles granting the group first, each probed in requests_holding by role and account. A
    // CROSS JOIN is how SQLite is told the order (PostgreSQL plans it as any join): left to choose,
    // SQLite walked the person's whole history by creator (test/adapters/store/sqlite-queries).
    const r = await this.db
      .selectFrom('role_groups as rg')
      .crossJoin('requests')
      .select('requests.id')
      .whereRef('requests.role_id', '=', 'rg.role_id')
      .where('rg.group_id', '=', groupId)
      .where('requests.creator_id', '=', accountId)
      .where('requests.status', 'in', HOLDING.map((s) => sql.lit(s)))
      .where('requests.id', '<>', exceptRequestId)
      .limit(1)
      .executeTakeFirst();
    return r !== undefined;
  }

  async heldGroups(pairs: readonly GroupAccount[]): Promise<GroupAccount[]> {
    const held: GroupAccount[] = [];
    // Each pair asked about, as one JSON parameter: per pair, the roles granting the group
    // (role_groups by group), each probed in the partial index requests_holding (migration 0016)
    // by role and account; nobody's history is read.
    for (const part of chunks(pairs, JSON_ROWS_PER_STATEMENT)) {
      const { rows } = await sql<{ group_id: string; account_id: string }>`
        select distinct p.group_id, p.account_id from ${groupAccountRows(this.traits.jsonRows, part)} as p
        where exists (
          -- CROSS JOIN fixes the order for SQLite, as in isGroupHeldBy; PostgreSQL plans it freely.
          select 1 from role_groups rg cross join requests r
          where rg.group_id = p.group_id and r.role_id = rg.role_id and r.creator_id = p.account_id
            -- Literals, as in the partial index: a planner uses it only where it can prove this implies its condition.
            and r.status in (${sql.join(HOLDING.map((s) => sql.lit(s)))}))`.execute(this.db);
      for (const r of rows) held.push({ groupId: r.group_id, accountId: r.account_id });
    }
    return held;
  }

  async holdingsPage(q: NamePageQuery): Promise<RowsPage<HoldingRow>> {
    let base = this.db
      .selectFrom('requests as r')
      .innerJoin('roles as ro', 'ro.id', 'r.role_id')
      .leftJoin('accounts as a', 'a.id', 'r.creator_id')
      // Literals, as in the partial index requests_holding, so a planner reads only held rows.
      .where('r.status', 'in', HOLDING.map((s) => sql.lit(s)));
    if (q.search !== null) {
      const p = containsPattern(q.search);
      base = base.where((eb) => eb.or([likes(eb.fn('lower', ['ro.name']), p), likes(eb.ref('a.login_key'), p), likes(eb.fn('lower', ['a.display_name']), p)]));
    }
    const counted = await base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    const rows = await slicePage(
      base
        .select(['r.id', 'r.status', 'r.started_at', 'r.expires_at', 'r.role_id', 'ro.name as role_name', 'r.creator_id', 'a.login', 'a.display_name'])
        // Role name any case first, then login, then the request: a total order, so pages are stable.
        .orderBy((eb) => eb.fn('lower', ['ro.name']))
        .orderBy('ro.name')
        .orderBy('a.login_key')
        .orderBy('r.id'),
      q,
    ).execute();
    return {
      total: Number(counted.n),
      rows: rows.map((r) => ({
        requestId: r.id,
        status: r.status as RequestStatus,
        startedAt: r.started_at === null ? null : Number(r.started_at),
        expiresAt: Number(r.expires_at) === MIN_INSTANT ? null : Number(r.expires_at),
        roleId: r.role_id,
        roleName: r.role_name,
        accountId: r.creator_id,
        login: r.login,
        displayName: r.display_name,
      })),
    };
  }

  async countOpenByStatus(): Promise<Partial<Record<RequestStatus, number>>> {
    // Two counts, each over a partial index that holds exactly its statuses (literals, so SQLite's
    // planner can match them): requests_holding (0016) and requests_waiting (0025). Neither loads a row.
    const count = (statuses: readonly RequestStatus[]) =>
      this.db
        .selectFrom('requests')
        .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('status', 'in', statuses.map((s) => sql.lit(s)))
        .groupBy('status')
        .execute();
    const rows = [...(await count(HOLDING)), ...(await count(WAITING))];
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  async listOpen(by: { readonly creatorId?: string; readonly roleId?: string }): Promise<PamRequest[]> {
    let q = this.db.selectFrom('requests').selectAll().where('status', 'in', OPEN);
    if (by.creatorId !== undefined) q = q.where('creator_id', '=', by.creatorId);
    if (by.roleId !== undefined) q = q.where('role_id', '=', by.roleId);
    return (await q.execute()).map(toRequest).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }
}
