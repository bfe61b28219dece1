import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type Me, signIn } from '../api.js';
import { ErrorBox, Field, errorText, input } from '../ui.js';

export function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: (me: Me) => void }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    first.current?.focus();
    document.title = 'Sign in · Elevate';
  }, []);

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
        <Field label="User name">
          {(id) => <input id={id} ref={first} name="login" autocomplete="username" required value={login} onInput={input(setLogin)} />}
        </Field>
        <Field label="Password">
          {(id) => <input id={id} name="password" type="password" autocomplete="current-password" required value={password} onInput={input(setPassword)} />}
        </Field>
        <ErrorBox error={error} />
        <button class="primary wide" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
