import { admin } from '../api.js';
import { Countdown } from '../elevation.js';
import { when } from '../format.js';
import { Empty, ErrorBox, Loading, Page, StatusBadge, useLoad, Table } from '../ui.js';

export function AdminHoldings() {
  const { data, error, reload } = useLoad(() => admin.holdings());
  return (
    <Page title="Active now" intro="Who holds which role at this moment.">
      <div class="actions">
        <button type="button" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      <ErrorBox error={error} />
      {!data && !error && <Loading what="active elevations" />}
      {data && data.length === 0 && <Empty>Nobody holds a role right now.</Empty>}
      {data && data.length > 0 && (
        <Table caption="Active elevations by role" columns={['Role', 'Person', 'Status', 'Since', 'Until']}>
              {data.map((h) => (
                <tr key={h.requestId}>
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
                </tr>
              ))}
            </Table>
      )}
    </Page>
  );
}
