import { useState } from 'preact/hooks';
import { type Approval, pam } from '../api.js';
import { duration, isSet, when } from '../format.js';
import { Empty, ErrorBox, Field, Loading, Page, announce, input, useAction, useLoad } from '../ui.js';

export function Approvals({ onChange }: { onChange: () => void }) {
  const { data, error, reload } = useLoad(() => pam.approvals());
  const after = async () => {
    await reload();
    onChange();
  };
  return (
    <Page title="Approvals" intro="Requests waiting for your decision. The requester is added to the role's groups as soon as you approve.">
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

function ApprovalCard({ a, after }: { a: Approval; after: () => Promise<void> }) {
  const [comment, setComment] = useState('');
  const action = useAction();
  const who = requestor(a);
  const decide = async (verb: 'Approve' | 'Reject') => {
    if (await action.run(() => pam.decide(a.ApprovalObjectID.Value, verb, comment.trim()).then(() => undefined))) {
      announce(`${verb === 'Approve' ? 'Approved' : 'Rejected'}: ${who}'s request for ${a.RoleName}.`);
      await after();
    }
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
      <blockquote class="justification">{a.Justification || <span class="muted">No justification given.</span>}</blockquote>
      <Field label="Comment" hint="Optional; kept with the decision in the audit trail.">
        {(id, hint) => <textarea id={id} name="comment" rows={2} maxLength={4000} aria-describedby={hint} value={comment} onInput={input(setComment)} />}
      </Field>
      <ErrorBox error={action.error} />
      <div class="actions">
        <button type="button" class="primary" disabled={action.busy} onClick={() => void decide('Approve')}>
          Approve<span class="sr-only"> {who}'s request for {a.RoleName}</span>
        </button>
        <button type="button" class="danger" disabled={action.busy} onClick={() => void decide('Reject')}>
          Reject<span class="sr-only"> {who}'s request for {a.RoleName}</span>
        </button>
      </div>
    </li>
  );
}
