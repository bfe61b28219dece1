import { useState } from 'preact/hooks';
import { type AdminRole, type Group, type RoleEdit, type User, admin } from '../api.js';
import { duration, minutesToHhmm } from '../format.js';
import { ErrorBox, Field, SubmitRow, Loading, Page, Tag, announce, checked, input, useAction, useLoad } from '../ui.js';

interface Data {
  roles: AdminRole[];
  users: User[];
  groups: Group[];
}

export function AdminRoles() {
  const { data, error, reload } = useLoad<Data>(async () => {
    const [roles, users, groups] = await Promise.all([admin.roles(), admin.users(), admin.groups()]);
    return { roles, users, groups };
  });
  const [editing, setEditing] = useState<string | null>(null);
  const saved = async (name: string) => {
    setEditing(null);
    announce(`Role ${name} saved.`);
    await reload();
  };
  return (
    <Page title="Roles" intro="Who may ask for each role, who approves it, what it grants and for how long.">
      <ErrorBox error={error} />
      {!data && !error && <Loading what="roles" />}
      {data && (
        <>
          <div class="actions">
            <button type="button" class="primary" onClick={() => setEditing('')} disabled={editing === ''}>
              New role
            </button>
          </div>
          {editing === '' && <RoleEditor role={null} users={data.users} groups={data.groups} onSaved={saved} onCancel={() => setEditing(null)} />}
          <ul class="cards" aria-label="Roles">
            {data.roles.map((r) =>
              editing === r.name ? (
                <li key={r.id} class="card editing">
                  <RoleEditor role={r} users={data.users} groups={data.groups} onSaved={saved} onCancel={() => setEditing(null)} />
                </li>
              ) : (
                <RoleSummary key={r.id} r={r} onEdit={() => setEditing(r.name)} />
              ),
            )}
          </ul>
        </>
      )}
    </Page>
  );
}

function RoleSummary({ r, onEdit }: { r: AdminRole; onEdit: () => void }) {
  const headingId = `r-${r.id}`;
  const list = (xs: string[]) => (xs.length ? xs.join(', ') : <span class="muted">none</span>);
  return (
    <li class="card" aria-labelledby={headingId}>
      <div class="card-head">
        <h2 id={headingId}>{r.name}</h2>
        <span class="tags">
          {r.mfaRequired && <Tag tone="info">MFA</Tag>}
          {r.approvalRequired && <Tag tone="info">Approval</Tag>}
        </span>
      </div>
      {r.description && <p class="description">{r.description}</p>}
      <dl class="facts">
        <div>
          <dt>Longest activation</dt>
          <dd>{duration(r.ttlSeconds)}</dd>
        </div>
        <div>
          <dt>Window</dt>
          <dd>{r.window ? `${minutesToHhmm(r.window.from)}–${minutesToHhmm(r.window.to)} ${r.window.timeZone ?? '(server time)'}` : 'Any time'}</dd>
        </div>
        <div>
          <dt>Candidates</dt>
          <dd>{list(r.candidates)}</dd>
        </div>
        <div>
          <dt>Approvers</dt>
          <dd>{list(r.approvers)}</dd>
        </div>
        <div>
          <dt>Groups</dt>
          <dd>{list(r.groups)}</dd>
        </div>
      </dl>
      <div class="actions">
        <button type="button" onClick={onEdit}>
          Edit<span class="sr-only"> {r.name}</span>
        </button>
      </div>
    </li>
  );
}

/** A set of names chosen with checkboxes: a fieldset, so its legend is read with each box. */
function Choices({ legend, options, value, onChange }: { legend: string; options: { value: string; label: string }[]; value: string[]; onChange: (v: string[]) => void }) {
  return (
    <fieldset class="choices">
      <legend>{legend}</legend>
      {options.map((o) => (
        <label class="check" key={o.value}>
          <input
            type="checkbox"
            name={legend}
            value={o.value}
            checked={value.includes(o.value)}
            onChange={(e) => onChange((e.currentTarget as HTMLInputElement).checked ? [...value, o.value] : value.filter((v) => v !== o.value))}
          />{' '}
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}

function RoleEditor({ role, users, groups, onSaved, onCancel }: { role: AdminRole | null; users: User[]; groups: Group[]; onSaved: (name: string) => void; onCancel: () => void }) {
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [ttlMinutes, setTtlMinutes] = useState(String(Math.round((role?.ttlSeconds ?? 3600) / 60)));
  const [mfaRequired, setMfa] = useState(role?.mfaRequired ?? false);
  const [approvalRequired, setApproval] = useState(role?.approvalRequired ?? false);
  const [windowOn, setWindowOn] = useState(role?.window != null);
  const [from, setFrom] = useState(role?.window ? minutesToHhmm(role.window.from) : '08:00');
  const [to, setTo] = useState(role?.window ? minutesToHhmm(role.window.to) : '18:00');
  const [timeZone, setTimeZone] = useState(role?.window?.timeZone ?? '');
  const [candidates, setCandidates] = useState(role?.candidates ?? []);
  const [approvers, setApprovers] = useState(role?.approvers ?? []);
  const [roleGroups, setGroups] = useState(role?.groups ?? []);
  const action = useAction();
  const people = users.map((u) => ({ value: u.login, label: `${u.displayName} (${u.login})` }));
  const title = role ? `Edit ${role.name}` : 'New role';

  const submit = async (e: Event) => {
    e.preventDefault();
    const minutes = Number(ttlMinutes);
    const body: Omit<RoleEdit, 'name'> = {
      description: description.trim() || null,
      ttlSeconds: Number.isFinite(minutes) ? Math.round(minutes * 60) : NaN,
      mfaRequired,
      approvalRequired,
      window: windowOn ? { from, to, timeZone: timeZone.trim() || null } : null,
      groups: roleGroups,
      candidates,
      approvers,
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
        <Choices legend="Candidates (may request)" options={people} value={candidates} onChange={setCandidates} />
        <Choices legend="Approvers" options={people} value={approvers} onChange={setApprovers} />
        <Choices legend="Groups granted" options={groups.map((g) => ({ value: g.name, label: g.name }))} value={roleGroups} onChange={setGroups} />
      </div>
      <ErrorBox error={action.error} />
      <SubmitRow label={role ? 'Save changes' : 'Create role'} disabled={action.busy} onCancel={onCancel} />
    </form>
  );
}
