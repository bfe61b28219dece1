import { useState } from 'preact/hooks';
import { ApiError, type BreakGlassUse, me } from '../api.js';
import { when } from '../format.js';
import { CodeInput, Empty, ErrorBox, Field, Loading, Page, StatusBadge, announce, input, useAction, useLoad } from '../ui.js';

/** An approver's break-glass reviews: uses of roles they approve, each to look back at and judge. */
export function Reviews() {
  const { data, error, reload } = useLoad(() => me.breakGlassToReview());
  // The reviewed card leaves the list, so the confirmation is said here, where it stays visible.
  const [done, setDone] = useState<string | null>(null);
  const after = async (said: string) => {
    setDone(said);
    await reload();
  };
  return (
    <Page
      title="Break-glass reviews"
      intro="Someone used a break-glass role of yours without asking anyone. Look at what they did and why, and say whether it was warranted; until you do, they cannot use the role again."
    >
      {done && (
        <p class="success" role="status">
          {done}
        </p>
      )}
      <ErrorBox error={error} />
      {!data && !error && <Loading what="break-glass uses" />}
      {data && data.length === 0 && <Empty>No break-glass use is waiting for your review.</Empty>}
      {data && data.length > 0 && (
        <ul class="cards" aria-label="Break-glass uses to review">
          {data.map((u) => (
            <ReviewCard key={u.requestId} u={u} after={after} />
          ))}
        </ul>
      )}
    </Page>
  );
}

function ReviewCard({ u, after }: { u: BreakGlassUse; after: (said: string) => Promise<void> }) {
  const [comment, setComment] = useState('');
  // Set when the role wants the reviewer's own MFA (the server said MfaRequired).
  const [stepUp, setStepUp] = useState(false);
  const [code, setCode] = useState('');
  const action = useAction();
  const who = `${u.requester.login}'s use of ${u.roleName}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    const ok = await action.run(async () => {
      try {
        await me.reviewBreakGlass(u.requestId, comment.trim(), stepUp ? code.replace(/\s+/g, '') : null);
      } catch (err) {
        if (err instanceof ApiError && err.code === 'MfaRequired') setStepUp(true);
        throw err;
      }
    });
    if (ok) {
      const said = `Reviewed: ${who}. ${u.requester.login} may use the role again.`;
      announce(said);
      await after(said);
    }
  };
  const headingId = `bg-${u.requestId}`;
  return (
    <li class="card" aria-labelledby={headingId}>
      <div class="card-head">
        <h2 id={headingId}>
          {u.requester.displayName} <span class="muted">broke the glass on</span> {u.roleName}
        </h2>
        <StatusBadge status={u.status} />
      </div>
      <dl class="facts">
        <div>
          <dt>Asked</dt>
          <dd>{when(u.createdAt)}</dd>
        </div>
        <div>
          <dt>Access from</dt>
          <dd>{u.startedAt === null ? 'Not granted yet' : when(u.startedAt)}</dd>
        </div>
        <div>
          <dt>{u.status === 'Active' ? 'Ends' : 'Until'}</dt>
          <dd>{when(u.expiresAt)}</dd>
        </div>
        {u.ticketId && (
          <div>
            <dt>Ticket</dt>
            <dd class="mono">{u.ticketId}</dd>
          </div>
        )}
      </dl>
      <blockquote class="justification">{u.justification || <span class="muted">No justification given.</span>}</blockquote>
      <form onSubmit={submit} aria-label={`Review ${who}`}>
        <Field label="Review comment" hint="Required: what was done with the access, and whether it was warranted. Kept in the audit trail.">
          {(id, hint) => <textarea id={id} name="comment" rows={3} required maxLength={2000} aria-describedby={hint} value={comment} onInput={input(setComment)} />}
        </Field>
        {stepUp && (
          <>
            <p>This role asks its reviewers to confirm with their own authenticator.</p>
            <CodeInput label="Your code" hint="From your authenticator app." value={code} onValue={setCode} />
          </>
        )}
        <ErrorBox error={action.error} />
        <div class="actions">
          <button class="primary" type="submit" disabled={action.busy}>
            {stepUp ? 'Record review with code' : 'Record review'}
            <span class="sr-only"> of {who}</span>
          </button>
        </div>
      </form>
    </li>
  );
}
