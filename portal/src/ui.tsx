import type { ComponentChildren, Ref } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type RequestStatus } from './api.js';

/** Polite announcements for screen readers, from anywhere: one shared live region in the shell. */
let announceFn: (text: string) => void = () => {};
export function setAnnouncer(fn: (text: string) => void): void {
  announceFn = fn;
}
export function announce(text: string): void {
  announceFn(text);
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return 'Something went wrong in the page. Reload it and try again.';
}

/** Loads data for a page; `reload` fetches again (after a change, or on a timer). */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []): { data: T | null; error: string | null; reload: () => Promise<void> } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const reload = useCallback(async () => {
    try {
      setData(await load());
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  }, deps);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, reload };
}

/**
 * Calls `reload` every `ms` while `active`: a request waiting for an approver or for the directory
 * changes on the server without the person doing anything.
 */
export function usePoll(active: boolean, reload: () => Promise<void>, ms = 4000): void {
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => void reload(), ms);
    return () => clearInterval(id);
  }, [active, reload, ms]);
}

/** Runs an action, remembers its error, and tells whether it is under way (to disable buttons). */
export function useAction(): { busy: boolean; error: string | null; run: (fn: () => Promise<void>) => Promise<boolean>; clear: () => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, clear: () => setError(null) };
}

/** The current time, ticking every `ms`: drives countdowns. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** A page: its heading takes focus on arrival so screen readers announce where the user is. */
export function Page({ title, intro, children }: { title: string; intro?: ComponentChildren; children: ComponentChildren }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    h1.current?.focus();
    document.title = `${title} · Elevate`;
  }, [title]);
  return (
    <section class="page" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1} ref={h1}>
        {title}
      </h1>
      {intro && <p class="intro">{intro}</p>}
      {children}
    </section>
  );
}

export function ErrorBox({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {error}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" aria-busy="true">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

const STATUS_TEXT: Record<RequestStatus, { label: string; tone: string }> = {
  PendingMFA: { label: 'Needs your code', tone: 'warn' },
  PendingApproval: { label: 'Awaiting approval', tone: 'warn' },
  Scheduled: { label: 'Scheduled', tone: 'info' },
  Processing: { label: 'Granting…', tone: 'info' },
  Active: { label: 'Active', tone: 'ok' },
  Closing: { label: 'Ending…', tone: 'info' },
  Closed: { label: 'Closed', tone: 'neutral' },
  Expired: { label: 'Expired', tone: 'neutral' },
  Rejected: { label: 'Rejected', tone: 'bad' },
};

export function StatusBadge({ status }: { status: RequestStatus }) {
  const s = STATUS_TEXT[status] ?? { label: status, tone: 'neutral' };
  return <span class={`badge badge-${s.tone}`}>{s.label}</span>;
}

export function Tag({ tone = 'neutral', children }: { tone?: string; children: ComponentChildren }) {
  return <span class={`badge badge-${tone}`}>{children}</span>;
}

let fieldSeq = 0;
/** A labelled form field; `hint` is read out with the field through aria-describedby. */
export function Field({ label, hint, children }: { label: string; hint?: string; children: (id: string, describedBy?: string) => ComponentChildren }) {
  const [id] = useState(() => `f${++fieldSeq}`);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children(id, hint ? `${id}-hint` : undefined)}
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
    </div>
  );
}

export function input(set: (v: string) => void) {
  return (e: Event) => set((e.currentTarget as HTMLInputElement).value);
}

export function checked(set: (v: boolean) => void) {
  return (e: Event) => set((e.currentTarget as HTMLInputElement).checked);
}

/** A scrollable table with a caption for screen readers and column headers. */
export function Table({ caption, columns, children }: { caption: string; columns: string[]; children: ComponentChildren }) {
  return (
    <div class="table-wrap">
      <table>
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A one-time code from an authenticator app: digits, read back by the phone's keyboard and autofill. */
export function CodeInput({ label, hint, value, onValue, inputRef }: { label: string; hint: string; value: string; onValue: (v: string) => void; inputRef?: Ref<HTMLInputElement> }) {
  return (
    <Field label={label} hint={hint}>
      {(id, described) => (
        <input
          id={id}
          ref={inputRef}
          name="code"
          class="code"
          inputMode="numeric"
          autocomplete="one-time-code"
          pattern="[0-9 ]{6,7}"
          maxLength={7}
          required
          aria-describedby={described}
          value={value}
          onInput={input(onValue)}
        />
      )}
    </Field>
  );
}

/** A form's submit button and, when the form can be abandoned, its Cancel. */
export function SubmitRow({ label, disabled, onCancel }: { label: string; disabled: boolean; onCancel?: () => void }) {
  return (
    <div class="actions">
      <button class="primary" type="submit" disabled={disabled}>
        {label}
      </button>
      {onCancel && (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      )}
    </div>
  );
}
