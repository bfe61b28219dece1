// Auto-approval rules in the role editor (docs/approvals.md): each rule has a name and conditions
// (groups, days and hours, a TTL limit, a ticket); the first rule whose conditions all hold approves.
import type { AutoApproveRule } from '../api.js';
import { Picker } from '../picker.js';
import { Field, announce, checked, input } from '../ui.js';
import { searchGroups } from './approval-stages-editor.js';

/** The server's limit (domain/role/auto-approve.ts). */
export const MAX_RULES = 20;
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
type Day = (typeof DAYS)[number];
const WEEKDAYS: Day[] = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'];

const emptyRule = (n: number): AutoApproveRule => ({ name: `rule ${n}`, groups: [], window: null, maxTtlSeconds: null, ticketRequired: false });

function RuleFields({ rule, n, set }: { rule: AutoApproveRule; n: number; set: (patch: Partial<AutoApproveRule>) => void }) {
  const what = `rule ${n}`;
  const w = rule.window;
  const toggleDay = (d: Day, on: boolean) => w && set({ window: { ...w, days: DAYS.filter((x) => (x === d ? on : w.days.includes(x))) } });
  return (
    <>
      <div class="row">
        <Field label={`Name of ${what}`}>{(id) => <input id={id} name={`rule${n}-name`} required maxLength={100} value={rule.name} onInput={input((v) => set({ name: v }))} />}</Field>
        <Field label={`Longest TTL for ${what} (minutes)`} hint="Empty: any TTL the role allows.">
          {(id, hint) => (
            <input
              id={id}
              name={`rule${n}-ttl`}
              type="number"
              min={1}
              step={1}
              aria-describedby={hint}
              value={rule.maxTtlSeconds === null ? '' : String(Math.round(rule.maxTtlSeconds / 60))}
              onInput={input((v) => set({ maxTtlSeconds: v.trim() === '' ? null : Math.round(Number(v) * 60) }))}
            />
          )}
        </Field>
      </div>
      <Picker label={`Groups of ${what}`} name={`rule${n}-groups`} hint="The requester is in one of these groups; empty: anyone." value={rule.groups} onChange={(v) => set({ groups: v })} search={searchGroups} />
      <div class="row">
        <label class="check">
          <input type="checkbox" name={`rule${n}-ticket`} checked={rule.ticketRequired} onChange={checked((v) => set({ ticketRequired: v }))} /> Only with a ticket reference
        </label>
        <label class="check">
          <input
            type="checkbox"
            name={`rule${n}-window`}
            checked={w !== null}
            onChange={checked((v) => set({ window: v ? { days: [...WEEKDAYS], from: '08:00', to: '18:00' } : null }))}
          />{' '}
          Only on some days and hours (server time)
        </label>
      </div>
      {w && (
        <div class="row">
          <fieldset class="days">
            <legend>Days of {what}</legend>
            {DAYS.map((d) => (
              <label key={d} class="check">
                <input type="checkbox" name={`rule${n}-day-${d}`} checked={w.days.includes(d)} onChange={checked((on) => toggleDay(d, on))} /> {d}
              </label>
            ))}
          </fieldset>
          <Field label={`From (${what})`}>{(id) => <input id={id} name={`rule${n}-from`} type="time" required value={w.from} onInput={input((v) => set({ window: { ...w, from: v } }))} />}</Field>
          <Field label={`To (${what})`}>{(id) => <input id={id} name={`rule${n}-to`} type="time" required value={w.to} onInput={input((v) => set({ window: { ...w, to: v } }))} />}</Field>
        </div>
      )}
    </>
  );
}

export function RulesEditor({ rules, onChange }: { rules: AutoApproveRule[]; onChange: (r: AutoApproveRule[]) => void }) {
  const set = (i: number, patch: Partial<AutoApproveRule>) => onChange(rules.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const remove = (i: number) => {
    onChange(rules.filter((_, j) => j !== i));
    announce(`Rule ${i + 1} removed.`);
  };
  const add = () => {
    onChange([...rules, emptyRule(rules.length + 1)]);
    announce(`Rule ${rules.length + 1} added.`);
  };
  return (
    <div class="rules">
      {rules.length === 0 && <p class="muted">No rules: every request goes to the approvers.</p>}
      <ol class="stage-list" aria-label="Auto-approval rules">
        {rules.map((r, i) => (
          <li key={i} class="stage">
            <fieldset>
              <legend>Rule {i + 1}</legend>
              <RuleFields rule={r} n={i + 1} set={(p) => set(i, p)} />
              <button type="button" class="danger" onClick={() => remove(i)}>
                Remove rule {i + 1}
              </button>
            </fieldset>
          </li>
        ))}
      </ol>
      {rules.length < MAX_RULES && (
        <button type="button" onClick={add}>
          Add a rule
        </button>
      )}
    </div>
  );
}
