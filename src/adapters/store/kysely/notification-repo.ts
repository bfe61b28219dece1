import { type Kysely, type Selectable, sql } from 'kysely';
import type { NotificationKind } from '../../../domain/notify/notification.js';
import type { Instant } from '../../../domain/time.js';
import type { Notification, NotificationBacklog, NotificationDelivery, NotificationRepo } from '../../../ports/store.js';
import { MAX_BOUND, chunks } from './chunks.js';
import { toRetryState } from './retry-row.js';
import type { Database, NotificationDeliveryTable, NotificationTable } from './schema.js';
import { type JsonColumn, JSON_ROWS_PER_STATEMENT } from './json-rows.js';
import type { SqlTraits } from './sql-traits.js';

/** A notification as a JSON-passed row: its position first, then the columns written. */
const NOTIFICATION_COLUMNS: readonly JsonColumn[] = [
  { name: 'ord', type: 'integer' },
  { name: 'id', type: 'text' },
  { name: 'kind', type: 'text' },
  { name: 'request_id', type: 'text' },
  { name: 'created_at', type: 'bigint' },
  { name: 'not_before', type: 'bigint' },
  { name: 'detail', type: 'text' },
];

const toNotification = (r: Selectable<NotificationTable>): Notification =>
  Object.freeze({
    id: r.id,
    kind: r.kind as NotificationKind,
    requestId: r.request_id,
    createdAt: Number(r.created_at),
    notBefore: Number(r.not_before),
    detail: Object.freeze(JSON.parse(r.detail)),
  });

const toDelivery = (r: Selectable<NotificationDeliveryTable>): NotificationDelivery =>
  Object.freeze({
    notificationId: r.notification_id,
    receiver: r.receiver,
    ...toRetryState(r),
  });

export class KyselyNotificationRepo implements NotificationRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: SqlTraits,
  ) {}

  async addMany(ns: readonly Notification[]): Promise<void> {
    // One JSON parameter per slice (json-rows.ts), not seven bound values a row: a mass expiry writes
    // tens of thousands. Ordered by position, so `seq` numbers them in the order they are given.
    for (const part of chunks(ns, JSON_ROWS_PER_STATEMENT)) {
      if (part.length === 0) continue;
      const table = this.traits.jsonRows(
        part.map((n, i) => [i, n.id, n.kind, n.requestId, n.createdAt, n.notBefore, JSON.stringify(n.detail)]),
        NOTIFICATION_COLUMNS,
      );
      const columns = sql.join(NOTIFICATION_COLUMNS.slice(1).map((c) => sql.ref(c.name)));
      await sql`insert into ${sql.table('notifications')} (${columns}) select ${columns} from ${table} as n order by n.ord`.execute(this.db);
    }
  }

  async toFanOut(now: Instant, limit: number): Promise<Notification[]> {
    const q = this.db.selectFrom('notifications').selectAll().where('fanned_out_at', 'is', null).where('not_before', '<=', now).orderBy('seq').limit(limit);
    const rows = await (this.traits.sharedByNodes ? q.forUpdate().skipLocked() : q).execute();
    return rows.map(toNotification);
  }

  async fanOut(id: string, receivers: readonly string[], at: Instant): Promise<void> {
    const { seq } = await this.db.selectFrom('notifications').select('seq').where('id', '=', id).executeTakeFirstOrThrow();
    for (const part of chunks(receivers, Math.floor(MAX_BOUND / 9))) {
      if (part.length === 0) continue;
      await this.db
        .insertInto('notification_deliveries')
        .values(part.map((receiver) => ({ notification_id: id, receiver, seq: Number(seq), created_at: at, attempts: 0, next_attempt_at: at, last_error: null, done_at: null, claimed_until: null })))
        .onConflict((oc) => oc.columns(['notification_id', 'receiver']).doNothing())
        .execute();
    }
    await this.db.updateTable('notifications').set({ fanned_out_at: at }).where('id', '=', id).execute();
  }

  async claim(now: Instant, until: Instant, limit: number): Promise<NotificationDelivery[]> {
    const q = this.db
      .selectFrom('notification_deliveries')
      .selectAll()
      .where('done_at', 'is', null)
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
      .orderBy('next_attempt_at')
      .orderBy('seq')
      .limit(limit);
    const rows = await (this.traits.sharedByNodes ? q.forUpdate().skipLocked() : q).execute();
    for (const r of rows) {
      await this.db
        .updateTable('notification_deliveries')
        .set({ claimed_until: until })
        .where('notification_id', '=', r.notification_id)
        .where('receiver', '=', r.receiver)
        .execute();
    }
    return rows.map((r) => toDelivery({ ...r, claimed_until: until }));
  }

  async byIds(ids: readonly string[]): Promise<Notification[]> {
    const out: Notification[] = [];
    for (const part of chunks([...new Set(ids)], MAX_BOUND)) {
      if (part.length === 0) continue;
      out.push(...(await this.db.selectFrom('notifications').selectAll().where('id', 'in', part).execute()).map(toNotification));
    }
    return out;
  }

  async markDelivered(notificationId: string, receiver: string, at: Instant): Promise<boolean> {
    const r = await this.db
      .updateTable('notification_deliveries')
      .set({ done_at: at, last_error: null, claimed_until: null })
      .where('notification_id', '=', notificationId)
      .where('receiver', '=', receiver)
      .where('done_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async markFailed(notificationId: string, receiver: string, attempts: number, nextAttemptAt: Instant, error: string): Promise<void> {
    await this.db
      .updateTable('notification_deliveries')
      .set({ attempts, next_attempt_at: nextAttemptAt, last_error: error.slice(0, 2000), claimed_until: null })
      .where('notification_id', '=', notificationId)
      .where('receiver', '=', receiver)
      .where('done_at', 'is', null)
      .execute();
  }

  async open(limit: number): Promise<NotificationDelivery[]> {
    const rows = await this.db.selectFrom('notification_deliveries').selectAll().where('done_at', 'is', null).orderBy('seq').orderBy('receiver').limit(limit).execute();
    return rows.map(toDelivery);
  }

  async ofRequest(requestId: string): Promise<Notification[]> {
    const rows = await this.db.selectFrom('notifications').selectAll().where('request_id', '=', requestId).orderBy('seq').execute();
    return rows.map(toNotification);
  }

  async latestTo(receivers: readonly string[], limit: number): Promise<{ delivery: NotificationDelivery; notification: Notification }[]> {
    if (receivers.length === 0) return [];
    const rows = await this.db
      .selectFrom('notification_deliveries as d')
      .innerJoin('notifications as n', 'n.id', 'd.notification_id')
      .selectAll('d')
      .select(['n.id', 'n.kind', 'n.request_id', 'n.created_at as n_created_at', 'n.not_before', 'n.detail'])
      .where('d.receiver', 'in', [...receivers])
      .orderBy('d.created_at', 'desc')
      .orderBy('d.seq', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      delivery: toDelivery(r),
      notification: toNotification({ id: r.id, kind: r.kind, request_id: r.request_id, created_at: r.n_created_at, not_before: r.not_before, detail: r.detail } as Selectable<NotificationTable>),
    }));
  }

  async forRequest(requestId: string): Promise<NotificationDelivery[]> {
    const rows = await this.db
      .selectFrom('notification_deliveries as d')
      .innerJoin('notifications as n', 'n.id', 'd.notification_id')
      .selectAll('d')
      .where('n.request_id', '=', requestId)
      .orderBy('d.seq')
      .orderBy('d.receiver')
      .execute();
    return rows.map(toDelivery);
  }

  async backlog(now: Instant): Promise<NotificationBacklog> {
    const d = await this.db
      .selectFrom('notification_deliveries as d')
      .innerJoin('notifications as n', 'n.id', 'd.notification_id')
      .select((eb) => [
        eb.fn.countAll<number>().as('open'),
        eb.fn.sum<number>(eb.case().when('d.attempts', '>', 0).then(1).else(0).end()).as('failing'),
        eb.fn.min<number>('n.not_before').as('oldest'),
      ])
      .where('d.done_at', 'is', null)
      .executeTakeFirstOrThrow();
    const e = await this.db
      .selectFrom('notifications')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min<number>('not_before').as('oldest')])
      .where('fanned_out_at', 'is', null)
      .where('not_before', '<=', now)
      .executeTakeFirstOrThrow();
    const oldest = [d.oldest, e.oldest].filter((x) => x !== null && x !== undefined).map(Number);
    return {
      queued: Number(d.open) + Number(e.n),
      failing: Number(d.failing ?? 0),
      oldestWaitMs: oldest.length === 0 ? 0 : Math.max(0, now - Math.min(...oldest)),
    };
  }

  async nextAt(): Promise<Instant | null> {
    const r = await this.db
      .selectFrom('notification_deliveries')
      .select((eb) => eb.fn.min<number>('next_attempt_at').as('at'))
      .where('done_at', 'is', null)
      .executeTakeFirstOrThrow();
    const e = await this.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.min<number>('not_before').as('at'))
      .where('fanned_out_at', 'is', null)
      .executeTakeFirstOrThrow();
    const all = [r.at, e.at].filter((x) => x !== null && x !== undefined).map(Number);
    return all.length === 0 ? null : Math.min(...all);
  }
}

