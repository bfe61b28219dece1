import { type NameKind, knownNames } from '../app/admin/known-names.js';
import { LOCAL_OPERATOR } from '../app/admin/require-admin.js';
import type { Core } from '../app/core.js';
import { matchName } from './names.js';

/**
 * The stored name a person meant by `typed` on an administration command: the exact name, else
 * the one name equal ignoring case; otherwise the command stops with
 * `elevate: no role 'prod db'; did you mean 'Prod DB'?` before it asks or changes anything.
 */
export async function resolveName(core: Core, kind: NameKind, typed: string): Promise<string> {
  return matchName(typed, await knownNames(core.deps, LOCAL_OPERATOR, kind), kind);
}

/** Each of `typed`, resolved as resolveName does (list flags such as --candidate). */
export async function resolveNames(core: Core, kind: NameKind, typed: readonly string[]): Promise<string[]> {
  if (typed.length === 0) return [];
  const names = await knownNames(core.deps, LOCAL_OPERATOR, kind);
  return typed.map((t) => matchName(t, names, kind));
}
