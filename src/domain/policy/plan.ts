/**
 * Policy as code: users, groups and roles as plain documents keyed by name, and the plan that
 * takes one state to another. Pure: the app layer reads both states from the store.
 */

export const POLICY_KINDS = ['user', 'group', 'role'] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

/** One user, group or role as an apply file writes it: field names to plain JSON values. */
export type PolicyEntry = Readonly<Record<string, unknown>>;

/** Users, groups and roles, each keyed by login or name. */
export interface PolicyDocument {
  readonly users: readonly PolicyEntry[];
  readonly groups: readonly PolicyEntry[];
  readonly roles: readonly PolicyEntry[];
}

/** The field that names an entry of each kind. */
export const KEY_OF: Readonly<Record<PolicyKind, string>> = { user: 'login', group: 'name', role: 'name' };
const LIST_OF: Readonly<Record<PolicyKind, keyof PolicyDocument>> = { user: 'users', group: 'groups', role: 'roles' };

/**
 * Fields whose values are secrets (a password hash): a plan says that they change, never what
 * they were or become, and an export leaves them out.
 */
export const SECRET_FIELDS: ReadonlySet<string> = new Set(['password']);

export interface FieldChange {
  readonly field: string;
  /** undefined when the field was absent (a create) or is gone (a delete). */
  readonly from?: unknown;
  readonly to?: unknown;
}

/**
 * Something a deletion takes with it: an entry tied to the deleted one, and how. A deleted user
 * leaves the roles it was a candidate or approver of; a deleted group is no longer granted (or
 * approving) in the roles that named it; a deleted role loses its candidates, approvers and the
 * groups it granted.
 */
export interface PlanEffect {
  readonly kind: PolicyKind;
  readonly name: string;
  readonly relation: 'candidate' | 'approver' | 'grants' | 'approver-group';
}

/** A request a step ends (a user pruned with force is disabled, which ends what they hold or wait for). */
export interface EndedAccess {
  readonly role: string;
  readonly status: string;
}

export interface PlanStep {
  readonly action: 'create' | 'change' | 'delete';
  readonly kind: PolicyKind;
  readonly name: string;
  readonly changes: readonly FieldChange[];
  /** On a delete: what it takes with it (empty when nothing). */
  readonly takes?: readonly PlanEffect[];
  /** The open requests the step ends, when it ends any. */
  readonly ends?: readonly EndedAccess[];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const shown = (field: string, v: unknown): unknown => (SECRET_FIELDS.has(field) ? (v == null ? 'none' : 'set') : v);

/** Field by field, in the order the fields first appear; fields equal on both sides are left out. */
export function fieldChanges(before: PolicyEntry | undefined, after: PolicyEntry | undefined): FieldChange[] {
  const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  return fields
    .filter((f) => !same(before?.[f], after?.[f]))
    .map((f) => ({
      field: f,
      ...(before && { from: shown(f, before[f] ?? null) }),
      ...(after && { to: shown(f, after[f] ?? null) }),
    }));
}

/** The steps from `before` to `after`: creates and changes in the document's order, then deletes. */
export function diffPolicy(before: PolicyDocument, after: PolicyDocument): PlanStep[] {
  const steps: PlanStep[] = [];
  for (const kind of POLICY_KINDS) {
    const key = KEY_OF[kind];
    const old = new Map(before[LIST_OF[kind]].map((e) => [String(e[key]), e]));
    const now = new Set<string>();
    for (const e of after[LIST_OF[kind]]) {
      const name = String(e[key]);
      now.add(name);
      // A new entry's name is already in the step's title.
      const changes = fieldChanges(old.get(name), e).filter((c) => old.has(name) || c.field !== key);
      if (changes.length > 0) steps.push({ action: old.has(name) ? 'change' : 'create', kind, name, changes });
    }
    for (const [name, e] of old) if (!now.has(name)) steps.push({ action: 'delete', kind, name, changes: fieldChanges(e, undefined), takes: deletionEffects(before, kind, e) });
  }
  return steps;
}

const names = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
/** A role entry's approval stages as export writes them (null: the shorthand). */
const stagesOf = (role: PolicyEntry): { approvers?: unknown; approverGroups?: unknown }[] => {
  const a = role['approval'] as { stages?: unknown } | null | undefined;
  return Array.isArray(a?.stages) ? (a.stages as { approvers?: unknown; approverGroups?: unknown }[]) : [];
};

/** What deleting `e` (of `kind`) from `before` takes with it; see PlanEffect. */
export function deletionEffects(before: PolicyDocument, kind: PolicyKind, e: PolicyEntry): PlanEffect[] {
  const out: PlanEffect[] = [];
  if (kind === 'role') {
    for (const n of names(e['candidates'])) out.push({ kind: 'user', name: n, relation: 'candidate' });
    const approvers = new Set([...names(e['approvers']), ...stagesOf(e).flatMap((st) => names(st.approvers))]);
    for (const n of approvers) out.push({ kind: 'user', name: n, relation: 'approver' });
    for (const n of names(e['groups'])) out.push({ kind: 'group', name: n, relation: 'grants' });
    return out;
  }
  const name = String(e[KEY_OF[kind]]);
  for (const role of before.roles) {
    const r = String(role['name']);
    const stages = stagesOf(role);
    if (kind === 'user') {
      if (names(role['candidates']).includes(name)) out.push({ kind: 'role', name: r, relation: 'candidate' });
      if (names(role['approvers']).includes(name) || stages.some((st) => names(st.approvers).includes(name))) out.push({ kind: 'role', name: r, relation: 'approver' });
    } else {
      if (names(role['groups']).includes(name)) out.push({ kind: 'role', name: r, relation: 'grants' });
      if (stages.some((st) => names(st.approverGroups).includes(name))) out.push({ kind: 'role', name: r, relation: 'approver-group' });
    }
  }
  return out;
}

/** The declared names of one kind that `doc` does not declare (what `--prune` would remove). */
export function undeclared(current: PolicyDocument, declared: ReadonlySet<string>, kind: PolicyKind): string[] {
  return current[LIST_OF[kind]].map((e) => String(e[KEY_OF[kind]])).filter((n) => !declared.has(n));
}

/** A document without its secret fields: what `export` writes. */
export function withoutSecrets(doc: PolicyDocument): PolicyDocument {
  const strip = (e: PolicyEntry) => Object.fromEntries(Object.entries(e).filter(([k]) => !SECRET_FIELDS.has(k)));
  return { users: doc.users.map(strip), groups: doc.groups.map(strip), roles: doc.roles.map(strip) };
}
