import { useState } from 'preact/hooks';
import { type Holding, admin } from '../api.js';
import { Countdown } from '../elevation.js';
import { when } from '../format.js';
import { SearchPaged } from '../search-pager.js';
import { ErrorBox, Field, Page, StatusBadge, announce, input, useAction, Table } from '../ui.js';

export function AdminHoldings() {
  return (
    <Page title="Active now" intro="Who holds which role at this moment. Revoke ends an elevation at once; the person sees your reason.">
      <SearchPaged what="active elevations" label="Search by role, login or name" empty="Nobody holds a role right now." load={admin.holdingsPage}>
        {(held, reload) => (
          <Table caption="Active elevations by role" columns={['Role', 'Person', 'Status', 'Since', 'Until', 'Actions']}>
            {held.map((h) => (
              <HoldingRow key={h.requestId} h={h} reload={reload} />
            ))}
          </Table>
        )}
      </SearchPaged>
    </Page>
  );
}

function HoldingRow({ h, reload }: { h: Holding; reload: () => Promise<void> }) {
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const action = useAction();
  const who = `${h.roleName} of ${h.login}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (await action.run(() => admin.revoke(h.requestId, reason).then(() => undefined))) {
      announce(`${who}: revoked.`);
      setAsking(false);
      setReason('');
      await reload();
    }
  };
  return (
    <tr>
      <th scope="row">{h.roleName}</th>
      <td>
        {h.displayName} <span class="muted">({h.login})</span>
      </td>
      <td>
        <StatusBadge status={h.status} /> <a href={`#/admin/requests/${h.requestId}`}>Timeline<span class="sr-only"> of {who}</span></a>
      </td>
      <td>{when(h.startedAt)}</td>
      <td>
        {when(h.expiresAt)}
        {h.expiresAt !== null && (
          <>
            {' · '}
            <Countdown until={new Date(h.expiresAt).toISOString()} onEnd={() => void reload()} />
          </>
        )}
      </td>
      <td>
        {!asking && (
          <div class="actions compact">
            <button type="button" class="danger" onClick={() => setAsking(true)}>
              Revoke<span class="sr-only"> {who}</span>
            </button>
          </div>
        )}
        {asking && (
          <form class="revoke" aria-label={`Revoke ${who}`} onSubmit={submit}>
            <Field label="Reason" hint="Shown to the person and kept in the audit trail.">
              {(id, describedBy) => <input id={id} name="reason" required maxLength={1000} value={reason} aria-describedby={describedBy} onInput={input(setReason)} />}
            </Field>
            <div class="actions compact">
              <button type="submit" class="danger" disabled={action.busy}>
                Revoke now<span class="sr-only"> {who}</span>
              </button>
              <button type="button" disabled={action.busy} onClick={() => (setAsking(false), action.clear())}>
                Cancel
              </button>
            </div>
            <ErrorBox error={action.error} />
          </form>
        )}
      </td>
    </tr>
  );
}
