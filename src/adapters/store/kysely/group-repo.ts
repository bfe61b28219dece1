import { type Kysely, sql } from 'kysely';
import type { Group, MemberAttribute, ReconcileMode } from '../../../domain/group/group.js';
import type { GroupAccount, GroupRepo, NamePageQuery, RowsPage } from '../../../ports/store.js';
import { containsPattern, likes, slicePage } from './name-like.js';
import { MAX_BOUND, chunks } from './chunks.js';
import { JSON_ROWS_PER_STATEMENT, groupAccountRows } from './json-rows.js';
import type { Database, GroupTable } from './schema.js';
import type { SqlTraits } from './sql-traits.js';

const toGroup = (r: GroupTable): Group =>
  Object.freeze({
    id: r.id,
    name: r.name,
    description: r.description,
    directory: r.directory,
    dn: r.dn,
    memberAttribute: r.member_attribute as MemberAttribute | null,
    reconcile: r.reconcile as ReconcileMode,
  });

const toRow = (g: Group): GroupTable => ({
  id: g.id,
  name: g.name,
  description: g.description,
  directory: g.directory,
  dn: g.dn,
  member_attribute: g.memberAttribute,
  reconcile: g.reconcile,
});

export class KyselyGroupRepo implements GroupRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: SqlTraits,
  ) {}

  async byId(id: string): Promise<Group | undefined> {
    const r = await this.db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toGroup(r);
  }

  async byName(name: string): Promise<Group | undefined> {
    const r = await this.db.selectFrom('groups').selectAll().where('name', '=', name).executeTakeFirst();
    return r && toGroup(r);
  }

  async byIds(ids: readonly string[]): Promise<Group[]> {
    const out: Group[] = [];
    for (const part of chunks([...new Set(ids)], MAX_BOUND)) {
      out.push(...(await this.db.selectFrom('groups').selectAll().where('id', 'in', part).execute()).map(toGroup));
    }
    return out;
  }

  async list(): Promise<Group[]> {
    return (await this.db.selectFrom('groups').selectAll().orderBy('name').execute()).map(toGroup);
  }

  async page(q: NamePageQuery): Promise<RowsPage<Group>> {
    const p = q.search === null ? null : containsPattern(q.search);
    const base = this.db
      .selectFrom('groups')
      .$if(p !== null, (qb) => qb.where((eb) => eb.or([likes(eb.fn('lower', ['name']), p!), likes(eb.fn('lower', ['description']), p!), likes(eb.fn('lower', ['dn']), p!)])));
    const counted = await base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    const rows = await slicePage(base.selectAll().orderBy('name'), q).execute();
    return { rows: rows.map(toGroup), total: Number(counted.n) };
  }

  async insert(g: Group): Promise<void> {
    await this.db.insertInto('groups').values(toRow(g)).execute();
  }

  async update(g: Group): Promise<void> {
    const { id, ...rest } = toRow(g);
    await this.db.updateTable('groups').set(rest).where('id', '=', id).execute();
  }

  async remove(id: string): Promise<void> {
    await this.db.deleteFrom('groups').where('id', '=', id).execute();
  }

  async lockForChange(ids: readonly string[]): Promise<void> {
    // One node's SQLite transactions already run one at a time (BEGIN IMMEDIATE).
    if (!this.traits.sharedByNodes || ids.length === 0) return;
    for (const part of chunks([...new Set(ids)].sort(), MAX_BOUND)) {
      await this.db.selectFrom('groups').select('id').where('id', 'in', part).orderBy('id').forUpdate().execute();
    }
  }

  async members(groupId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('group_members').select('account_id').where('group_id', '=', groupId).execute();
    return rows.map((r) => r.account_id);
  }

  async addMember(groupId: string, accountId: string): Promise<void> {
    await this.db
      .insertInto('group_members')
      .values({ group_id: groupId, account_id: accountId })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async removeMember(groupId: string, accountId: string): Promise<void> {
    await this.db.deleteFrom('group_members').where('group_id', '=', groupId).where('account_id', '=', accountId).execute();
  }

  async removeMembers(pairs: readonly GroupAccount[]): Promise<void> {
    // The pairs as one JSON parameter (json-rows.ts), each deleted by the primary key.
    for (const part of chunks(pairs, JSON_ROWS_PER_STATEMENT)) {
      const rows = groupAccountRows(this.traits.jsonRows, part);
      await sql`delete from group_members where (group_id, account_id) in (select p.group_id, p.account_id from ${rows} as p)`.execute(this.db);
    }
  }
}
