// Pieces shared by My roles and My requests: the countdown, the MFA challenge and the
// activation form (also used to extend an active role).
import { useEffect, useRef, useState } from 'preact/hooks';
import { type PamRequest, type Role, pam } from './api.js';
import { clock, duration, localInputToIso, when } from './format.js';
import { CodeInput, ErrorBox, SubmitRow, Field, announce, input, useAction, useNow } from './ui.js';

/** Time left until `until`, updated every second; tells the parent once when it runs out. */
export function Countdown({ until, onEnd }: { until: string; onEnd?: () => void }) {
  const now = useNow(1000);
  const left = Date.parse(until) - now;
  const ended = useRef(false);
  useEffect(() => {
    if (left <= 0 && !ended.current) {
      ended.current = true;
      onEnd?.();
    }
  }, [left <= 0]);
  // Screen readers get the minutes in the label; the seconds changing would be noise, so the
  // element is a timer (not announced as it ticks).
  return (
    <span class="countdown" role="timer" aria-label={`${duration(Math.max(0, left) / 1000)} left, until ${when(until)}`}>
      <span aria-hidden="true">{left > 0 ? `${clock(left)} left` : 'Ending…'}</span>
    </span>
  );
}

/** The MFA challenge for one request: the 6-digit code from the authenticator. */
export function MfaChallenge({ request, onDone }: { request: PamRequest; onDone: (r: PamRequest) => void }) {
  const [code, setCode] = useState('');
  const action = useAction();
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const submit = async (e: Event) => {
    e.preventDefault();
    let answer: PamRequest | null = null;
    const ok = await action.run(async () => {
      answer = await pam.verifyMfa(request.RequestId, code.replace(/\s+/g, ''));
    });
    if (!ok) {
      setCode('');
      ref.current?.focus();
      return;
    }
    announce(`Code accepted. The request is now ${answer!.RequestStatus === 'Active' ? 'active' : answer!.RequestStatus}.`);
    onDone(answer!);
  };
  return (
    <form class="mfa" onSubmit={submit} aria-label="Multi-factor check">
      <CodeInput label="Code from your authenticator app" hint="6 digits; a new one appears every 30 seconds." value={code} onValue={setCode} inputRef={ref} />
      <ErrorBox error={action.error} />
      <button class="primary" type="submit" disabled={action.busy}>
        Verify
      </button>
    </form>
  );
}

/** Ask for a role now or later, for up to its TTL. */
export function ActivateForm({ role, extending, onDone, onCancel }: { role: Role; extending: boolean; onDone: (r: PamRequest) => void; onCancel: () => void }) {
  const maxMinutes = Math.max(1, Math.floor(Number(role.TTL) / 60));
  const [minutes, setMinutes] = useState(String(Math.min(60, maxMinutes)));
  const [justification, setJustification] = useState('');
  const [later, setLater] = useState(false);
  const [start, setStart] = useState('');
  const action = useAction();
  const badMinutes = minutes !== '' && (!Number.isInteger(Number(minutes)) || Number(minutes) < 1 || Number(minutes) > maxMinutes);
  const submit = async (e: Event) => {
    e.preventDefault();
    const n = Number(minutes);
    if (badMinutes) return;
    let answer: PamRequest | null = null;
    await action.run(async () => {
      answer = await pam.create(role.RoleId, n * 60, justification.trim(), later && start ? localInputToIso(start) : null);
    });
    if (answer) onDone(answer);
  };
  return (
    <form class="activate" onSubmit={submit} aria-label={`${extending ? 'Extend' : 'Activate'} ${role.DisplayName}`}>
      <div class="row">
        <Field label="Duration (minutes)" hint={`From 1 to ${maxMinutes} minutes (${duration(Number(role.TTL))}).`}>
          {(id, hint) => (
            <input
              id={id}
              name="minutes"
              type="number"
              min={1}
              max={maxMinutes}
              step={1}
              required
              aria-describedby={hint}
              aria-invalid={badMinutes}
              value={minutes}
              onInput={input(setMinutes)}
            />
          )}
        </Field>
        <div class="field checkbox-field">
          <label>
            <input type="checkbox" name="later" checked={later} onChange={(e) => setLater((e.currentTarget as HTMLInputElement).checked)} /> Start later
          </label>
        </div>
        {later && (
          <Field label="Start at" hint="Your local time.">
            {(id, hint) => <input id={id} name="start" type="datetime-local" required aria-describedby={hint} value={start} onInput={input(setStart)} />}
          </Field>
        )}
      </div>
      <Field label="Justification" hint={role.ApprovalEnabled ? 'The approver reads this: say what you will do and why.' : 'Kept in the audit trail.'}>
        {(id, hint) => <textarea id={id} name="justification" rows={2} maxLength={4000} aria-describedby={hint} value={justification} onInput={input(setJustification)} />}
      </Field>
      {badMinutes && (
        <p class="error" role="alert">
          Choose a duration from 1 to {maxMinutes} minutes.
        </p>
      )}
      <ErrorBox error={action.error} />
      <SubmitRow label={extending ? 'Extend' : role.ApprovalEnabled ? 'Request approval' : 'Activate'} disabled={action.busy || badMinutes} onCancel={onCancel} />
    </form>
  );
}

/** What a fresh answer to a request means for the person, in one sentence. */
export function outcome(r: PamRequest, roleName: string): string {
  switch (r.RequestStatus) {
    case 'Active':
      return `${roleName} is active until ${when(r.ExpirationTime)}.`;
    case 'PendingMFA':
      return `${roleName} needs a code from your authenticator before it starts.`;
    case 'PendingApproval':
      return `Your request for ${roleName} is waiting for an approver.`;
    case 'Scheduled':
      return `${roleName} is scheduled to start at ${when(r.RequestedTime)}.`;
    case 'Processing':
      return `${roleName} is being granted.`;
    default:
      return `${roleName}: ${r.RequestStatus}.`;
  }
}
