import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type Me, type SignInMethods, signIn, signInMethods } from '../api.js';
import { ErrorBox, Field, errorText, input } from '../ui.js';

/**
 * Why a single sign-on came back refused (the server's `?sso_error=` codes). Only these sentences
 * are shown: text from the address bar never reaches the page, so a link cannot put words here.
 */
const SSO_ERRORS: Record<string, string> = {
  state: 'The sign-in could not be matched to this browser, or it was already used or took too long. Start it again.',
  'provider-error': 'The identity provider refused the sign-in. Start it again; if it keeps happening, tell your administrator.',
  token: 'The identity provider\'s answer could not be verified, so Elevate did not accept it. Tell your administrator.',
  unreachable: 'Elevate could not reach the identity provider. Try again later.',
  'not-allowed': 'Your identity was confirmed, but it has no Elevate account that may sign in. Ask an administrator for access.',
};

/** The `?sso_error=` code in the address, removed from it so a reload does not show it again. */
function takeSsoError(): string | null {
  const params = new URLSearchParams(location.search);
  const code = params.get('sso_error');
  if (code === null) return null;
  history.replaceState(null, '', location.pathname + location.hash);
  return SSO_ERRORS[code] ?? SSO_ERRORS['provider-error']!;
}

export function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: (me: Me) => void }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(() => takeSsoError());
  const [busy, setBusy] = useState(false);
  const [methods, setMethods] = useState<SignInMethods | null>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    document.title = 'Sign in · Elevate';
    // A server that cannot say falls back to the password form, which then says what is wrong.
    signInMethods().then(setMethods, () => setMethods({ passwordSignIn: true, oidc: null }));
  }, []);
  useEffect(() => first.current?.focus(), [methods]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(login.trim(), password));
    } catch (err) {
      // The throttle's 429 already says how long to wait; say what to do about it as well.
      if (err instanceof ApiError && err.status === 429) setError(`${err.message} If you have forgotten your password, ask an administrator to reset it.`);
      else setError(errorText(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="signin">
      <form class="card signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <div class="brand brand-large" aria-hidden="true">
          <span class="brand-mark">E</span> Elevate
        </div>
        <h1 id="signin-title">Sign in</h1>
        <p class="muted">Request privileged roles for a limited time.</p>
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        {methods?.oidc && (
          <a class="sso" href={methods.oidc.start}>
            Sign in with {methods.oidc.displayName}
          </a>
        )}
        {methods?.oidc && methods.passwordSignIn && <p class="muted signin-or">or with your Elevate password</p>}
        {methods?.passwordSignIn && (
          <>
            <Field label="User name">
              {(id) => <input id={id} ref={first} name="login" autocomplete="username" required value={login} onInput={input(setLogin)} />}
            </Field>
            <Field label="Password">
              {(id) => <input id={id} name="password" type="password" autocomplete="current-password" required value={password} onInput={input(setPassword)} />}
            </Field>
          </>
        )}
        <ErrorBox error={error} />
        {methods?.passwordSignIn && (
          <button class="primary wide" type="submit" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        )}
      </form>
    </main>
  );
}
