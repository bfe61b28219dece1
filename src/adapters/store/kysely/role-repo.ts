import { type Kysely, type Selectable, sql } from 'kysely';
import type { ApprovalStage } from '../../../domain/role/approval-stage.js';
import type { Role, RoleSummary } from '../../../domain/role/role.js';
import { EMPTY_QUERY, type ListQuery, type RoleField } from '../../../ports/filter.js';
import type { NamePageQuery, RoleRepo, RoleWithGroups, RowsPage } from '../../../ports/store.js';
import { containsPattern, likes, slicePage } from './name-like.js';
import { MAX_BOUND, chunks } from './chunks.js';
import { CompiledOnce } from './compiled-once.js';
import { type ColumnMap, applyListQuery, boolColumn, isPlain } from './filter-sql.js';
import type { Database, RoleTable } from './schema.js';
import type { SqlTraits } from './sql-traits.js';
import { rulesFromJson, rulesToJson } from './role-rules-json.js';

const COLUMNS: ColumnMap<RoleField> = {
  id: { expr: sql.ref('roles.id') },
  name: { expr: sql.ref('roles.name') },
  description: { expr: sql.ref('roles.description') },
  ttlSeconds: { expr: sql.ref('roles.ttl_seconds') },
  windowFrom: { expr: sql.ref('roles.window_from') },
  windowTo: { expr: sql.ref('roles.window_to') },
  mfaRequired: boolColumn(sql.ref('roles.mfa_required')),
  approvalRequired: boolColumn(sql.ref('roles.approval_required')),
  windowEnabled: boolColumn(sql.ref('roles.window_enabled')),
};

const forCandidate = (db: Kysely<Database>, accountId: string) =>
  db.selectFrom('roles').innerJoin('role_candidates as c', 'c.role_id', 'roles.id').selectAll('roles').where('c.account_id', '=', accountId);
/** Named, or through one of `groupIds` (the caller's candidate groups, read from their directories). */
const forCandidateOrGroups = (db: Kysely<Database>, accountId: string, groupIds: readonly string[]) =>
  db
    .selectFrom('roles')
    .selectAll('roles')
    .where((eb) =>
      eb.or([
        eb('roles.id', 'in', eb.selectFrom('role_candidates').select('role_id').where('account_id', '=', accountId)),
        eb('roles.id', 'in', eb.selectFrom('role_candidate_groups').select('role_id').where('group_id', 'in', [...groupIds])),
      ]),
    );
const FOR_CANDIDATE_ORDER = [
  { expr: sql.ref('roles.name'), descending: false },
  { expr: sql.ref('roles.id'), descending: false },
];
const PLAIN_FOR_CANDIDATE = new CompiledOnce((db, accountId) => applyListQuery(forCandidate(db, accountId!), EMPTY_QUERY, COLUMNS, FOR_CANDIDATE_ORDER));

export class KyselyRoleRepo implements RoleRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: SqlTraits,
  ) {}

  async byId(id: string): Promise<Role | undefined> {
    const r = await this.db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
    return r && (await this.#hydrate([r]))[0];
  }

  async byName(name: string): Promise<Role | undefined> {
    const r = await this.db.selectFrom('roles').selectAll().where('name', '=', name).executeTakeFirst();
    return r && (await this.#hydrate([r]))[0];
  }

  async list(): Promise<Role[]> {
    return this.#hydrate(await this.db.selectFrom('roles').selectAll().orderBy('name').execute());
  }

  async page(q: NamePageQuery): Promise<RowsPage<Role>> {
    const p = q.search === null ? null : containsPattern(q.search);
    const base = this.db
      .selectFrom('roles')
      .$if(p !== null, (qb) => qb.where((eb) => eb.or([likes(eb.fn('lower', ['name']), p!), likes(eb.fn('lower', ['description']), p!)])));
    const counted = await base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    // Only the page's roles are hydrated (groups, candidates, approvers, stages).
    const rows = await slicePage(base.selectAll().orderBy('name'), q).execute();
    return { rows: await this.#hydrate(rows), total: Number(counted.n) };
  }

  async listForCandidate(accountId: string, q: ListQuery<RoleField>, viaGroups: readonly string[] = []): Promise<RoleSummary[]> {
    if (viaGroups.length > 0) {
      const rows = await applyListQuery(forCandidateOrGroups(this.db, accountId, viaGroups), q, COLUMNS, FOR_CANDIDATE_ORDER, this.traits.textHoldsNul).execute();
      return rows.map(toSummary);
    }
    // The plain listing (no $filter, $orderby, $top, $skip) is most calls: its SQL never changes.
    if (isPlain(q)) return (await PLAIN_FOR_CANDIDATE.execute(this.db, accountId)).map(toSummary);
    const rows = await applyListQuery(forCandidate(this.db, accountId), q, COLUMNS, FOR_CANDIDATE_ORDER, this.traits.textHoldsNul).execute();
    return rows.map(toSummary);
  }

  async withGroups(ids: readonly string[]): Promise<RoleWithGroups[]> {
    const out: RoleWithGroups[] = [];
    for (const part of chunks([...new Set(ids)], MAX_BOUND)) {
      const [rows, links] = await Promise.all([
        this.db.selectFrom('roles').selectAll().where('id', 'in', part).execute(),
        this.db.selectFrom('role_groups').select(['role_id', 'group_id as v']).where('role_id', 'in', part).execute(),
      ]);
      const groups = byRole(links);
      for (const r of rows) out.push(Object.freeze({ ...toSummary(r), groupIds: groups.get(r.id) ?? [] }));
    }
    return out;
  }

  async approverGroupIds(): Promise<string[]> {
    const rows = await this.db.selectFrom('role_stage_groups').select('group_id').distinct().orderBy('group_id').execute();
    return rows.map((r) => r.group_id);
  }

  async candidateGroupIds(): Promise<string[]> {
    const rows = await this.db.selectFrom('role_candidate_groups').select('group_id').distinct().orderBy('group_id').execute();
    return rows.map((r) => r.group_id);
  }

  async idsGranting(groupId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('role_groups').select('role_id').where('group_id', '=', groupId).execute();
    return rows.map((r) => r.role_id);
  }

  async insert(r: Role): Promise<void> {
    await this.db.insertInto('roles').values(toRow(r)).execute();
    await this.#writeLinks(r);
  }

  async update(r: Role): Promise<void> {
    const { id, ...rest } = toRow(r);
    await this.db.updateTable('roles').set(rest).where('id', '=', id).execute();
    await this.db.deleteFrom('role_groups').where('role_id', '=', id).execute();
    await this.db.deleteFrom('role_candidates').where('role_id', '=', id).execute();
    await this.db.deleteFrom('role_candidate_groups').where('role_id', '=', id).execute();
    await this.db.deleteFrom('role_approvers').where('role_id', '=', id).execute();
    await this.db.deleteFrom('role_stage_approvers').where('role_id', '=', id).execute();
    await this.db.deleteFrom('role_stage_groups').where('role_id', '=', id).execute();
    await this.db.deleteFrom('role_approval_stages').where('role_id', '=', id).execute();
    await this.#writeLinks(r);
  }

  async remove(id: string): Promise<void> {
    await this.db.deleteFrom('roles').where('id', '=', id).execute();
  }

  async #writeLinks(r: Role): Promise<void> {
    if (r.groupIds.length) {
      await this.db.insertInto('role_groups').values(r.groupIds.map((g) => ({ role_id: r.id, group_id: g }))).execute();
    }
    if (r.candidateIds.length) {
      await this.db.insertInto('role_candidates').values(r.candidateIds.map((a) => ({ role_id: r.id, account_id: a }))).execute();
    }
    if (r.candidateGroupIds?.length) {
      await this.db.insertInto('role_candidate_groups').values(r.candidateGroupIds.map((g) => ({ role_id: r.id, group_id: g }))).execute();
    }
    if (r.approverIds.length) {
      await this.db.insertInto('role_approvers').values(r.approverIds.map((a) => ({ role_id: r.id, account_id: a }))).execute();
    }
    if (r.stages.length) {
      await this.db.insertInto('role_approval_stages').values(r.stages.map((s, position) => ({ role_id: r.id, position, required: s.required }))).execute();
      const people = r.stages.flatMap((s, position) => s.approverIds.map((account_id) => ({ role_id: r.id, position, account_id })));
      if (people.length) await this.db.insertInto('role_stage_approvers').values(people).execute();
      const groups = r.stages.flatMap((s, position) => s.approverGroupIds.map((group_id) => ({ role_id: r.id, position, group_id })));
      if (groups.length) await this.db.insertInto('role_stage_groups').values(groups).execute();
    }
  }

  /** Loads the link tables for many roles in a fixed number of queries rather than a few per role. */
  async #hydrate(rows: Selectable<RoleTable>[]): Promise<Role[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [groups, candidates, candidateGroups, approvers, stages, stagePeople, stageGroups] = await Promise.all([
      this.db.selectFrom('role_groups').select(['role_id', 'group_id as v']).where('role_id', 'in', ids).execute(),
      this.db.selectFrom('role_candidates').select(['role_id', 'account_id as v']).where('role_id', 'in', ids).execute(),
      this.db.selectFrom('role_candidate_groups').select(['role_id', 'group_id as v']).where('role_id', 'in', ids).execute(),
      this.db.selectFrom('role_approvers').select(['role_id', 'account_id as v']).where('role_id', 'in', ids).execute(),
      this.db.selectFrom('role_approval_stages').selectAll().where('role_id', 'in', ids).orderBy('role_id').orderBy('position').execute(),
      this.db.selectFrom('role_stage_approvers').select(['role_id', 'position', 'account_id as v']).where('role_id', 'in', ids).execute(),
      this.db.selectFrom('role_stage_groups').select(['role_id', 'position', 'group_id as v']).where('role_id', 'in', ids).execute(),
    ]);
    const g = byRole(groups), c = byRole(candidates), cg = byRole(candidateGroups), a = byRole(approvers);
    const sp = byRole(stagePeople.map((l) => ({ role_id: `${l.role_id}/${l.position}`, v: l.v })));
    const sg = byRole(stageGroups.map((l) => ({ role_id: `${l.role_id}/${l.position}`, v: l.v })));
    const st = new Map<string, ApprovalStage[]>();
    for (const s of stages) {
      const key = `${s.role_id}/${s.position}`;
      (st.get(s.role_id) ?? st.set(s.role_id, []).get(s.role_id)!).push(
        Object.freeze({ approverIds: sp.get(key) ?? [], approverGroupIds: sg.get(key) ?? [], required: Number(s.required) }),
      );
    }
    return rows.map((r) =>
      Object.freeze({
        ...toSummary(r),
        groupIds: g.get(r.id) ?? [],
        candidateIds: c.get(r.id) ?? [],
        candidateGroupIds: cg.get(r.id) ?? [],
        approverIds: a.get(r.id) ?? [],
        stages: st.get(r.id) ?? [],
      }),
    );
  }
}

/** Link rows gathered per role, each list sorted. */
function byRole(links: readonly { role_id: string; v: string }[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const l of links) (m.get(l.role_id) ?? m.set(l.role_id, []).get(l.role_id)!).push(l.v);
  for (const list of m.values()) list.sort();
  return m;
}

function toSummary(r: Selectable<RoleTable>): RoleSummary {
  return Object.freeze({
    id: r.id,
    name: r.name,
    description: r.description,
    ttlSeconds: Number(r.ttl_seconds),
    mfaRequired: r.mfa_required === 1,
    approvalRequired: r.approval_required === 1,
    approverMfaRequired: r.approver_mfa_required === 1,
    justificationRequired: r.justification_required === 1,
    justificationMinLength: Number(r.justification_min_length),
    ticketPattern: r.ticket_pattern,
    breakGlass: Number(r.break_glass) === 1,
    window: r.window_enabled === 1 ? { from: r.window_from, to: r.window_to, timeZone: r.window_time_zone } : null,
    notify: Object.freeze({
      expiryWarningMinutes: r.notify_expiry_warning_minutes === null ? null : Number(r.notify_expiry_warning_minutes),
      slackChannel: r.notify_slack_channel,
      teamsChannel: r.notify_teams_channel,
    }),
    // Only when it has rules: absent means none, so roles without rules read as they always did.
    ...(r.auto_approve !== null && { autoApprove: rulesFromJson(r.auto_approve) }),
  });
}

function toRow(r: Role): RoleTable {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    ttl_seconds: r.ttlSeconds,
    mfa_required: r.mfaRequired ? 1 : 0,
    approval_required: r.approvalRequired ? 1 : 0,
    approver_mfa_required: r.approverMfaRequired ? 1 : 0,
    justification_required: r.justificationRequired ? 1 : 0,
    justification_min_length: r.justificationMinLength,
    ticket_pattern: r.ticketPattern,
    break_glass: r.breakGlass ? 1 : 0,
    window_enabled: r.window ? 1 : 0,
    window_from: r.window?.from ?? 0,
    window_to: r.window?.to ?? 0,
    window_time_zone: r.window?.timeZone ?? null,
    notify_expiry_warning_minutes: r.notify?.expiryWarningMinutes ?? null,
    notify_slack_channel: r.notify?.slackChannel ?? null,
    notify_teams_channel: r.notify?.teamsChannel ?? null,
    auto_approve: rulesToJson(r.autoApprove),
  };
}
