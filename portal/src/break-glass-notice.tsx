// What a requester is told before breaking the glass, and when they may not do it again yet
// (docs/approvals.md, break-glass roles).
import { ApiError, type ApprovalPath } from './api.js';
import { duration } from './format.js';

/** Who reviews a break-glass role's uses: the people and groups of its path. */
function reviewers(p: ApprovalPath): string {
  const names = p.stages.flatMap((s) => [...s.approvers.map((a) => a.displayName), ...s.approverGroups.map((g) => `anyone in ${g}`)]);
  return [...new Set(names)].join(', ');
}

/** Shown in the activation form of a break-glass role, in place of "who approves". */
export function BreakGlassNotice({ path }: { path: ApprovalPath & { breakGlass: NonNullable<ApprovalPath['breakGlass']> } }) {
  return (
    <div class="glass-notice" role="note" aria-label="Break-glass role">
      <p>
        <strong>This is a break-glass role</strong>, for emergencies only:
      </p>
      <ul>
        <li>No approval is asked: access starts at once{path.breakGlass.mfaRequired ? ', after your MFA code' : ''}.</li>
        <li>It lasts at most {duration(path.breakGlass.maxTtlSeconds)}.</li>
        <li>Administrators are alerted, and every step is audited as break-glass.</li>
        <li>
          {reviewers(path)} will review this use afterwards; until then you cannot use the role again.
        </li>
      </ul>
    </div>
  );
}

/** The 409 a person meets when their last use is not reviewed yet, said in words. */
export function breakGlassRefusal(e: unknown, roleName: string, path: ApprovalPath | null): unknown {
  if (!(e instanceof ApiError) || e.code !== 'BreakGlassReviewPending') return e;
  const who = path ? reviewers(path) : "the role's approvers";
  return new ApiError(
    e.status,
    e.code,
    `You cannot use ${roleName} again yet: your last break-glass use of it has not been reviewed. Ask ${who} to review it (in Elevate, under Reviews); then try again.`,
  );
}
