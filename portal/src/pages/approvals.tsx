import { useState } from 'preact/hooks';
import { ApiError, type Approval, pam } from '../api.js';
import { RequestProgress } from '../approval-path.js';
import { useHasPasskey } from '../elevation.js';
import { usePasskey } from '../passkey.js';
import { duration, isSet, when } from '../format.js';
import { CodeInput, Empty, ErrorBox, Field, Loading, Page, announce, input, useAction, useLoad } from '../ui.js';

export function Approvals({ onChange }: { onChange: () => void }) {
  const { data, error, reload } = useLoad(() => pam.approvals());
  // The decided card leaves the list, so the confirmation is said here, where it stays visible.
  const [decided, setDecided] = useState<string | null>(null);
  const after = async (said: string) => {
    setDecided(said);
    await reload();
    onChange();
  };
  return (
    <Page title="Approvals" intro="Requests waiting for your decision. The requester is added to the role's groups as soon as you approve.">
      {decided && (
        <p class="success" role="status">
          {decided}
        </p>
      )}
      <ErrorBox error={error} />
      {!data && !error && <Loading what="approvals" />}
      {data && data.length === 0 && <Empty>Nothing is waiting for you.</Empty>}
      {data && data.length > 0 && (
        <ul class="cards" aria-label="Requests to approve">
          {data.map((a) => (
            <ApprovalCard key={a.ApprovalObjectID.Value} a={a} after={after} />
          ))}
        </ul>
      )}
    </Page>
  );
}

/** "PRIV.jen" on the wire (MIM's spelling); people know the login. */
function requestor(a: Approval): string {
  return a.Requestor.slice(a.Requestor.indexOf('.') + 1);
}

function ApprovalCard({ a, after }: { a: Approval; after: (said: string) => Promise<void> }) {
  const [comment, setComment] = useState('');
  // Set when the role wants the approver's own MFA for this decision (the server said MfaRequired).
  const [stepUp, setStepUp] = useState(false);
  const [code, setCode] = useState('');
  const hasPasskey = useHasPasskey();
  const action = useAction();
  const who = requestor(a);
  const id = a.ApprovalObjectID.Value;
  const decide = async (verb: 'Approve' | 'Reject', proof: Parameters<typeof pam.decide>[3] = null) => {
    const ok = await action.run(async () => {
      try {
        await pam.decide(id, verb, comment.trim(), proof);
      } catch (e) {
        if (e instanceof ApiError && e.code === 'MfaRequired') setStepUp(true);
        throw e;
      }
    });
    if (ok) {
      const said = `${verb === 'Approve' ? 'Approved' : 'Rejected'}: ${who}'s request for ${a.RoleName}.`;
      announce(said);
      await after(said);
    }
  };
  const withCode = (e: Event) => {
    e.preventDefault();
    void decide('Approve', { Code: code.replace(/\s+/g, '') });
  };
  const withPasskey = async () => {
    let proof: Parameters<typeof pam.decide>[3] = null;
    if (await action.run(async () => void (proof = { Passkey: await usePasskey(await pam.approvalPasskeyOptions(id)) }))) await decide('Approve', proof);
  };
  const headingId = `ap-${a.ApprovalObjectID.Value}`;
  return (
    <li class="card" aria-labelledby={headingId}>
      <div class="card-head">
        <h2 id={headingId}>
          {who} <span class="muted">asks for</span> {a.RoleName}
        </h2>
      </div>
      <dl class="facts">
        <div>
          <dt>Duration</dt>
          <dd>{duration(Number(a.RequestedTTL))}</dd>
        </div>
        <div>
          <dt>Start</dt>
          <dd>{isSet(a.RequestedTime) && a.RequestedTime > a.CreationTime ? when(a.RequestedTime) : 'As soon as approved'}</dd>
        </div>
        <div>
          <dt>Asked</dt>
          <dd>{when(a.CreationTime)}</dd>
        </div>
      </dl>
      <RequestProgress requestId={a.FIMRequestID.Value} label={`Approval of ${requestor(a)}'s request for ${a.RoleName}`} />
      <blockquote class="justification">{a.Justification || <span class="muted">No justification given.</span>}</blockquote>
      <Field label="Comment" hint="Optional; kept with the decision in the audit trail.">
        {(id, hint) => <textarea id={id} name="comment" rows={2} maxLength={4000} aria-describedby={hint} value={comment} onInput={input(setComment)} />}
      </Field>
      <ErrorBox error={action.error} />
      {stepUp && (
        <form class="mfa" onSubmit={withCode} aria-label="Confirm the approval with your MFA">
          <p>This role asks approvers to confirm with their own authenticator.</p>
          <CodeInput label="Your code" hint="From your authenticator app." value={code} onValue={setCode} />
          <div class="actions">
            <button class="primary" type="submit" disabled={action.busy}>
              Approve with code
            </button>
            {hasPasskey && (
              <button type="button" disabled={action.busy} onClick={() => void withPasskey()}>
                Approve with a passkey
              </button>
            )}
          </div>
        </form>
      )}
      <div class="actions">
        {!stepUp && (
          <button type="button" class="primary" disabled={action.busy} onClick={() => void decide('Approve')}>
            Approve<span class="sr-only"> {who}'s request for {a.RoleName}</span>
          </button>
        )}
        <button type="button" class="danger" disabled={action.busy} onClick={() => void decide('Reject')}>
          Reject<span class="sr-only"> {who}'s request for {a.RoleName}</span>
        </button>
      </div>
    </li>
  );
}
