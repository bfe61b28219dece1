import { useState } from 'preact/hooks';
import { admin } from '../api.js';
import { when } from '../format.js';
import { Empty, ErrorBox, Field, Loading, Page, input, useLoad, Table } from '../ui.js';

// Suggestions only: the filter takes any action name (src/domain/audit/actions.ts lists them all).
// Transitions are named after their event (request.approved, request.closed, request.grant-confirmed
// ...); the server also finds records stored under the older spelling (request.Close) by these names.
const ACTIONS = [
  'request.created',
  'request.approved',
  'request.rejected',
  'request.mfa-passed',
  'request.closed',
  'request.expiry-reached',
  'request.grant-confirmed',
  'request.revoked',
  'approval.approved',
  'approval.rejected',
  'membership.added',
  'membership.removed',
  'mfa.passed',
  'mfa.failed',
  'mfa.replayed',
  'mfa.totp.enrolled',
  'mfa.reset',
  'role.created',
  'role.updated',
  'group.created',
  'account.created',
  'account.updated',
  'session.login',
];

/** A date field (browser's zone) as the instant its day starts, in the API's ISO form. */
function startOf(date: string, plusDays = 0): string {
  const d = new Date(`${date}T00:00`);
  d.setDate(d.getDate() + plusDays);
  return d.toISOString();
}

export function AdminAudit() {
  const users = useLoad(() => admin.users());
  const [action, setAction] = useState('');
  const [actorId, setActorId] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [requestId, setRequestId] = useState('');
  const q: Record<string, string> = { limit: '200' };
  if (action) q.action = action;
  if (actorId) q.actorId = actorId;
  if (since) q.since = startOf(since);
  if (until) q.until = startOf(until, 1);
  if (requestId.trim()) q.requestId = requestId.trim();
  const key = JSON.stringify(q);
  const audit = useLoad(() => admin.audit(q), [key]);
  const login = (id: string | null) => (id === null ? 'system' : (users.data?.find((u) => u.id === id)?.login ?? id));

  return (
    <Page title="Audit trail" intro="Every change, newest last; entries are hash-chained so a changed or deleted entry shows.">
      <form class="filters" aria-label="Filter the audit trail" onSubmit={(e) => e.preventDefault()}>
        <Field label="Action" hint="Exact name, e.g. role.updated">
          {(id, hint) => (
            <>
              <input id={id} name="action" list="audit-actions" aria-describedby={hint} value={action} onChange={input(setAction)} />
              <datalist id="audit-actions">
                {ACTIONS.map((a) => (
                  <option value={a} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field label="By">
          {(id) => (
            <select id={id} name="actor" value={actorId} onChange={(e) => setActorId((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">Anyone</option>
              {(users.data ?? []).map((u) => (
                <option value={u.id}>{u.login}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="From">{(id) => <input id={id} name="since" type="date" value={since} onInput={input(setSince)} />}</Field>
        <Field label="To">{(id) => <input id={id} name="until" type="date" value={until} onInput={input(setUntil)} />}</Field>
        <Field label="Request id">{(id) => <input id={id} name="requestId" value={requestId} onInput={input(setRequestId)} />}</Field>
      </form>
      <ErrorBox error={audit.error ?? users.error} />
      {!audit.data && !audit.error && <Loading what="the audit trail" />}
      {audit.data && audit.data.length === 0 && <Empty>No entries match these filters.</Empty>}
      {audit.data && audit.data.length > 0 && (
        <Table caption="Audit entries" columns={['#', 'When', 'By', 'Action', 'Target', 'Details']}>
              {audit.data.map((e) => (
                <tr key={e.seq}>
                  <td class="mono">{e.seq}</td>
                  <td>{when(e.at)}</td>
                  <td>{login(e.actorId)}</td>
                  <th scope="row" class="mono">
                    {e.action}
                  </th>
                  <td>
                    {e.targetType} <span class="muted mono">{e.targetId.slice(0, 8)}</span>
                  </td>
                  <td>
                    {(e.before != null || e.after != null) && (
                      <details>
                        <summary>Before / after</summary>
                        <pre>{JSON.stringify({ before: e.before, after: e.after }, null, 2)}</pre>
                      </details>
                    )}
                  </td>
                </tr>
              ))}
            </Table>
      )}
    </Page>
  );
}
