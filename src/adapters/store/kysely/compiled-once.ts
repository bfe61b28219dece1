import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * A query whose shape never changes, compiled once per SQL dialect and then run with fresh values.
 * Kysely builds and compiles every query anew, about a sixth of the CPU of a listing call
 * (docs/benchmarks.md); the hot reads skip that. The values stay bound parameters: `build` gets a
 * stand-in for each, and every stand-in must come out as a parameter, never as SQL text.
 */
export class CompiledOnce<R> {
  readonly #byAdapter = new WeakMap<object, { readonly query: CompiledQuery<R>; readonly slots: readonly number[] }>();

  constructor(private readonly build: (db: Kysely<Database>, ...values: string[]) => Compilable<R>) {}

  async execute(db: Kysely<Database>, ...values: readonly string[]): Promise<R[]> {
    const adapter = db.getExecutor().adapter;
    let c = this.#byAdapter.get(adapter);
    if (!c) {
      const standIns = values.map((_, i) => `\u0001compiled-once ${i}\u0001`);
      const query = this.build(db, ...standIns).compile();
      const slots = query.parameters.map((p) => standIns.indexOf(p as string));
      if (standIns.some((s, i) => !slots.includes(i) || query.sql.includes(s))) throw new Error('CompiledOnce: every value must be a bound parameter');
      c = { query, slots };
      this.#byAdapter.set(adapter, c);
    }
    const { query, slots } = c;
    const parameters = query.parameters.map((p, i) => (slots[i]! >= 0 ? values[slots[i]!] : p));
    return (await db.executeQuery<R>({ ...query, parameters })).rows;
  }
}
