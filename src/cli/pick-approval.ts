import { CliError } from './cli-error.js';
import { formatLocalTime } from './format-time.js';
import { closest } from './names.js';
import { formatTable } from './table.js';
import type { WireApproval } from './wire-types.js';

/**
 * The one pending approval an administrator means by a requester's login (`jen`, `PRIV\jen` or
 * the wire's `PRIV.jen`, any case) and an optional role name (any case), so a day of approvals
 * needs no ids. `domain` is the account domain (from the caller's own session): the wire joins it
 * to the login with a dot, and both may hold dots, so the login cannot be split off without it.
 * Several matches refuse (exit 2) rather than guess; none says so with a did-you-mean.
 */
export function pickApproval(pending: readonly WireApproval[], domain: string, typed: string, role: string | undefined): WireApproval {
  const prefix = `${domain}.`.toLowerCase();
  const loginOf = (a: WireApproval): string => (a.Requestor.toLowerCase().startsWith(prefix) ? a.Requestor.slice(prefix.length) : a.Requestor);
  const wanted = typed.toLowerCase();
  const theirs = pending.filter((a) => {
    const login = loginOf(a).toLowerCase();
    return [login, `${prefix}${login}`, `${domain.toLowerCase()}\\${login}`].includes(wanted);
  });
  const matches = role === undefined ? theirs : theirs.filter((a) => a.RoleName.toLowerCase() === role.toLowerCase());
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    const rows = matches.map((a) => [a.Requestor, a.RoleName, formatLocalTime(a.RequestedTime), a.ApprovalObjectID.Value]);
    throw new CliError(
      `${matches.length} requests from '${typed}' are waiting for you; name one with --role or by its id:\n${formatTable(['REQUESTOR', 'ROLE', 'REQUESTED TIME', 'APPROVAL ID'], rows)}`,
      2,
      'Ambiguous',
    );
  }
  if (theirs.length > 0) {
    const roles = [...new Set(theirs.map((a) => a.RoleName))];
    throw new CliError(`nothing from '${typed}' for role '${role}' is waiting for you; did you mean ${roles.map((r) => `--role '${r}'`).join(' or ')}?`, 1, 'NothingWaiting');
  }
  const bare = wanted.startsWith(prefix) ? typed.slice(prefix.length) : (typed.split('\\').pop() ?? typed);
  const guess = closest(bare, [...new Set(pending.map(loginOf))]);
  throw new CliError(`nothing from '${typed}' is waiting for you${guess ? `; did you mean '${guess}'?` : ' (see: elevate approvals)'}`, 1, 'NothingWaiting');
}
