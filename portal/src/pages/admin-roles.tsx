import { useState } from 'preact/hooks';
import { type AdminRole, admin } from '../api.js';
import { duration, minutesToHhmm } from '../format.js';
import { ErrorBox, Loading, Page, Tag, announce, useLoad } from '../ui.js';
import { RoleEditor } from './role-editor.js';

interface Data {
  roles: AdminRole[];
}

export function AdminRoles() {
  // People and groups are not loaded here: the editor's pickers search the server as one types.
  const { data, error, reload } = useLoad<Data>(async () => ({ roles: await admin.roles() }));
  const [editing, setEditing] = useState<string | null>(null);
  // Only servers with the MFA extension know approver step-up; others refuse the unknown field.
  const approverMfa = !!data?.roles.some((r) => 'approverMfaRequired' in r);
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
          {editing === '' && <RoleEditor role={null} approverMfa={approverMfa} onSaved={saved} onCancel={() => setEditing(null)} />}
          <ul class="cards" aria-label="Roles">
            {data.roles.map((r) =>
              editing === r.name ? (
                <li key={r.id} class="card editing">
                  <RoleEditor role={r} approverMfa={approverMfa} onSaved={saved} onCancel={() => setEditing(null)} />
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
          {r.approverMfaRequired && <Tag tone="info">Approver MFA</Tag>}
          {r.justificationRequired && <Tag tone="info">Justification</Tag>}
          {r.ticketPattern && <Tag tone="info">Ticket</Tag>}
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
          <dt>Approval</dt>
          <dd>{approvalSummary(r)}</dd>
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

/** "2 of ann, bob, DBA Leads (group) → 1 of dave": the path in one line, stage by stage. */
function approvalSummary(r: AdminRole): string {
  if (!r.approvalRequired) return 'None';
  const stages = r.approval?.stages ?? [{ approvers: r.approvers, approverGroups: [], required: 1 }];
  return stages.map((s) => `${s.required} of ${[...s.approvers, ...s.approverGroups.map((g) => `${g} (group)`)].join(', ')}`).join(' → ');
}
