import { performance } from 'node:perf_hooks';

/**
 * The statements a group issues on the one connection it holds, with fixed text (nothing bound).
 * Each store says what 'begin' is (SQLite: BEGIN IMMEDIATE; PostgreSQL: READ COMMITTED with a lock timeout).
 */
export type GroupStatement = 'begin' | 'savepoint member' | 'release member' | 'rollback to member' | 'commit' | 'rollback';

/** The connection a group runs on, held (so no other transaction or read interleaves) until the group ends. */
export interface GroupSession<C> {
  readonly conn: C;
  exec(statement: GroupStatement): Promise<void>;
  /**
   * Whether a transaction is still open: SQLite rolls the whole one back on some errors (SQLITE_FULL,
   * IOERR, NOMEM). PostgreSQL never does that to a savepoint's error; a lost connection fails the next statement instead.
   */
  inTransaction(): boolean;
}

export interface GroupLimits {
  /** Logical transactions one group takes at most. */
  readonly maxMembers: number;
  /** After this long since its BEGIN, a group takes no new member and commits (it always runs at least one). */
  readonly maxMs: number;
}

export const DEFAULT_GROUP_LIMITS: GroupLimits = Object.freeze({ maxMembers: 100, maxMs: 25 });

interface Member<C> {
  readonly fn: (conn: C) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome<C> =
  | { readonly member: Member<C>; readonly kind: 'done'; readonly value: unknown }
  | { readonly member: Member<C>; readonly kind: 'failed'; readonly error: unknown }
  /** The member's failure took the whole transaction with it (or left it unusable). */
  | { readonly member: Member<C>; readonly kind: 'lost'; readonly error: unknown };

/**
 * Group commit over one connection, for both stores: every durable COMMIT costs an fsync (SQLite
 * synchronous=FULL; PostgreSQL synchronous_commit, and the audit chain's lock held until it), so logical
 * transactions that arrive together share one. Each runs alone and in turn, inside its own
 * SAVEPOINT of one BEGIN ... COMMIT, so it sees its predecessors' writes exactly as in
 * serial execution. A member that throws is rolled back to its savepoint and fails alone. Nobody's
 * promise settles before the COMMIT has returned, so nothing is reported that is not durable; a
 * failed COMMIT (or an error that made SQLite roll the whole transaction back) rejects everyone.
 *
 * Transactions queue, and a group starts on the next turn of the event loop (setImmediate), after
 * every request that reached the store in this turn has queued: requests arrive together when the
 * previous commit blocked the loop. So an idle store waits one turn of the loop, and a busy one batches.
 */
export class GroupCommit<C> {
  /** Runs `body` with the connection held for it alone (Kysely's mutex on the one SQLite connection). */
  readonly #hold: (body: (s: GroupSession<C>) => Promise<void>) => Promise<void>;
  readonly #limits: GroupLimits;
  readonly #queue: Member<C>[] = [];
  #draining = false;

  constructor(hold: (body: (s: GroupSession<C>) => Promise<void>) => Promise<void>, limits: GroupLimits = DEFAULT_GROUP_LIMITS) {
    this.#hold = hold;
    this.#limits = limits;
  }

  run<T>(fn: (conn: C) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#draining) {
        this.#draining = true;
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) await this.#hold((s) => this.#group(s));
    } catch (e) {
      // The connection could not be had at all (the store is closed): nothing queued can run.
      for (const m of this.#queue.splice(0)) m.reject(e);
    } finally {
      this.#draining = false;
    }
  }

  async #group(s: GroupSession<C>): Promise<void> {
    const started = performance.now();
    try {
      // SQLite's busy_timeout applies here as before: another process (the CLI) holding the write lock is waited for.
      await s.exec('begin');
    } catch (e) {
      // Each of these would have waited as long for the lock, one after the other.
      for (const m of this.#queue.splice(0, this.#limits.maxMembers)) m.reject(e);
      return;
    }
    const outcomes: Outcome<C>[] = [];
    let lost: unknown = undefined;
    let isLost = false;
    while (this.#queue.length > 0 && outcomes.length < this.#limits.maxMembers && (outcomes.length === 0 || performance.now() - started < this.#limits.maxMs)) {
      const o = await this.#member(s, this.#queue.shift()!);
      outcomes.push(o);
      if (o.kind === 'lost') {
        isLost = true;
        lost = o.error;
        break;
      }
    }
    if (!isLost) {
      try {
        await s.exec('commit');
      } catch (e) {
        isLost = true;
        lost = e;
      }
    }
    if (isLost) {
      // A failed COMMIT leaves the transaction open (a deferred constraint, say); end it.
      if (s.inTransaction()) await s.exec('rollback').catch(() => {});
      for (const o of outcomes) o.member.reject(lost);
      return;
    }
    for (const o of outcomes) {
      if (o.kind === 'done') o.member.resolve(o.value);
      else o.member.reject(o.error);
    }
  }

  async #member(s: GroupSession<C>, member: Member<C>): Promise<Outcome<C>> {
    try {
      await s.exec('savepoint member');
    } catch (error) {
      return { member, kind: 'lost', error };
    }
    try {
      const value = await member.fn(s.conn);
      // Throws too when the member swallowed an error that ended the transaction (no savepoint left).
      await s.exec('release member');
      return { member, kind: 'done', value };
    } catch (error) {
      if (!s.inTransaction()) return { member, kind: 'lost', error };
      try {
        await s.exec('rollback to member');
        await s.exec('release member');
      } catch (e) {
        return { member, kind: 'lost', error: e };
      }
      return { member, kind: 'failed', error };
    }
  }
}
