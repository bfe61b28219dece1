// The loud part of break-glass for administrators (docs/approvals.md): while any use is active or
// waits for its review, every admin page opens with a banner naming who broke the glass on what.
import type { BreakGlassUse } from './api.js';
import { admin } from './api.js';
import { useLoad, useNow, usePoll } from './ui.js';

const BANNER_POLL_MS = 30_000;

/** Whether a use still calls for attention: the access may still be held, or nobody reviewed it. */
export const needsAttention = (u: BreakGlassUse): boolean => u.status === 'Active' || !u.review;

/** "12 min ago", "3 h ago", "2 days ago": how long since the glass was broken. */
export function ago(at: number, now: number): string {
  const minutes = Math.max(0, Math.round((now - at) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** One sentence per use: "alice activated Emergency DB 12 min ago, active, not reviewed". */
export function sentenceOf(u: BreakGlassUse, now: number): string {
  const state = [u.status === 'Active' ? 'still active' : '', u.review ? `reviewed by ${u.review.reviewer}` : 'not reviewed'].filter((s) => s !== '').join(', ');
  return `${u.requester.login} activated ${u.roleName} ${ago(u.startedAt ?? u.createdAt, now)}, ${state}`;
}

/** At most this many uses are named in the banner; the page of uses lists them all. */
const SHOWN = 3;

export function BreakGlassBanner() {
  const { data, reload } = useLoad(() => admin.breakGlassUses());
  usePoll(true, reload, BANNER_POLL_MS);
  const now = useNow(60_000);
  const open = (data ?? []).filter(needsAttention);
  if (open.length === 0) return null;
  return (
    <section class="glass-banner" role="alert" aria-label="Break-glass">
      <p>
        <strong>Break-glass:</strong> {open.length === 1 ? 'one use needs' : `${open.length} uses need`} attention.
      </p>
      <ul>
        {open.slice(0, SHOWN).map((u) => (
          <li key={u.requestId}>
            {sentenceOf(u, now)} · <a href={`#/admin/requests/${u.requestId}`}>Timeline<span class="sr-only"> of {u.requester.login}'s use of {u.roleName}</span></a>
          </li>
        ))}
      </ul>
      <p>
        <a href="#/admin/break-glass">All break-glass uses{open.length > SHOWN ? ` (${open.length - SHOWN} more)` : ''}</a>
      </p>
    </section>
  );
}
