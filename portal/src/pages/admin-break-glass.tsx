import { admin } from '../api.js';
import { needsAttention } from '../break-glass-banner.js';
import { when } from '../format.js';
import { Empty, ErrorBox, Loading, Page, StatusBadge, Table, Tag, useLoad } from '../ui.js';

/** Every break-glass use, newest first: whether it is still active, and its review (who, when, what they said). */
export function AdminBreakGlass() {
  const { data, error } = useLoad(() => admin.breakGlassUses());
  const open = (data ?? []).filter(needsAttention).length;
  return (
    <Page
      title="Break-glass uses"
      intro="Activations of break-glass roles, which skip approval. Each must be reviewed afterwards by one of the role's approvers; until then its requester cannot use the role again."
    >
      <ErrorBox error={error} />
      {!data && !error && <Loading what="break-glass uses" />}
      {data && data.length === 0 && <Empty>Nobody has broken the glass.</Empty>}
      {data && data.length > 0 && (
        <>
          <p>{open === 0 ? 'Every use is over and reviewed.' : `${open} of ${data.length} need attention (still active, or not reviewed).`}</p>
          <Table caption="Break-glass uses, newest first" columns={['Role', 'Person', 'Status', 'Held', 'Justification', 'Review']}>
            {data.map((u) => (
              <tr key={u.requestId}>
                <th scope="row" data-label="Role">
                  {u.roleName}
                </th>
                <td data-label="Person">
                  {u.requester.displayName} <span class="muted">({u.requester.login})</span>
                </td>
                <td data-label="Status">
                  <StatusBadge status={u.status} />{' '}
                  <a href={`#/admin/requests/${u.requestId}`}>
                    Timeline<span class="sr-only"> of {u.requester.login}'s use of {u.roleName}</span>
                  </a>
                </td>
                <td data-label="Held">
                  {when(u.startedAt ?? u.createdAt)} – {when(u.expiresAt)}
                </td>
                <td data-label="Justification">
                  {u.justification || <span class="muted">none</span>}
                  {u.ticketId && <span class="mono"> {u.ticketId}</span>}
                </td>
                <td data-label="Review">
                  {u.review ? (
                    <>
                      <Tag tone="ok">reviewed</Tag> by {u.review.reviewer} at {when(u.review.reviewedAt)}
                      {u.review.factor && <span class="muted"> (with MFA)</span>}: “{u.review.comment}”
                    </>
                  ) : (
                    <Tag tone="bad">not reviewed</Tag>
                  )}
                </td>
              </tr>
            ))}
          </Table>
        </>
      )}
    </Page>
  );
}
