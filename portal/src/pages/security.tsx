import { useState } from 'preact/hooks';
import { ApiError, type ChangeProof, type FactorChange, type Factors, type MyNotifications, type TotpEnrolment, mfa, myNotifications } from '../api.js';
import { when } from '../format.js';
import { createPasskey, passkeysSupported, usePasskey } from '../passkey.js';
import { CodeInput, ErrorBox, Field, Page, SubmitRow, announce, input, useAction, useLoad } from '../ui.js';

/** Builds the proof a factor change needs, asking the browser for a passkey when that is the way. */
type Prove = (change: FactorChange) => Promise<ChangeProof>;

export function Security({ onSignOutEverywhere }: { onSignOutEverywhere: () => Promise<void> }) {
  const factors = useLoad(() => mfa.factors());
  const everywhere = useAction();
  const [proofCode, setProofCode] = useState('');
  const f = factors.data;
  const hasFactor = !!f && (f.totp?.confirmed === true || f.passkeys.length > 0);
  // Issue 11: a password alone changes no factor. With a factor, a current code (or one of the
  // person's passkeys) proves each change; without one, the administrator's enrolment code does.
  const prove: Prove = async (change) => {
    const typed = proofCode.replace(/\s+/g, '');
    // A code works once: the next change needs the next code.
    setProofCode('');
    if (!hasFactor) return typed ? { EnrolmentCode: typed } : {};
    if (typed) return { Code: typed };
    if (f!.passkeys.length > 0 && passkeysSupported()) return { Passkey: await usePasskey(await mfa.changeOptions(change)) };
    throw new ApiError(0, 'MfaRequired', 'Enter a current code from your authenticator first: changing your factors needs one you already have.');
  };
  return (
    <Page title="Security">
      <ErrorBox error={factors.error} />
      {f && <Proof factors={f} hasFactor={hasFactor} value={proofCode} onValue={setProofCode} />}
      <Authenticator factors={f} reload={factors.reload} prove={prove} />
      {f && <Passkeys factors={f} reload={factors.reload} prove={prove} />}
      <Notifications />
      <section class="card" aria-labelledby="sessions-title">
        <h2 id="sessions-title">Sessions</h2>
        <p>Signed in on a computer you no longer use? End every session of yours, including this one.</p>
        <ErrorBox error={everywhere.error} />
        <div class="actions">
          <button type="button" class="danger" disabled={everywhere.busy} onClick={() => void everywhere.run(onSignOutEverywhere)}>
            Sign out everywhere
          </button>
        </div>
      </section>
    </Page>
  );
}

/** Where the person proves a change: a current code, or (with no factor yet) the enrolment code. */
function Proof({ factors, hasFactor, value, onValue }: { factors: Factors; hasFactor: boolean; value: string; onValue: (v: string) => void }) {
  return (
    <section class="card" aria-labelledby="proof-title">
      <h2 id="proof-title">{hasFactor ? 'Confirm it is you' : 'Your first factor'}</h2>
      {hasFactor ? (
        <Field
          label="Current code from your authenticator"
          hint={
            factors.passkeys.length > 0
              ? 'Adding, replacing or removing a factor needs one you already have. Leave this empty to confirm with one of your passkeys instead.'
              : 'Adding, replacing or removing a factor needs one you already have.'
          }
        >
          {(id, hint) => <input id={id} name="proofCode" class="code" inputMode="numeric" autocomplete="one-time-code" maxLength={7} aria-describedby={hint} value={value} onInput={input(onValue)} />}
        </Field>
      ) : (
        <Field label="Enrolment code" hint="The one-time code an administrator gave you to set up your first authenticator or passkey (such as ABCD-EFGH-IJKL-MNOP).">
          {(id, hint) => <input id={id} name="enrolmentCode" autocomplete="off" maxLength={64} aria-describedby={hint} value={value} onInput={input(onValue)} />}
        </Field>
      )}
    </section>
  );
}

function Authenticator({ factors, reload, prove }: { factors: Factors | null; reload: () => Promise<void>; prove: Prove }) {
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [code, setCode] = useState('');
  const [done, setDone] = useState(false);
  const start = useAction();
  const confirm = useAction();
  const begin = async () => {
    setDone(false);
    await start.run(async () => setEnrolment(await mfa.enrolTotp(await prove({ change: 'totp' }))));
  };
  const finish = async (e: Event) => {
    e.preventDefault();
    if (await confirm.run(() => mfa.confirmTotp(code.replace(/\s+/g, '')).then(() => undefined))) {
      setEnrolment(null);
      setCode('');
      setDone(true);
      announce('Authenticator set up.');
      await reload();
    }
  };
  // Groups of four are easier to type into an authenticator app by hand.
  const grouped = enrolment?.secret.replace(/(.{4})/g, '$1 ').trim();
  const confirmed = factors?.totp?.confirmed === true;

  return (
    <section class="card" aria-labelledby="totp-title">
      <h2 id="totp-title">Authenticator app</h2>
      <p>Roles marked “MFA code” ask for a 6-digit code from an authenticator app (such as FreeOTP, Google Authenticator or 1Password).</p>
      {confirmed && !done && <p class="muted">You have an authenticator, set up {when(factors!.totp!.createdAt)}. It keeps working until a new one is confirmed.</p>}
      {done && (
        <p class="success" role="status">
          Your authenticator is set up. Use its codes when a role asks for one.
        </p>
      )}
      {!enrolment && factors && (
        <div class="actions">
          <button type="button" class={confirmed ? '' : 'primary'} disabled={start.busy} onClick={() => void begin()}>
            {confirmed ? 'Replace the authenticator' : 'Set up an authenticator'}
          </button>
        </div>
      )}
      <ErrorBox error={start.error} />
      {enrolment && (
        <form onSubmit={finish} aria-label="Confirm the authenticator">
          <ol class="steps">
            <li>
              In your app, scan the code or add an account by key, and enter this key:
              {enrolment.qrDataUrl && <img class="qr" src={enrolment.qrDataUrl} alt="QR code of the authenticator key" width={180} height={180} />}
              <p class="secret" data-testid="totp-secret" aria-label={`Key: ${enrolment.secret.split('').join(' ')}`}>
                {grouped}
              </p>
              <p>
                <a href={enrolment.uri}>Open in authenticator app</a> <span class="muted">(on the phone that has it)</span>
              </p>
            </li>
            <li>
              <CodeInput label="Enter the code the app shows" hint="This proves the app and Elevate agree before the first real use." value={code} onValue={setCode} />
            </li>
          </ol>
          <ErrorBox error={confirm.error} />
          <SubmitRow label="Confirm" disabled={confirm.busy} onCancel={() => setEnrolment(null)} />
        </form>
      )}
    </section>
  );
}

/** Only on servers with the MFA extension (they list factors); a browser without WebAuthn is told so. */
function Passkeys({ factors, reload, prove }: { factors: Factors; reload: () => Promise<void>; prove: Prove }) {
  const [name, setName] = useState('');
  const action = useAction();
  const add = async (e: Event) => {
    e.preventDefault();
    const label = name.trim() || 'Passkey';
    const addIt = async () => {
      const options = await mfa.passkeyOptions(await prove({ change: 'add-passkey' }));
      await mfa.addPasskey(label, await createPasskey(options));
    };
    if (await action.run(addIt)) {
      announce(`Passkey ${label} added.`);
      setName('');
      await reload();
    }
  };
  const remove = async (id: string, label: string) => {
    if (await action.run(async () => void (await mfa.removePasskey(id, await prove({ change: 'remove-passkey', passkeyId: id }))))) {
      announce(`Passkey ${label} removed.`);
      await reload();
    }
  };
  return (
    <section class="card" aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">Passkeys</h2>
      <p>A passkey (a security key, or your phone or computer's screen lock) can answer a role's MFA check instead of a code.</p>
      {factors.passkeys.length > 0 ? (
        <ul class="plain" aria-label="Your passkeys">
          {factors.passkeys.map((p) => (
            <li key={p.id} class="passkey">
              <span>
                <strong>{p.name}</strong> <span class="muted">added {when(p.createdAt)}{p.lastUsedAt ? `, last used ${when(p.lastUsedAt)}` : ''}</span>
              </span>
              <button type="button" class="danger" disabled={action.busy} onClick={() => void remove(p.id, p.name)}>
                Remove<span class="sr-only"> {p.name}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">You have no passkeys.</p>
      )}
      {passkeysSupported() ? (
        <form class="narrow" onSubmit={add} aria-label="Add a passkey">
          <Field label="Name for the new passkey" hint="So you can tell them apart, e.g. “YubiKey” or “Work laptop”.">
            {(id, hint) => <input id={id} name="passkeyName" maxLength={64} aria-describedby={hint} value={name} onInput={input(setName)} />}
          </Field>
          <ErrorBox error={action.error} />
          <SubmitRow label="Add a passkey" disabled={action.busy} />
        </form>
      ) : (
        <p class="notice">This browser cannot create passkeys here. Use an up-to-date browser, or an authenticator app.</p>
      )}
    </section>
  );
}

const EVENT_NAMES: Record<string, string> = {
  'approval-needed': 'A request waits for your approval',
  'decision-made': 'Your request was approved or rejected',
  'elevation-active': 'Your access is active',
  'ending-soon': 'Your access ends soon (with a link to extend)',
  'elevation-ended': 'Your access ended',
  'request-expired': 'Your request expired unanswered',
};

const STATUS_NAMES: Record<MyNotifications['deliveries'][number]['status'], string> = { delivered: 'Delivered', waiting: 'Waiting', failing: 'Failing, retried' };

/** Issue 15: which notifications reach this person, through which channels and to which address, and the last ones sent. */
function Notifications() {
  const mine = useLoad(() => myNotifications());
  const n = mine.data;
  const address = !n?.email.enabled
    ? 'Email notifications are not set up on this server.'
    : n.email.address !== null
      ? `Email goes to ${n.email.address}${n.email.source === 'directory' ? ' (from the directory)' : ''}.`
      : n.email.source === 'directory-unavailable'
        ? 'Email goes to the address in your directory entry (the directory cannot be reached right now).'
        : 'You have no email address on file, so no email reaches you.';
  return (
    <section class="card" aria-labelledby="notifications-title">
      <h2 id="notifications-title">Notifications</h2>
      <ErrorBox error={mine.error} />
      {n && (
        <>
          <p data-testid="notify-address" class="wrap-anywhere">{address}</p>
          <div class="table-wrap">
          <table>
            <caption>What you are told, and how</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Channels</th>
              </tr>
            </thead>
            <tbody>
              {n.events.map((e) => (
                <tr key={e.event}>
                  <td data-label="Event">{EVENT_NAMES[e.event] ?? e.event}</td>
                  <td data-label="Channels">{e.channels.length > 0 ? e.channels.join(', ') : 'none'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
          {n.sharedChannels.length > 0 && <p>Your roles' events are also posted to shared channels: {n.sharedChannels.join(', ')}.</p>}
          <h3>Last emails to you</h3>
          {n.deliveries.length === 0 ? (
            <p>None yet.</p>
          ) : (
            <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Time</th>
                </tr>
              </thead>
              <tbody>
                {n.deliveries.map((d) => (
                  <tr key={`${d.requestId}:${d.event}:${d.at}`}>
                    <td data-label="Event">{EVENT_NAMES[d.event] ?? d.event}</td>
                    <td data-label="Role">{d.role ?? '—'}</td>
                    <td data-label="Status">{STATUS_NAMES[d.status]}</td>
                    <td data-label="Time">{when(d.at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
