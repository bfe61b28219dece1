import { useState } from 'preact/hooks';
import { type Ending, type PamRequest, REQUEST_STATUSES, type RequestStatus, me, pam } from '../api.js';
import { RequestProgress } from '../approval-path.js';
import { Countdown, MfaChallenge, outcome } from '../elevation.js';
import { dayStart, duration, isSet, today, when } from '../format.js';
import { Empty, ErrorBox, Field, Loading, Page, StatusBadge, announce, input, useAction, useLoad, Table, usePoll } from '../ui.js';

/** Requests are named "<role> elevation" on the wire; people know the role's name. */
type RoleNames = ReadonlyMap<string, string>;
const roleName = (names: RoleNames, r: PamRequest) => names.get(r.RoleId) ?? r.DisplayName;

export function MyRequests() {
  const open = useLoad(() => pam.openRequests());
  const roles = useLoad(() => pam.roles());
  const names: RoleNames = new Map((roles.data ?? []).map((x) => [x.RoleId, x.DisplayName]));
  const [from, setFrom] = useState(today(-30));
  const [to, setTo] = useState(today());
  const [status, setStatus] = useState<'' | RequestStatus>('');
  const filter = [from && `CreationTime ge ${dayStart(from)}`, to && `CreationTime lt ${dayStart(to, 1)}`, status && `RequestStatus eq '${status}'`].filter(Boolean).join(' and ');
  const history = useLoad(async () => {
    const rows = await pam.history(filter);
    const endings = new Map((await me.endings(rows.map((r) => r.RequestId))).map((e) => [e.RequestId, e]));
    return { rows, endings };
  }, [filter]);
  const reloadAll = async () => {
    await Promise.all([open.reload(), history.reload()]);
  };
  usePoll(!!open.data?.some((r) => r.RequestStatus !== 'Active' && r.RequestStatus !== 'PendingMFA'), reloadAll);

  return (
    <Page title="My requests">
      <h2>In progress</h2>
      <ErrorBox error={open.error} />
      {!open.data && !open.error && <Loading what="your requests" />}
      {open.data && open.data.length === 0 && <Empty>Nothing is active or waiting. Activate a role under My roles.</Empty>}
      {open.data && open.data.length > 0 && (
        <ul class="cards" aria-label="Requests in progress">
          {open.data.map((r) => (
            <OpenRequest key={r.RequestId} r={r} name={roleName(names, r)} reload={reloadAll} />
          ))}
        </ul>
      )}

      <h2>History</h2>
      <form class="filters" aria-label="Filter the history" onSubmit={(e) => e.preventDefault()}>
        <Field label="From">{(id) => <input id={id} name="from" type="date" value={from} onInput={input(setFrom)} />}</Field>
        <Field label="To">{(id) => <input id={id} name="to" type="date" value={to} onInput={input(setTo)} />}</Field>
        <Field label="Status">
          {(id) => (
            <select id={id} name="status" value={status} onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value as RequestStatus | '')}>
              <option value="">Any</option>
              {REQUEST_STATUSES.map((s) => (
                <option value={s}>{s}</option>
              ))}
            </select>
          )}
        </Field>
      </form>
      <ErrorBox error={history.error} />
      {!history.data && !history.error && <Loading what="your history" />}
      {history.data && history.data.rows.length === 0 && <Empty>No requests match these filters.</Empty>}
      {history.data && history.data.rows.length > 0 && (
        <Table caption="Your requests, newest first" columns={['Role', 'Status', 'Asked', 'Duration', 'Ends / ended', 'Justification', 'Why it ended']}>
              {history.data.rows.map((r) => (
                <tr key={r.RequestId}>
                  <th scope="row">{roleName(names, r)}</th>
                  <td>
                    <StatusBadge status={r.RequestStatus} />
                  </td>
                  <td>{when(r.CreationTime)}</td>
                  {/* RequestedTTL 0 is a deactivation, a request of its own (the sample portal says "Deactivate"). */}
                  <td>{r.RequestedTTL === '0' ? 'Deactivation' : duration(Number(r.RequestedTTL))}</td>
                  <td>{when(r.ExpirationTime)}</td>
                  <td class="wrap">{r.Justification ?? ''}</td>
                  <td class="wrap">{whyEnded(history.data!.endings.get(r.RequestId))}</td>
                </tr>
              ))}
            </Table>
      )}
    </Page>
  );
}

/** The reason codes in words; an administrator's own words follow where they gave some. */
const WHY: Record<string, string> = {
  closed: 'You closed it',
  deactivated: 'You deactivated it',
  superseded: 'Extended by a later request',
  expired: 'Its time ran out',
  'timed-out': 'It waited too long',
  rejected: 'An approver rejected it',
  'mfa-failed': 'Too many wrong MFA codes',
  'window-missed': 'Outside its availability window',
  revoked: 'Revoked by an administrator',
  'account-disabled': 'Your account was disabled',
  'account-locked': 'Your account was locked',
  'role-changed': 'The role was changed',
};

function whyEnded(e: Ending | undefined): string {
  if (!e?.EndReason) return '';
  const words = WHY[e.EndReason] ?? e.EndReason;
  return e.EndNote ? `${words}: ${e.EndNote}` : words;
}

function OpenRequest({ r, name, reload }: { r: PamRequest; name: string; reload: () => Promise<void> }) {
  const action = useAction();
  const close = async () => {
    if (await action.run(() => pam.close(r.RequestId).then(() => undefined))) {
      announce(`${name}: request closed.`);
      await reload();
    }
  };
  const headingId = `req-${r.RequestId}`;
  return (
    <li class="card" aria-labelledby={headingId}>
      <div class="card-head">
        <h3 id={headingId}>{name}</h3>
        <StatusBadge status={r.RequestStatus} />
      </div>
      <dl class="facts">
        <div>
          <dt>Asked</dt>
          <dd>{when(r.CreationTime)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{duration(Number(r.RequestedTTL))}</dd>
        </div>
        {r.RequestStatus === 'Active' && isSet(r.ExpirationTime) && (
          <div>
            <dt>Ends</dt>
            <dd>
              {when(r.ExpirationTime)} · <Countdown until={r.ExpirationTime} what={name} onEnd={() => void reload()} />
            </dd>
          </div>
        )}
      </dl>
      {r.Justification && <p class="description">“{r.Justification}”</p>}
      {r.RequestStatus === 'PendingMFA' ? <MfaChallenge request={r} onDone={() => void reload()} /> : r.RequestStatus !== 'Active' && <p class="muted">{outcome(r, name)}</p>}
      {r.RequestStatus === 'PendingApproval' && <RequestProgress requestId={r.RequestId} label={`Approval of your request for ${name}`} />}
      <ErrorBox error={action.error} />
      {r.RequestStatus !== 'Closing' && (
        <div class="actions">
          <button type="button" class="danger" disabled={action.busy} onClick={() => void close()}>
            {r.RequestStatus === 'Active' ? 'Deactivate' : 'Cancel request'}
            <span class="sr-only"> for {name}</span>
          </button>
        </div>
      )}
    </li>
  );
}
