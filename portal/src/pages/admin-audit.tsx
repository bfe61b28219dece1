import { useState } from 'preact/hooks';
import { admin, type AuditEntry } from '../api.js';
import { when } from '../format.js';
import { AUDIT_ACTIONS } from '../../../src/domain/audit/actions.js';
import { Empty, ErrorBox, Field, Loading, Page, announce, useAction, useLoad, Table } from '../ui.js';

/** Most entries an export holds (the API's own limit); the page shows 100 at a time. */
const EXPORT_LIMIT = '10000';
const PAGE = '100';

/** A date field (browser's zone) as the instant its day starts, in the API's ISO form. */
function startOf(date: string, plusDays = 0): string {
  const d = new Date(`${date}T00:00`);
  d.setDate(d.getDate() + plusDays);
  return d.toISOString();
}

export function AdminAudit({ initialRequestId = '' }: { initialRequestId?: string }) {
  const users = useLoad(() => admin.users());
  const [action, setAction] = useState('');
  const [actorId, setActorId] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [requestId, setRequestId] = useState(initialRequestId);
  const [before, setBefore] = useState<number[]>([]); // cursors of the pages read so far, to go back
  const q: Record<string, string> = {};
  if (action) q.action = action;
  if (actorId) q.actorId = actorId;
  if (since) q.since = startOf(since);
  if (until) q.until = startOf(until, 1);
  if (requestId.trim()) q.requestId = requestId.trim();
  const key = JSON.stringify(q);
  const cursor = before.at(-1);
  const audit = useLoad(() => admin.auditPage({ ...q, limit: PAGE, ...(cursor === undefined ? {} : { before: String(cursor) }) }), [key, cursor]);
  const rows = audit.data ? [...audit.data.value].reverse() : null; // newest first
  const exporting = useAction();
  const filter = (set: (v: string) => void) => (e: Event) => {
    set((e.currentTarget as HTMLInputElement).value);
    setBefore([]);
  };
  const download = (format: 'csv' | 'json') =>
    exporting.run(async () => {
      const all = [...(await admin.auditPage({ ...q, limit: EXPORT_LIMIT })).value].reverse();
      const body = format === 'json' ? JSON.stringify(all, null, 2) : toCsv(all);
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([body], { type: format === 'json' ? 'application/json' : 'text/csv' }));
      a.download = `elevate-audit.${format}`;
      a.click();
      URL.revokeObjectURL(a.href);
      announce(`Exported ${all.length} audit entries as ${format.toUpperCase()}.`);
    });

  return (
    <Page title="Audit trail" intro="Every change, newest first; entries are hash-chained so a changed or deleted entry shows.">
      <form class="filters" aria-label="Filter the audit trail" onSubmit={(e) => e.preventDefault()}>
        <Field label="Action">
          {(id) => (
            <select id={id} name="action" value={action} onChange={filter(setAction)}>
              <option value="">Any action</option>
              {AUDIT_ACTIONS.map((a) => (
                <option value={a}>{a}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="By">
          {(id) => (
            <select id={id} name="actor" value={actorId} onChange={filter(setActorId)}>
              <option value="">Anyone</option>
              {(users.data ?? []).map((u) => (
                <option value={u.id}>{u.login}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="From">{(id) => <input id={id} name="since" type="date" value={since} onInput={filter(setSince)} />}</Field>
        <Field label="To">{(id) => <input id={id} name="until" type="date" value={until} onInput={filter(setUntil)} />}</Field>
        <Field label="Request id">{(id) => <input id={id} name="requestId" value={requestId} onInput={filter(setRequestId)} />}</Field>
      </form>
      <div class="actions">
        <button type="button" disabled={exporting.busy} onClick={() => void download('csv')}>
          Export CSV<span class="sr-only"> of the entries matching the filter</span>
        </button>
        <button type="button" disabled={exporting.busy} onClick={() => void download('json')}>
          Export JSON<span class="sr-only"> of the entries matching the filter</span>
        </button>
      </div>
      <ErrorBox error={audit.error ?? users.error ?? exporting.error} />
      {!rows && !audit.error && <Loading what="the audit trail" />}
      {rows && rows.length === 0 && <Empty>No entries match these filters.</Empty>}
      {rows && rows.length > 0 && (
        <Table caption="Audit entries, newest first" columns={['When', 'By', 'Action', 'Target', 'Details']}>
          {rows.map((e) => (
            <tr key={e.seq}>
              <td data-label="When">
                {when(e.at)} <span class="muted mono">#{e.seq}</span>
              </td>
              <td data-label="By">{e.actorName}</td>
              <th scope="row" data-label="Action" class="mono">
                {e.actionName}
              </th>
              <td data-label="Target">
                {e.requestId ? <a href={`#/admin/requests/${e.requestId}`}>{e.targetName}</a> : e.targetName} <span class="muted">({e.targetType})</span>
              </td>
              <td data-label="Details">
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
      <nav class="pager" aria-label="Pages of the audit trail">
        <button type="button" disabled={before.length === 0} onClick={() => setBefore(before.slice(0, -1))}>
          Newer entries
        </button>
        <button type="button" disabled={!audit.data?.nextBefore} onClick={() => audit.data?.nextBefore && setBefore([...before, audit.data.nextBefore])}>
          Older entries
        </button>
      </nav>
    </Page>
  );
}

const CSV_COLUMNS = ['seq', 'at', 'actorName', 'actorId', 'actionName', 'targetType', 'targetName', 'targetId', 'requestId'] as const;

/** RFC 4180 CSV; a cell starting with = + - @ is prefixed with ' so a spreadsheet does not run it. */
function toCsv(rows: AuditEntry[]): string {
  const cell = (v: unknown) => {
    let t = v == null ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(t)) t = `'${t}`;
    return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
  };
  const line = (e: AuditEntry) => CSV_COLUMNS.map((c) => cell(c === 'at' ? new Date(e.at).toISOString() : e[c])).join(',');
  return [CSV_COLUMNS.join(','), ...rows.map(line)].join('\r\n') + '\r\n';
}
