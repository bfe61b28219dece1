import { useState } from 'preact/hooks';
import { type TotpEnrolment, mfa } from '../api.js';
import { CodeInput, ErrorBox, Page, announce, useAction } from '../ui.js';

export function Security({ onSignOutEverywhere }: { onSignOutEverywhere: () => Promise<void> }) {
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [code, setCode] = useState('');
  const [done, setDone] = useState(false);
  const start = useAction();
  const confirm = useAction();
  const everywhere = useAction();

  const begin = async () => {
    setDone(false);
    await start.run(async () => setEnrolment(await mfa.enrolTotp()));
  };
  const finish = async (e: Event) => {
    e.preventDefault();
    if (await confirm.run(() => mfa.confirmTotp(code.replace(/\s+/g, '')).then(() => undefined))) {
      setEnrolment(null);
      setCode('');
      setDone(true);
      announce('Authenticator set up.');
    }
  };
  // Groups of four are easier to type into an authenticator app by hand.
  const grouped = enrolment?.secret.replace(/(.{4})/g, '$1 ').trim();

  return (
    <Page title="Security">
      <section class="card" aria-labelledby="totp-title">
        <h2 id="totp-title">Authenticator app</h2>
        <p>Roles marked “MFA code” ask for a 6-digit code from an authenticator app (such as FreeOTP, Google Authenticator or 1Password).</p>
        {done && (
          <p class="success" role="status">
            Your authenticator is set up. Use its codes when a role asks for one.
          </p>
        )}
        {!enrolment && (
          <div class="actions">
            <button type="button" class="primary" disabled={start.busy} onClick={() => void begin()}>
              Set up an authenticator
            </button>
          </div>
        )}
        <ErrorBox error={start.error} />
        {enrolment && (
          <form onSubmit={finish} aria-label="Confirm the authenticator">
            <ol class="steps">
              <li>
                In your app, add an account by key (or open the link on your phone) and enter this key:
                <p class="secret" data-testid="totp-secret" aria-label={`Key: ${enrolment.secret.split('').join(' ')}`}>
                  {grouped}
                </p>
                <a href={enrolment.uri}>Open in authenticator app</a>
              </li>
              <li>
                <CodeInput label="Enter the code the app shows" hint="This proves the app and Elevate agree before the first real use." value={code} onValue={setCode} />
              </li>
            </ol>
            <ErrorBox error={confirm.error} />
            <div class="actions">
              <button class="primary" type="submit" disabled={confirm.busy}>
                Confirm
              </button>
              <button type="button" onClick={() => setEnrolment(null)}>
                Cancel
              </button>
            </div>
          </form>
        )}
      </section>
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
