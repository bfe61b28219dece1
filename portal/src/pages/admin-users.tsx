import { useState } from 'preact/hooks';
import { type EnrolmentCode, type User, admin, isLocked } from '../api.js';
import { when } from '../format.js';
import { SearchPaged } from '../search-pager.js';
import { ErrorBox, Field, SubmitRow, Page, Tag, announce, checked, input, useAction, Table } from '../ui.js';

export function AdminUsers() {
  const [version, setVersion] = useState(0);
  const created = async () => setVersion(version + 1);
  return (
    <Page title="Users">
      <SearchPaged key={version} what="users" label="Search by login, name or email" load={admin.usersPage}>
        {(users, reload) => (
          <Table caption="Users" columns={['Login', 'Name', 'Email', 'Flags', 'Actions']}>
            {users.map((u) => (
              <UserRow key={u.id} u={u} reload={reload} />
            ))}
          </Table>
        )}
      </SearchPaged>
      <NewUser reload={created} />
    </Page>
  );
}

function UserRow({ u, reload }: { u: User; reload: () => Promise<void> }) {
  const action = useAction();
  const [locking, setLocking] = useState(false);
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState('');
  // An enrolment code is answered once: shown here until the page is left, never stored.
  const [issued, setIssued] = useState<EnrolmentCode | null>(null);
  const lockout = u.mfaLockout;
  const act = async (what: string, fn: () => Promise<unknown>) => {
    if (await action.run(() => fn().then(() => undefined))) {
      announce(`${u.login}: ${what}.`);
      await reload();
    }
  };
  return (
    <tr>
      <th scope="row">{u.login}</th>
      <td data-label="Name">{u.displayName}</td>
      <td data-label="Email">{u.email ?? ''}</td>
      <td data-label="Flags" class="tags">
        {u.isAdmin && <Tag tone="info">Administrator</Tag>}
        {u.disabled && <Tag tone="bad">Disabled</Tag>}
        {isLocked(u) && (
          <Tag tone="bad">
            Locked{u.lock!.until !== null ? ` until ${when(u.lock!.until)}` : ''}: {u.lock!.reason}
          </Tag>
        )}
        {!u.hasPassword && <Tag>Directory sign-in</Tag>}
        {lockout?.locked && <Tag tone="bad">MFA locked after {lockout.failures} failures</Tag>}
        {lockout && !lockout.locked && lockout.failures > 0 && <Tag tone="warn">{lockout.failures} failed MFA attempts</Tag>}
      </td>
      <td>
        <div class="actions compact">
          <button type="button" disabled={action.busy} onClick={() => void act(u.disabled ? 'enabled' : 'disabled; every elevation ended', () => admin.updateUser(u.login, { disabled: !u.disabled }))}>
            {u.disabled ? 'Enable' : 'Disable'}
            <span class="sr-only"> {u.login}</span>
          </button>
          <button type="button" disabled={action.busy} onClick={() => void act('every MFA factor removed', () => admin.resetMfa(u.login))}>
            Reset MFA<span class="sr-only"> of {u.login}</span>
          </button>
          {u.lock ? (
            <button type="button" disabled={action.busy} onClick={() => void act('unlocked', () => admin.unlock(u.login))}>
              Unlock<span class="sr-only"> {u.login}</span>
            </button>
          ) : (
            !locking && (
              <button type="button" class="danger" disabled={action.busy} onClick={() => setLocking(true)}>
                Lock<span class="sr-only"> {u.login}</span>
              </button>
            )
          )}
          <button type="button" disabled={action.busy} onClick={() => void act('enrolment code issued', async () => setIssued(await admin.enrolmentCode(u.login)))}>
            Enrolment code<span class="sr-only"> for {u.login}</span>
          </button>
          {(lockout?.locked || (lockout?.failures ?? 0) > 0) && (
            <button type="button" disabled={action.busy} onClick={() => void act('MFA lockout lifted', () => admin.liftMfaLockout(u.login))}>
              Lift MFA lockout<span class="sr-only"> of {u.login}</span>
            </button>
          )}
        </div>
        {locking && (
          <form
            class="revoke"
            aria-label={`Lock ${u.login}`}
            onSubmit={(e) => {
              e.preventDefault();
              void act('locked; every elevation ended', () => admin.lock(u.login, reason, until ? new Date(until).toISOString() : null)).then(() => setLocking(false));
            }}
          >
            <Field label="Reason" hint="Audited, and shown to the person in their history.">
              {(id, describedBy) => <input id={id} name="reason" required maxLength={1000} value={reason} aria-describedby={describedBy} onInput={input(setReason)} />}
            </Field>
            <Field label="Until (optional)">{(id) => <input id={id} name="until" type="datetime-local" value={until} onInput={input(setUntil)} />}</Field>
            <div class="actions compact">
              <button type="submit" class="danger" disabled={action.busy}>
                Lock now<span class="sr-only"> {u.login}</span>
              </button>
              <button type="button" onClick={() => setLocking(false)}>
                Cancel
              </button>
            </div>
          </form>
        )}
        {issued && (
          <p class="success" role="status">
            Enrolment code for {u.login}: <strong data-testid="enrolment-code">{issued.code}</strong> (works once, until {when(issued.expiresAt)}; shown only now).
          </p>
        )}
        <ErrorBox error={action.error} />
      </td>
    </tr>
  );
}

function NewUser({ reload }: { reload: () => Promise<void> }) {
  const [login, setLogin] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [isAdmin, setIsAdmin] = useState(false);
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const ok = await action.run(async () => {
      await admin.createUser({ login: login.trim(), displayName: displayName.trim() || login.trim(), email: email.trim() || null, password, isAdmin });
    });
    if (ok) {
      announce(`User ${login} created.`);
      setLogin('');
      setDisplayName('');
      setEmail('');
      setPassword('');
      setIsAdmin(false);
      await reload();
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="new-user">
      <h2 id="new-user">New user</h2>
      <div class="row">
        <Field label="Login">{(id) => <input id={id} name="login" required value={login} onInput={input(setLogin)} />}</Field>
        <Field label="Display name">{(id) => <input id={id} name="displayName" value={displayName} onInput={input(setDisplayName)} />}</Field>
        <Field label="Email">{(id) => <input id={id} name="email" type="email" value={email} onInput={input(setEmail)} />}</Field>
        <Field label="Password">{(id) => <input id={id} name="password" type="password" autocomplete="new-password" required value={password} onInput={input(setPassword)} />}</Field>
      </div>
      <label class="check">
        <input type="checkbox" checked={isAdmin} onChange={checked(setIsAdmin)} /> Administrator
      </label>
      <ErrorBox error={action.error} />
      <SubmitRow label="Create user" disabled={action.busy} />
    </form>
  );
}
