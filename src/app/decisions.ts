import { DomainError } from '../domain/errors.js';
import type { DecisionView } from '../ports/store.js';
import type { Caller, Deps } from './deps.js';

/** The most decisions one page holds. */
export const MAX_DECISIONS_PAGE = 500;

/** An approver's own decisions, newest first, a page at a time (issue 14: "approvers see the history of their own decisions"). */
export function listMyDecisions(deps: Deps, caller: Caller, page: { readonly skip: number; readonly limit: number }): Promise<DecisionView[]> {
  if (!Number.isSafeInteger(page.limit) || page.limit < 1 || page.limit > MAX_DECISIONS_PAGE) {
    throw new DomainError('BadRequest', `limit must be a whole number from 1 to ${MAX_DECISIONS_PAGE}.`);
  }
  if (!Number.isSafeInteger(page.skip) || page.skip < 0) throw new DomainError('BadRequest', 'skip must be a whole number, 0 or more.');
  return deps.store.readOne((tx) => tx.approvals.decisionsBy(caller.accountId, page));
}
