import { useState } from 'preact/hooks';
import { OPEN_STATUSES, type PamRequest, type Role, pam } from '../api.js';
import { RequestProgress } from '../approval-path.js';
import { ActivateForm, Countdown, MfaChallenge, outcome } from '../elevation.js';
import { duration, isSet, timeOfDay, when } from '../format.js';
import { Empty, ErrorBox, Loading, Page, StatusBadge, Tag, announce, useAction, useLoad, usePoll } from '../ui.js';

interface Data {
  roles: Role[];
  open: PamRequest[];
}

export function MyRoles() {
  const { data, error, reload } = useLoad<Data>(async () => {
    const [roles, open] = await Promise.all([pam.roles(), pam.openRequests()]);
    return { roles, open };
  });
  usePoll(!!data?.open.some((r) => r.RequestStatus !== 'Active' && r.RequestStatus !== 'PendingMFA'), reload);
  return (
    <Page title="My roles" intro="Roles you may activate. Each one adds you to its groups until the time you choose runs out.">
      <ErrorBox error={error} />
      {!data && !error && <Loading what="your roles" />}
      {data && data.roles.length === 0 && <Empty>You are not a candidate for any role. An administrator can add you to one.</Empty>}
      {data && (
        <ul class="cards" aria-label="Roles">
          {data.roles.map((role) => (
            <RoleCard key={role.RoleId} role={role} open={data.open.filter((r) => r.RoleId === role.RoleId && OPEN_STATUSES.includes(r.RequestStatus))} reload={reload} />
          ))}
        </ul>
      )}
    </Page>
  );
}

function RoleCard({ role, open, reload }: { role: Role; open: PamRequest[]; reload: () => Promise<void> }) {
  const [form, setForm] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const action = useAction();
  const active = open.find((r) => r.RequestStatus === 'Active');
  const pending = open.filter((r) => r !== active);
  const headingId = `role-${role.RoleId}`;

  const done = async (r: PamRequest) => {
    setForm(false);
    const text = outcome(r, role.DisplayName);
    // A pending request shows its own line (or the code form) once reloaded; only a start is news.
    setMessage(r.RequestStatus === 'Active' ? text : null);
    announce(text);
    await reload();
  };
  const deactivate = async () => {
    if (await action.run(() => pam.deactivate(role.RoleId).then(() => undefined))) {
      const text = `${role.DisplayName} is deactivated; you are being removed from its groups.`;
      setMessage(text);
      announce(text);
      await reload();
    }
  };

  return (
    <li class={`card role${active ? ' is-active' : ''}`} aria-labelledby={headingId}>
      <div class="card-head">
        <h2 id={headingId}>{role.DisplayName}</h2>
        {active ? <StatusBadge status="Active" /> : pending[0] && <StatusBadge status={pending[0].RequestStatus} />}
      </div>
      {role.Description && <p class="description">{role.Description}</p>}
      <dl class="facts">
        <div>
          <dt>Up to</dt>
          <dd>{duration(Number(role.TTL))}</dd>
        </div>
        <div>
          <dt>Available</dt>
          <dd>
            {role.AvailabilityWindowEnabled ? (
              <>
                {timeOfDay(role.AvailableFrom)}–{timeOfDay(role.AvailableTo)} <span class="muted">(server time)</span>
              </>
            ) : (
              'Any time'
            )}
          </dd>
        </div>
        <div>
          <dt>Checks</dt>
          <dd class="tags">
            {role.MFAEnabled && <Tag tone="info">MFA code</Tag>}
            {role.ApprovalEnabled && <Tag tone="info">Approval</Tag>}
            {!role.MFAEnabled && !role.ApprovalEnabled && <span class="muted">None</span>}
          </dd>
        </div>
      </dl>

      {active && (
        <p class="active-line">
          Active until {when(active.ExpirationTime)} · {isSet(active.ExpirationTime) && <Countdown until={active.ExpirationTime} what={role.DisplayName} onEnd={() => void reload()} />}
        </p>
      )}
      {pending.map((r) =>
        r.RequestStatus === 'PendingMFA' ? (
          <div class="inline-panel" key={r.RequestId}>
            <p>Enter a code from your authenticator to start {role.DisplayName}.</p>
            <MfaChallenge request={r} onDone={(x) => void done(x)} />
          </div>
        ) : (
          <div key={r.RequestId}>
            <p class="muted">{outcome(r, role.DisplayName)}</p>
            {r.RequestStatus === 'PendingApproval' && <RequestProgress requestId={r.RequestId} label={`Approval of your request for ${role.DisplayName}`} />}
          </div>
        ),
      )}
      {/* While active, the green active line says it already: one green box, not two. */}
      {message && !active && <p class="success">{message}</p>}
      <ErrorBox error={action.error} />
      {form ? (
        <ActivateForm role={role} extending={!!active} onDone={(r) => void done(r)} onCancel={() => setForm(false)} />
      ) : (
        <div class="actions">
          {active ? (
            <>
              <button type="button" onClick={() => (setMessage(null), setForm(true))}>
                Extend<span class="sr-only"> {role.DisplayName}</span>
              </button>
              <button type="button" class="danger" disabled={action.busy} onClick={() => void deactivate()}>
                Deactivate<span class="sr-only"> {role.DisplayName}</span>
              </button>
            </>
          ) : (
            pending.length === 0 && (
              <button type="button" class="primary" onClick={() => (setMessage(null), setForm(true))}>
                {role.ApprovalEnabled ? 'Request' : 'Activate'}
                <span class="sr-only"> {role.DisplayName}</span>
              </button>
            )
          )}
        </div>
      )}
    </li>
  );
}
