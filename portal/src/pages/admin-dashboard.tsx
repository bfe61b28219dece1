import { admin } from '../api.js';
import { ErrorBox, Loading, Page, useLoad, usePoll } from '../ui.js';

const minutes = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);

/** Where an administrator lands: the few numbers that say whether anything needs them. */
export function AdminDashboard() {
  const { data, error, reload } = useLoad(() => admin.dashboard());
  usePoll(true, reload, 15_000);
  return (
    <Page title="Overview">
      <ErrorBox error={error} />
      {!data && !error && <Loading what="the overview" />}
      {data && (
        <ul class="tiles" aria-label="At a glance">
          <li>
            <a href="#/admin/holdings">
              <strong>{data.activeNow}</strong> active now
            </a>
          </li>
          <li class={data.pendingApprovals > 0 ? 'warn' : undefined}>
            <a href="#/approvals">
              <strong>{data.pendingApprovals}</strong> waiting for approval
            </a>
          </li>
          <li class={data.outboxFailing > 0 ? 'bad' : undefined}>
            <strong>{data.outboxGrants + data.outboxRevokes}</strong> directory changes queued
            {data.outboxFailing > 0 && <span>, {data.outboxFailing} failing</span>}
          </li>
          <li class={data.revocationLatenessMs > 0 ? 'bad' : undefined}>
            {data.revocationLatenessMs > 0 ? (
              <>
                <strong>{minutes(data.revocationLatenessMs)}</strong> revocation late
              </>
            ) : (
              <>
                <strong>On time</strong> revocations
              </>
            )}
          </li>
          <li>
            <strong>{data.notificationsWaiting}</strong> notifications waiting
          </li>
        </ul>
      )}
    </Page>
  );
}
