// Who may approve, shown to the requester before asking (in the request form) and after (on the
// pending request): stages in order, how many approvals each needs, the approvers by name, and once
// asked which stage is open and who voted (GET /api/me/roles/{id}/approval-path and
// /api/me/requests/{id}/approval, docs/approvals.md).
import { type ApprovalPath, type ApprovalProgress, me } from './api.js';
import { when } from './format.js';
import { ErrorBox, useLoad, usePoll } from './ui.js';

type Stage = ApprovalPath['stages'][number];

/** "Ann (ann), Bob (bob) or anyone in DBA Leads". */
function whoMay(s: Stage): string {
  const names = [...s.approvers.map((a) => `${a.displayName} (${a.login})`), ...s.approverGroups.map((g) => `anyone in ${g}`)];
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

const approvals = (n: number) => (n === 1 ? '1 approval' : `${n} approvals`);

function stageState(stage: number, p: ApprovalProgress | null): { word: string; tone: string } | null {
  if (!p) return null;
  if (p.openStage === stage) return { word: 'open', tone: 'warn' };
  if (p.openStage !== null) return stage < p.openStage ? { word: 'passed', tone: 'ok' } : { word: 'waiting', tone: 'neutral' };
  if (p.status === 'Approved') return { word: 'passed', tone: 'ok' };
  return null;
}

/** The stages as an ordered list; with `progress`, each says whether it passed or is open, and who voted. */
export function PathStages({ path, progress = null, label }: { path: ApprovalPath; progress?: ApprovalProgress | null; label: string }) {
  if (!path.approvalRequired || path.stages.length === 0) return null;
  return (
    <ol class="path" aria-label={label}>
      {path.stages.map((s) => {
        const state = stageState(s.stage, progress);
        const votes = progress?.votes.filter((v) => v.stage === s.stage) ?? [];
        return (
          <li key={s.stage} class={state?.word === 'open' ? 'path-open' : undefined}>
            <strong>Stage {s.stage}</strong>
            {state && (
              <>
                {' '}
                <span class={`badge badge-${state.tone}`}>{state.word}</span>
              </>
            )}
            : {approvals(s.required)} from {whoMay(s)}
            {votes.length > 0 && (
              <ul class="votes">
                {votes.map((v) => (
                  <li key={`${v.approver}-${v.at}`}>
                    {v.approver} {v.decision === 'approve' ? 'approved' : 'rejected'} at {when(v.at)}
                    {v.comment ? `: “${v.comment}”` : ''}
                  </li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
      {path.approverMfaRequired && <li class="muted">Approvers confirm with their own MFA.</li>}
    </ol>
  );
}

/** The rules in words, and before asking which one would approve the reader now (a forecast). */
export function PathRules({ path }: { path: ApprovalPath }) {
  if (path.autoApprove.length === 0) return null;
  return (
    <div class="path-rules">
      <p>Auto-approved, without asking anyone, when:</p>
      <ul aria-label="Auto-approval rules">
        {path.autoApprove.map((r) => (
          <li key={r.name}>
            {r.when} <span class="muted">(rule “{r.name}”)</span>
          </li>
        ))}
      </ul>
      {path.autoApproveForecast && <p class="hint">{path.autoApproveForecast.note}</p>}
    </div>
  );
}

/** A pending request's way along its path, refreshed while it waits. */
export function RequestProgress({ requestId, label }: { requestId: string; label: string }) {
  const { data, error, reload } = useLoad(() => me.approvalProgress(requestId), [requestId]);
  usePoll(data?.openStage != null, reload);
  return (
    <div class="path-box">
      <ErrorBox error={error} />
      {data?.autoApprovedBy && <p>Approved by rule “{data.autoApprovedBy}”.</p>}
      {data && data.openStage !== null && (
        <p>
          Waiting at stage {data.openStage} of {data.stages.length}.
        </p>
      )}
      {data && <PathStages path={data} progress={data} label={label} />}
    </div>
  );
}
