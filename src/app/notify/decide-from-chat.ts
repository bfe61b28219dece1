import { type Account, mayAct } from '../../domain/account/account.js';
import { DomainError } from '../../domain/errors.js';
import type { Decision } from '../../domain/request/approval.js';
import { callerOf } from '../authenticate.js';
import { decideApprovalUseCase } from '../decide-approval.js';
import type { Deps } from '../deps.js';
import { findDecidable } from '../find-decidable.js';
import type { MfaKit } from '../mfa/mfa-kit.js';

/** Who clicked in the chat, as far as the chat says: a configured login, or the email it knows. */
export interface ChatUser {
  readonly login: string | null;
  readonly email: string | null;
}

export type ChatOutcome =
  | { readonly kind: 'decided'; readonly status: 'Approved' | 'Rejected' | 'Pending'; readonly by: string }
  /** The role wants the approver's MFA step-up, which a chat click cannot give: approve in the portal. */
  | { readonly kind: 'step-up'; readonly link: string }
  | { readonly kind: 'unknown-user' }
  | { readonly kind: 'refused'; readonly message: string };

/**
 * An approver's Approve or Reject from a chat message. The chat user becomes an Elevate account
 * (by the configured mapping, else by one enabled account with that email), and the decision then
 * takes the API's own path: the same authorization, the same audit. A role with approver step-up
 * is not approved from chat; the approver gets the portal's approval page instead.
 */
export async function decideFromChat(deps: Deps, kit: MfaKit, user: ChatUser, approvalId: string, decision: Decision, portalUrl: string): Promise<ChatOutcome> {
  const account = await deps.store.read(async (tx): Promise<Account | undefined> => {
    if (user.login !== null) return tx.accounts.byLogin(user.login);
    if (user.email === null) return undefined;
    const found = await tx.accounts.withEmail(user.email);
    return found.length === 1 ? found[0] : undefined; // two accounts sharing an address: nobody
  });
  // A disabled or locked account acts nowhere, chat included.
  if (!account || !mayAct(account, deps.clock.now())) return { kind: 'unknown-user' };
  const caller = callerOf(account);
  try {
    if (decision === 'approve') {
      const { role } = await deps.store.read((tx) => findDecidable(deps, tx, caller, approvalId));
      if (role.approverMfaRequired) return { kind: 'step-up', link: `${portalUrl}/#/approvals` };
    }
    const after = await decideApprovalUseCase(deps, kit, caller, approvalId, decision, 'from Slack');
    const status = after.status === 'PendingApproval' ? 'Pending' : decision === 'approve' ? 'Approved' : 'Rejected';
    return { kind: 'decided', status, by: account.login };
  } catch (e) {
    if (e instanceof DomainError) return { kind: 'refused', message: e.message };
    throw e;
  }
}
