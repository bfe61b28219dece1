import type { FieldChange, PlanStep } from '../domain/policy/plan.js';
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

/** `+ user jen` and its fields, `~ role Quick` and what changes, `- group Old`; then a count. */
export function planText(steps: readonly PlanStep[], applied: boolean): string {
  if (steps.length === 0) return 'No changes: the store already matches the file.';
  const count = (a: PlanStep['action']) => steps.filter((s) => s.action === a).length;
  const lines = steps.flatMap((s) => [`${MARK[s.action]} ${s.kind} ${s.name}`, ...(s.action === 'delete' ? [] : s.changes.map(line))]);
  lines.push(
    applied
      ? `Applied: ${count('create')} created, ${count('change')} changed, ${count('delete')} deleted.`
      : `Plan: ${count('create')} to create, ${count('change')} to change, ${count('delete')} to delete.`,
  );
  return lines.join('\n');
}
