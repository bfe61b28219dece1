import { useState } from 'preact/hooks';
import { type Holding, admin } from '../api.js';
import { Countdown } from '../elevation.js';
import { when } from '../format.js';
import { Empty, ErrorBox, Field, Loading, Page, StatusBadge, announce, input, useAction, useLoad, Table } from '../ui.js';

export function AdminHoldings() {
  const { data, error, reload } = useLoad(() => admin.holdings());
  return (
    <Page title="Active now" intro="Who holds which role at this moment. Revoke ends an elevation at once; the person sees your reason.">
      <div class="actions">
        <button type="button" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      <ErrorBox error={error} />
      {!data && !error && <Loading what="active elevations" />}
      {data && data.length === 0 && <Empty>Nobody holds a role right now.</Empty>}
      {data && data.length > 0 && (
        <Table caption="Active elevations by role" columns={['Role', 'Person', 'Status', 'Since', 'Until', 'Actions']}>
              {data.map((h) => (
                <HoldingRow key={h.requestId} h={h} reload={reload} />
              ))}
            </Table>
      )}
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
        <StatusBadge status={h.status} />
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
