// Pieces shared by My roles and My requests: the countdown, the MFA challenge and the
// activation form (also used to extend an active role).
import { useEffect, useRef, useState } from 'preact/hooks';
import { type PamRequest, type Role, me, mfa, pam } from './api.js';
import { PathRules, PathStages } from './approval-path.js';
import { BreakGlassNotice, breakGlassRefusal } from './break-glass-notice.js';
import { clock, duration, localInputToIso, when } from './format.js';
import { passkeysSupported, usePasskey } from './passkey.js';
import { CodeInput, ErrorBox, SubmitRow, Field, announce, input, useAction, useLoad, useNow } from './ui.js';

/** Screen readers hear about an ending elevation once, this long before it ends. */
const WARN_MS = 5 * 60_000;

/**
 * Time left until `until`, updated every second; tells the parent once when it runs out. With
 * `what`, announces once that it ends in five minutes (the ticking itself is not read out).
 */
export function Countdown({ until, onEnd, what }: { until: string; onEnd?: () => void; what?: string }) {
  const now = useNow(1000);
  const left = Date.parse(until) - now;
  const ended = useRef(false);
  const warned = useRef(left <= WARN_MS);
  useEffect(() => {
    if (left <= 0 && !ended.current) {
      ended.current = true;
      onEnd?.();
    }
  }, [left <= 0]);
  useEffect(() => {
    if (what && left <= WARN_MS && left > 0 && !warned.current) {
      warned.current = true;
      announce(`${what} ends in 5 minutes.`);
    }
  }, [left <= WARN_MS]);
  // Screen readers get the minutes in the label; the seconds changing would be noise, so the
  // element is a timer (not announced as it ticks).
  return (
    <span class="countdown" role="timer" aria-label={`${duration(Math.max(0, left) / 1000)} left, until ${when(until)}`}>
      <span aria-hidden="true">{left > 0 ? `${clock(left)} left` : 'Ending…'}</span>
    </span>
  );
}

/** Whether to offer "Use a passkey": the browser can, and the server knows a passkey of this person. */
export function useHasPasskey(): boolean {
  const [has, setHas] = useState(false);
  useEffect(() => {
    if (!passkeysSupported()) return;
    mfa.factors().then(
      (f) => setHas(!!f && f.passkeys.length > 0),
      () => setHas(false), // the code field still works; the factor list is only a hint
    );
  }, []);
  return has;
}

/** The MFA challenge for one request: the 6-digit code from the authenticator, or a passkey. */
export function MfaChallenge({ request, onDone }: { request: PamRequest; onDone: (r: PamRequest) => void }) {
  const [code, setCode] = useState('');
  const action = useAction();
  const ref = useRef<HTMLInputElement>(null);
  const hasPasskey = useHasPasskey();
  useEffect(() => ref.current?.focus(), []);
  const passkey = async () => {
    let answer: PamRequest | null = null;
    const ok = await action.run(async () => {
      answer = await pam.verifyPasskey(request.RequestId, await usePasskey(await pam.requestPasskeyOptions(request.RequestId)));
    });
    if (!ok) return;
    announce(`Passkey accepted. The request is now ${answer!.RequestStatus === 'Active' ? 'active' : answer!.RequestStatus}.`);
    onDone(answer!);
  };
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
      <div class="actions">
        <button class="primary" type="submit" disabled={action.busy}>
          Verify
        </button>
        {hasPasskey && (
          <button type="button" disabled={action.busy} onClick={() => void passkey()}>
            Use a passkey
          </button>
        )}
      </div>
    </form>
  );
}

/**
 * Ask for a role now or later, for up to its TTL. Shows who may approve before asking, and asks for
 * what the role requires (a justification of some length, a ticket reference); the server checks
 * them and its refusal is shown here.
 */
export function ActivateForm({ role, extending, onDone, onCancel }: { role: Role; extending: boolean; onDone: (r: PamRequest) => void; onCancel: () => void }) {
  const path = useLoad(() => me.approvalPath(role.RoleId), [role.RoleId]);
  const ctx = path.data;
  const [ticket, setTicket] = useState('');
  // A break-glass role is capped shorter than its TTL by the server (its path says how short).
  const maxSeconds = ctx?.breakGlass ? Math.min(Number(role.TTL), ctx.breakGlass.maxTtlSeconds) : Number(role.TTL);
  const maxMinutes = Math.max(1, Math.floor(maxSeconds / 60));
  const [minutes, setMinutes] = useState(String(Math.min(60, maxMinutes)));
  useEffect(() => {
    if (Number(minutes) > maxMinutes) setMinutes(String(maxMinutes));
  }, [maxMinutes]);
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
      try {
        answer = await pam.create(role.RoleId, n * 60, justification.trim(), later && start ? localInputToIso(start) : null, ticket.trim() || null);
      } catch (err) {
        throw breakGlassRefusal(err, role.DisplayName, ctx);
      }
    });
    if (answer) onDone(answer);
  };
  return (
    <form class="activate" onSubmit={submit} aria-label={`${extending ? 'Extend' : 'Activate'} ${role.DisplayName}`}>
      {ctx?.breakGlass && <BreakGlassNotice path={{ ...ctx, breakGlass: ctx.breakGlass }} />}
      <div class="row">
        <Field label="Duration (minutes)" hint={`From 1 to ${maxMinutes} minutes (${duration(maxSeconds)}${ctx?.breakGlass ? ', the break-glass limit' : ''}).`}>
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
      <Field label="Justification" hint={justificationHint(role, ctx?.justificationRequired ?? false, ctx?.justificationMinLength ?? 0, !!ctx?.breakGlass)}>
        {(id, hint) => (
          <textarea
            id={id}
            name="justification"
            rows={2}
            maxLength={4000}
            required={ctx?.justificationRequired ?? false}
            aria-describedby={hint}
            value={justification}
            onInput={input(setJustification)}
          />
        )}
      </Field>
      {ctx?.ticketPattern && (
        <Field label="Ticket" hint={`This role needs a ticket reference matching ${ctx.ticketPattern}.`}>
          {(id, hint) => <input id={id} name="ticket" class="mono" required maxLength={200} aria-describedby={hint} value={ticket} onInput={input(setTicket)} />}
        </Field>
      )}
      {ctx && ctx.approvalRequired && !ctx.breakGlass && (
        <div class="path-box">
          <p>Who approves:</p>
          <PathStages path={ctx} label={`Who approves ${role.DisplayName}`} />
          <PathRules path={ctx} />
        </div>
      )}
      <ErrorBox error={path.error} />
      {badMinutes && (
        <p class="error" role="alert">
          Choose a duration from 1 to {maxMinutes} minutes.
        </p>
      )}
      <ErrorBox error={action.error} />
      <SubmitRow label={extending ? 'Extend' : ctx?.breakGlass ? 'Break the glass' : role.ApprovalEnabled ? 'Request approval' : 'Activate'} disabled={action.busy || badMinutes} onCancel={onCancel} />
    </form>
  );
}

function justificationHint(role: Role, required: boolean, minLength: number, breakGlass: boolean): string {
  const base = breakGlass
    ? 'The reviewer reads this afterwards: say what is broken and what you will do.'
    : role.ApprovalEnabled
      ? 'The approver reads this: say what you will do and why.'
      : 'Kept in the audit trail.';
  if (minLength > 0) return `${required ? 'Required' : 'Optional'}, at least ${minLength} characters. ${base}`;
  return required ? `Required. ${base}` : base;
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
