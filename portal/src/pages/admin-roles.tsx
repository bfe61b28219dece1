import { useState } from 'preact/hooks';
import { type AdminRole, type PageAsk, admin } from '../api.js';
import { duration, minutesToHhmm } from '../format.js';
import { SearchPaged } from '../search-pager.js';
import { Page, Tag, announce } from '../ui.js';
import { RoleEditor } from './role-editor.js';

export function AdminRoles() {
  // People and groups are not loaded here: the editor's pickers search the server as one types.
  const [editing, setEditing] = useState<string | null>(null);
  // A new role may land on any page: the list starts again from the first, unsearched.
  const [version, setVersion] = useState(0);
  // Only servers with the MFA extension know approver step-up; others refuse the unknown field.
  // Learnt from any page seen, so a search that matches nothing does not forget it.
  const [approverMfa, setApproverMfa] = useState(false);
  const load = async (p: PageAsk) => {
    const page = await admin.rolesPage(p);
    if (page.value.some((r) => 'approverMfaRequired' in r)) setApproverMfa(true);
    return page;
  };
  const saved = (reload: () => Promise<void>) => async (name: string) => {
    setEditing(null);
    announce(`Role ${name} saved.`);
    await reload();
  };
  const created = async (name: string) => {
    setEditing(null);
    announce(`Role ${name} saved.`);
    setVersion(version + 1);
  };
  return (
    <Page title="Roles" intro="Who may ask for each role, who approves it, what it grants and for how long.">
      <div class="actions">
        <button type="button" class="primary" onClick={() => setEditing('')} disabled={editing === ''}>
          New role
        </button>
      </div>
      {editing === '' && <RoleEditor role={null} approverMfa={approverMfa} onSaved={created} onCancel={() => setEditing(null)} />}
      <SearchPaged key={version} what="roles" label="Search by name or description" load={load}>
        {(roles, reload) => (
          <ul class="cards" aria-label="Roles">
            {roles.map((r) =>
              editing === r.name ? (
                <li key={r.id} class="card editing">
                  <RoleEditor role={r} approverMfa={approverMfa} onSaved={saved(reload)} onCancel={() => setEditing(null)} />
                </li>
              ) : (
                <RoleSummary key={r.id} r={r} onEdit={() => setEditing(r.name)} />
              ),
            )}
          </ul>
        )}
      </SearchPaged>
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
        {(r.autoApprove?.length ?? 0) > 0 && (
          <div>
            <dt>Rules</dt>
            <dd>{r.autoApprove.map((x) => x.name).join(', ')}</dd>
          </div>
        )}
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
