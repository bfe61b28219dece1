import { DomainError } from '../../domain/errors.js';

/**
 * Merges parameters from the query string and the body (JSON or form-encoded), matching names
 * without regard to case as the .NET model binder did. A name given twice with different values
 * is refused rather than silently picking one.
 */
export function readParams(query: unknown, body: unknown, names: readonly string[]): Record<string, string | undefined> {
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
    throw new DomainError('BadRequest', 'The request body must be a JSON object or a form-encoded body.');
  }
  const out: Record<string, string | undefined> = {};
  for (const name of names) {
    const lower = name.toLowerCase();
    let found: string | undefined;
    for (const source of [query, body] as const) {
      if (!source || typeof source !== 'object') continue;
      for (const [k, raw] of Object.entries(source as Record<string, unknown>)) {
        if (k.toLowerCase() !== lower) continue;
        const v = scalar(name, raw);
        if (v === undefined) continue;
        if (found !== undefined && found !== v) throw new DomainError('BadRequest', `${name} is given twice with different values.`);
        found = v;
      }
    }
    out[name] = found;
  }
  return out;
}

function scalar(name: string, raw: unknown): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (Array.isArray(raw)) throw new DomainError('BadRequest', `${name} is given more than once; give it once.`);
  throw new DomainError('BadRequest', `${name} must be a single value, not an object.`);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function requireGuid(name: string, v: string | undefined): string {
  if (v === undefined || v.trim() === '') throw new DomainError('BadRequest', `${name} is required.`);
  const t = v.trim();
  if (!GUID.test(t)) throw new DomainError('BadRequest', `${name} must be a GUID such as c0112f13-b16b-40ad-b547-07f23a7fba52; got '${clip(t)}'.`);
  return t.toLowerCase();
}

export function requireSeconds(name: string, v: string | undefined): number {
  if (v === undefined || v.trim() === '') throw new DomainError('BadRequest', `${name} is required (whole seconds; 0 deactivates).`);
  const t = v.trim();
  // The sample portal sends hours × 3600 computed in floating point, so 1.1 hours arrives as
  // "3960.0000000000005"; round such values instead of refusing them.
  if (!/^\d{1,12}(\.\d{1,20})?$/.test(t)) throw new DomainError('BadRequest', `${name} must be a whole number of seconds; got '${clip(t)}'.`);
  const n = Math.round(Number(t));
  // A fraction that rounds to nothing must not turn into 0, which means "deactivate".
  if (n === 0 && Number(t) !== 0) throw new DomainError('BadRequest', `${name} must be at least 1 second (or exactly 0 to deactivate); got '${clip(t)}'.`);
  return n;
}

export function optionalText(name: string, v: string | undefined, max: number): string | null {
  if (v === undefined || v.trim() === '') return null;
  if (v.length > max) throw new DomainError('BadRequest', `${name} is too long (at most ${max} characters).`);
  return v;
}

const KEY = /^(pamrequests|pamrequeststoapprove)\((?:guid)?'?([^'()]*)'?\)$/i;

/** Reads an OData entity key segment such as `pamrequests(guid'c0112f13-…')`. */
export function parseEntityKey(segment: string): { set: 'pamrequests' | 'pamrequeststoapprove'; id: string } | null {
  const m = KEY.exec(segment);
  if (!m) return null;
  return { set: m[1]!.toLowerCase() as 'pamrequests' | 'pamrequeststoapprove', id: requireGuid('The key', m[2]) };
}

export function clip(s: string, n = 60): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
