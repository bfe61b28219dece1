import type { ComponentChildren } from 'preact';
import { admin, type AuditEntry } from '../api.js';
import { when } from '../format.js';
import { ErrorBox, Loading, Page, StatusBadge, useLoad } from '../ui.js';

/** What each recorded action means, in a sentence an administrator reads without the action list. */
const SAYS: Record<string, string> = {
  'request.created': 'Requested',
  'request.mfa-passed': 'Passed MFA',
  'request.mfa-failed': 'Failed MFA',
  'request.approved': 'Approved',
  'request.rejected': 'Rejected',
  'request.start-reached': 'Start time reached',
  'request.grant-confirmed': 'Access granted (directory confirmed)',
  'request.closed': 'Closed',
  'request.expiry-reached': 'Time ran out',
  'request.revoke-confirmed': 'Access removed (directory confirmed)',
  'request.timed-out': 'Timed out waiting',
  'request.expired': 'Time ran out; access removed',
  'request.revoked': 'Revoked by an administrator',
  'request.break-glass-reviewed': 'Break-glass use reviewed',
  'approval.voted': 'Vote cast',
  'approval.approved': 'Approval given',
  'approval.rejected': 'Approval refused',
  'approval.cancelled': 'Approval cancelled',
  'approval.expired': 'Approval expired',
  'membership.added': 'Added to group',
  'membership.removed': 'Removed from group',
};

/** Warnings: the reconciler found a difference, or a step failed. */
const isWarning = (e: AuditEntry) => /failed|reported|timed-out|rejected/.test(e.actionName);

/** One request and everything that happened to it, oldest first; reached from every admin list and the audit trail. */
export function AdminRequest({ id }: { id: string }) {
  const { data, error } = useLoad(() => admin.timeline(id), [id]);
  const r = data?.request;
  return (
    <Page title={r ? `${r.roleName} for ${r.login}` : 'Request'}>
      <ErrorBox error={error} />
      {!data && !error && <Loading what="the request" />}
      {r && data && (
        <>
          <dl class="facts card">
            <Fact term="Status">
              <StatusBadge status={r.status} />
            </Fact>
            <Fact term="Requested by">
              {r.displayName} ({r.login})
            </Fact>
            <Fact term="Justification">{r.justification || '—'}</Fact>
            {r.autoApprovedBy && <Fact term="Approved by rule">{r.autoApprovedBy}</Fact>}
            <Fact term="Created">{when(r.createdAt)}</Fact>
            {r.startedAt !== null && <Fact term="Started">{when(r.startedAt)}</Fact>}
            {r.expiresAt !== null && <Fact term="Until">{when(r.expiresAt)}</Fact>}
            {r.endReason !== null && (
              <Fact term="Ended">
                {r.endedAt !== null ? `${when(r.endedAt)}: ` : ''}
                {r.endReason}
                {r.endNote ? ` (${r.endNote})` : ''}
              </Fact>
            )}
          </dl>
          <h2>Timeline</h2>
          <ol class="timeline" aria-label="What happened, oldest first">
            {data.events.map((e) => (
              <li key={e.seq} class={isWarning(e) ? 'warn' : undefined}>
                <time dateTime={new Date(e.at).toISOString()}>{when(e.at)}</time>{' '}
                <strong>{SAYS[e.actionName] ?? e.actionName}</strong>
                {e.targetType === 'membership' ? ` ${e.targetName}` : ''}
                {expiryGroups(e)} <span class="muted">by {e.actorName}</span>
              </li>
            ))}
          </ol>
          <p>
            <a href={`#/admin/audit?requestId=${encodeURIComponent(id)}`}>Audit entries of this request</a>
          </p>
        </>
      )}
    </Page>
  );
}

/**
 * The groups a batched expiry removed and kept: its one record says what the engine's row-by-row
 * path says in several (`request.expired` in docs/benchmarks.md).
 */
function expiryGroups(e: AuditEntry): string {
  if (e.actionName !== 'request.expired') return '';
  const { removed = [], kept = [] } = (e.after ?? {}) as { removed?: string[]; kept?: string[] };
  return (removed.length > 0 ? ` from ${removed.join(', ')}` : '') + (kept.length > 0 ? ` (kept, still granted by another elevation: ${kept.join(', ')})` : '');
}

/** A term and its value, kept together so the facts grid lays them out as pairs. */
function Fact({ term, children }: { term: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}
