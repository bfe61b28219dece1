// One role's form: who may ask (a people picker), what it grants (a group picker), its approval
// path (stages of approvers and approver groups), the context a request must carry, and its TTL.
// Errors from the API are shown in the form, in the server's words.
import { useState } from 'preact/hooks';
import { type AdminRole, type ApprovalStage, type RoleEdit, admin } from '../api.js';
import { minutesToHhmm } from '../format.js';
import { Picker } from '../picker.js';
import { ErrorBox, Field, SubmitRow, checked, input, useAction } from '../ui.js';
import { StagesEditor, emptyStage, searchGroups, searchPeople } from './approval-stages-editor.js';
import { RulesEditor } from './auto-approve-editor.js';

/** A role's stages as the editor starts from them: its own, or the shorthand as one stage needing one approval. */
function initialStages(role: AdminRole | null): ApprovalStage[] {
  if (role?.approval) return role.approval.stages.map((s) => ({ ...s }));
  if (role && role.approvers.length > 0) return [{ approvers: [...role.approvers], approverGroups: [], required: 1 }];
  return [emptyStage()];
}

export function RoleEditor({ role, approverMfa, onSaved, onCancel }: { role: AdminRole | null; approverMfa: boolean; onSaved: (name: string) => void; onCancel: () => void }) {
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [ttlMinutes, setTtlMinutes] = useState(String(Math.round((role?.ttlSeconds ?? 3600) / 60)));
  const [mfaRequired, setMfa] = useState(role?.mfaRequired ?? false);
  const [approvalRequired, setApproval] = useState(role?.approvalRequired ?? false);
  const [approverMfaRequired, setApproverMfa] = useState(role?.approverMfaRequired ?? false);
  const [windowOn, setWindowOn] = useState(role?.window != null);
  const [from, setFrom] = useState(role?.window ? minutesToHhmm(role.window.from) : '08:00');
  const [to, setTo] = useState(role?.window ? minutesToHhmm(role.window.to) : '18:00');
  const [timeZone, setTimeZone] = useState(role?.window?.timeZone ?? '');
  const [candidates, setCandidates] = useState(role?.candidates ?? []);
  const [candidateGroups, setCandidateGroups] = useState(role?.candidateGroups ?? []);
  const [roleGroups, setGroups] = useState(role?.groups ?? []);
  const [stages, setStages] = useState(() => initialStages(role));
  const [rules, setRules] = useState(() => (role?.autoApprove ?? []).map((r) => ({ ...r })));
  const [justificationRequired, setJustificationRequired] = useState(role?.justificationRequired ?? false);
  const [minLength, setMinLength] = useState(String(role?.justificationMinLength ?? 0));
  const [ticketPattern, setTicketPattern] = useState(role?.ticketPattern ?? '');
  const action = useAction();
  const title = role ? `Edit ${role.name}` : 'New role';

  const submit = async (e: Event) => {
    e.preventDefault();
    const minutes = Number(ttlMinutes);
    const body: Omit<RoleEdit, 'name'> = {
      description: description.trim() || null,
      ttlSeconds: Number.isFinite(minutes) ? Math.round(minutes * 60) : NaN,
      mfaRequired,
      approvalRequired,
      ...(approverMfa ? { approverMfaRequired } : {}),
      window: windowOn ? { from, to, timeZone: timeZone.trim() || null } : null,
      groups: roleGroups,
      candidates,
      candidateGroups,
      // Stages replace the shorthand: its approvers are now stage 1, so the shorthand list is emptied.
      ...(approvalRequired ? { approval: { stages }, approvers: [] } : { approval: null }),
      justificationRequired,
      justificationMinLength: Number(minLength),
      ticketPattern: ticketPattern.trim() || null,
      // Rules only mean something while approval is asked; without it the server refuses them.
      // Sent only when there are or were some, so the form stays usable against a server without rules.
      ...(rules.length > 0 || (role?.autoApprove?.length ?? 0) > 0 ? { autoApprove: approvalRequired ? rules : null } : {}),
    };
    if (await action.run(async () => void (role ? await admin.updateRole(role.name, body) : await admin.createRole({ name: name.trim(), ...body })))) onSaved(role?.name ?? name.trim());
  };

  return (
    <form class={role ? 'editor' : 'card editor'} onSubmit={submit} aria-label={title}>
      <h2>{title}</h2>
      <div class="row">
        {!role && <Field label="Name">{(id) => <input id={id} name="name" required maxLength={256} value={name} onInput={input(setName)} />}</Field>}
        <Field label="Longest activation (minutes)">
          {(id) => <input id={id} name="ttl" type="number" min={1} step={1} required value={ttlMinutes} onInput={input(setTtlMinutes)} />}
        </Field>
      </div>
      <Field label="Description">{(id) => <textarea id={id} name="description" rows={2} value={description} onInput={input(setDescription)} />}</Field>
      <div class="row">
        <label class="check">
          <input type="checkbox" name="mfa" checked={mfaRequired} onChange={checked(setMfa)} /> Requires an MFA code
        </label>
        <label class="check">
          <input type="checkbox" name="approval" checked={approvalRequired} onChange={checked(setApproval)} /> Requires approval
        </label>
        {approverMfa && (
          <label class="check">
            <input type="checkbox" name="approverMfa" checked={approverMfaRequired} onChange={checked(setApproverMfa)} /> Approvers confirm with MFA
          </label>
        )}
        <label class="check">
          <input type="checkbox" name="window" checked={windowOn} onChange={checked(setWindowOn)} /> Only during a daily window
        </label>
      </div>
      {windowOn && (
        <div class="row">
          <Field label="From">{(id) => <input id={id} name="from" type="time" required value={from} onInput={input(setFrom)} />}</Field>
          <Field label="To">{(id) => <input id={id} name="to" type="time" required value={to} onInput={input(setTo)} />}</Field>
          <Field label="Time zone" hint="An IANA name such as Europe/Paris; empty means the server's zone.">
            {(id, hint) => <input id={id} name="timeZone" aria-describedby={hint} value={timeZone} onInput={input(setTimeZone)} />}
          </Field>
        </div>
      )}
      <div class="choice-grid">
        <Picker label="Candidates (may request)" name="candidates" value={candidates} onChange={setCandidates} search={searchPeople} />
        <Picker label="Groups granted" name="groups" value={roleGroups} onChange={setGroups} search={searchGroups} />
        <Picker
          label="Candidate groups (their members may request)"
          hint="Embedded groups with standing members, or LDAP groups; never a group the role grants."
          name="candidateGroups"
          value={candidateGroups}
          onChange={setCandidateGroups}
          search={searchGroups}
        />
      </div>
      {approvalRequired && (
        <fieldset class="section">
          <legend>Approval path</legend>
          <p class="hint">Stages run in order and all must pass; any rejection rejects the request.</p>
          <StagesEditor stages={stages} onChange={setStages} />
        </fieldset>
      )}
      {approvalRequired && (
        <fieldset class="section">
          <legend>Rules</legend>
          <p class="hint">A rule approves a request without asking anyone when all its conditions hold; the first matching rule approves. MFA still applies.</p>
          <RulesEditor rules={rules} onChange={setRules} />
        </fieldset>
      )}
      <fieldset class="section">
        <legend>What a request must carry</legend>
        <div class="row">
          <label class="check">
            <input type="checkbox" name="justificationRequired" checked={justificationRequired} onChange={checked(setJustificationRequired)} /> Justification required
          </label>
          <Field label="Shortest justification (characters)" hint="0 for no minimum.">
            {(id, hint) => <input id={id} name="justificationMinLength" type="number" min={0} max={1000} step={1} required aria-describedby={hint} value={minLength} onInput={input(setMinLength)} />}
          </Field>
          <Field label="Ticket pattern" hint="A regular expression, e.g. ^(INC|CHG)[0-9]{6}$; empty: no ticket asked.">
            {(id, hint) => <input id={id} name="ticketPattern" class="mono" maxLength={200} aria-describedby={hint} value={ticketPattern} onInput={input(setTicketPattern)} />}
          </Field>
        </div>
      </fieldset>
      <ErrorBox error={action.error} />
      <SubmitRow label={role ? 'Save changes' : 'Create role'} disabled={action.busy} onCancel={onCancel} />
    </form>
  );
}
