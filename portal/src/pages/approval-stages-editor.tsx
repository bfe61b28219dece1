// The approval path in the role editor: stages in order, each with approvers (people and groups,
// chosen with search pickers) and how many distinct approvals it needs (docs/approvals.md).
import { type ApprovalStage, admin } from '../api.js';
import { type Option, Picker } from '../picker.js';
import { Field, announce } from '../ui.js';

/** The server's limit (admin-schemas.ts): more would be a chain nobody gets through. */
export const MAX_STAGES = 10;

export const emptyStage = (): ApprovalStage => ({ approvers: [], approverGroups: [], required: 1 });

export async function searchPeople(text: string): Promise<Option[]> {
  return (await admin.searchUsers(text)).filter((u) => !u.disabled).map((u) => ({ value: u.login, label: `${u.displayName} (${u.login})` }));
}

export async function searchGroups(text: string): Promise<Option[]> {
  return (await admin.searchGroups(text)).map((g) => ({ value: g.name, label: g.description ? `${g.name} · ${g.description}` : g.name }));
}

export function StagesEditor({ stages, onChange }: { stages: ApprovalStage[]; onChange: (s: ApprovalStage[]) => void }) {
  const set = (i: number, patch: Partial<ApprovalStage>) => onChange(stages.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const removeStage = (i: number) => {
    onChange(stages.filter((_, j) => j !== i));
    announce(`Stage ${i + 1} removed.`);
  };
  const addStage = () => {
    onChange([...stages, emptyStage()]);
    announce(`Stage ${stages.length + 1} added.`);
  };
  return (
    <div class="stages">
      <ol class="stage-list" aria-label="Approval stages">
        {stages.map((s, i) => {
          const what = `stage ${i + 1}`;
          return (
            <li key={i} class="stage">
              <fieldset>
                <legend>Stage {i + 1}</legend>
                <div class="choice-grid">
                  <Picker label={`Approvers of ${what}`} name={`stage${i + 1}-approvers`} value={s.approvers} onChange={(v) => set(i, { approvers: v })} search={searchPeople} />
                  <Picker
                    label={`Approver groups of ${what}`}
                    name={`stage${i + 1}-groups`}
                    hint="Anyone in the group may approve; never a group the role grants."
                    value={s.approverGroups}
                    onChange={(v) => set(i, { approverGroups: v })}
                    search={searchGroups}
                  />
                </div>
                <div class="row">
                  <Field label={`Approvals needed at ${what}`} hint="Distinct people; the requester never counts.">
                    {(id, hint) => (
                      <input
                        id={id}
                        name={`stage${i + 1}-required`}
                        type="number"
                        min={1}
                        max={100}
                        step={1}
                        required
                        aria-describedby={hint}
                        value={String(s.required)}
                        onInput={(e) => set(i, { required: Number((e.currentTarget as HTMLInputElement).value) })}
                      />
                    )}
                  </Field>
                  {stages.length > 1 && (
                    <div class="field checkbox-field">
                      <button type="button" class="danger" onClick={() => removeStage(i)}>
                        Remove stage {i + 1}
                      </button>
                    </div>
                  )}
                </div>
              </fieldset>
            </li>
          );
        })}
      </ol>
      {stages.length < MAX_STAGES && (
        <button type="button" onClick={addStage}>
          Add a stage
        </button>
      )}
    </div>
  );
}
