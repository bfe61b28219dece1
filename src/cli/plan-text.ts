import type { FieldChange, PlanEffect, PlanStep } from '../domain/policy/plan.js';
import { formatDuration } from './format-time.js';
import { printable } from './table.js';

const MARK = { create: '+', change: '~', delete: '-' } as const;

/** A value as a person reads it: durations in their units, the rest as JSON. */
function value(field: string, v: unknown): string {
  if (v === undefined) return '(none)';
  if (/seconds$/i.test(field) && typeof v === 'number') return formatDuration(v);
  return printable(JSON.stringify(v));
}

function line(c: FieldChange): string {
  if (!('from' in c)) return `    ${c.field}: ${value(c.field, c.to)}`;
  if (!('to' in c)) return `    ${c.field}: ${value(c.field, c.from)}`;
  return `    ${c.field}: ${value(c.field, c.from)} -> ${value(c.field, c.to)}`;
}

const RELATION: Readonly<Record<PolicyKindOf, Readonly<Record<PlanEffect['relation'], string>>>> = {
  user: { candidate: 'leaves role', approver: 'no longer approves role', grants: '', 'approver-group': '' },
  group: { candidate: '', approver: '', grants: 'no longer granted by role', 'approver-group': 'no longer approves, as a group, role' },
  role: {
    candidate: 'can no longer be requested by',
    approver: 'can no longer be approved by',
    grants: 'no longer grants group',
    'approver-group': '',
  },
};
type PolicyKindOf = PlanStep['kind'];

/** What a step takes with it and what access it ends, as indented lines under the step. */
function consequences(s: PlanStep): string[] {
  const out: string[] = [];
  // Same relation, one line: "leaves role A, B" rather than a line per role.
  const byRelation = new Map<string, string[]>();
  for (const e of s.takes ?? []) byRelation.set(RELATION[s.kind][e.relation], [...(byRelation.get(RELATION[s.kind][e.relation]) ?? []), e.name]);
  for (const [what, names] of byRelation) out.push(`    ${what}: ${names.map(printable).join(', ')}`);
  if (s.action === 'delete' && out.length === 0) out.push(`    nothing else: ${s.kind === 'role' ? 'it has no candidates, approvers or groups' : 'no role names it'}`);
  for (const e of s.ends ?? []) out.push(`    ends the ${e.status === 'Active' || e.status === 'Processing' ? 'active elevation' : `${e.status} request`} for role ${printable(e.role)}`);
  return out;
}

/** `+ user jen` and its fields, `~ role Quick` and what changes, `- group Old`; then a count. */
export function planText(steps: readonly PlanStep[], applied: boolean): string {
  if (steps.length === 0) return 'No changes: the store already matches the file.';
  const count = (a: PlanStep['action']) => steps.filter((s) => s.action === a).length;
  const lines = steps.flatMap((s) => [`${MARK[s.action]} ${s.kind} ${s.name}`, ...(s.action === 'delete' ? [] : s.changes.map(line)), ...consequences(s)]);
  lines.push(
    applied
      ? `Applied: ${count('create')} created, ${count('change')} changed, ${count('delete')} deleted.`
      : `Plan: ${count('create')} to create, ${count('change')} to change, ${count('delete')} to delete.`,
  );
  return lines.join('\n');
}
