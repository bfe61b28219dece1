import type { DomainErrorCode } from '../../domain/errors.js';

/** The one mapping from domain refusals to HTTP statuses. */
export const STATUS_OF: Readonly<Record<DomainErrorCode, number>> = {
  BadRequest: 400,
  Unauthenticated: 401,
  Forbidden: 403,
  NotFound: 404,
  RoleNotFound: 404,
  RequestNotFound: 404,
  ApprovalNotFound: 404,
  NotCandidate: 403,
  NotApprover: 403,
  TtlOutOfRange: 400,
  OutsideAvailabilityWindow: 400,
  NothingToDeactivate: 409,
  SelfApproval: 403,
  // The person's last break-glass use of the role waits for an approver's review: not theirs to fix by retrying.
  BreakGlassReviewPending: 409,
  InvalidTransition: 409,
  Conflict: 409,
  MfaNotEnrolled: 409,
  MfaCodeRejected: 403,
  // An approval sent without the step-up its role asks for: the approver can fix it, so not a 409.
  MfaRequired: 403,
  // The server has no relying party for the host it was reached at; configuration, not the caller.
  PasskeysUnavailable: 409,
  // Too many failed factor attempts: only an administrator lifts it, so waiting does not help.
  MfaLocked: 403,
  // Backing off after failures, or too many requests: the details carry retryAfterSeconds.
  TooManyAttempts: 429,
  SignInBusy: 503,
  StoreUnavailable: 503,
  DirectoryUnavailable: 503,
};

export interface ODataErrorBody {
  readonly 'odata.error': {
    readonly code: string;
    readonly message: { readonly lang: 'en-US'; readonly value: string };
  };
}

/** The sample portal reads `responseJSON["odata.error"]["message"]["value"]`: every error has this shape. */
export function odataError(code: string, message: string): ODataErrorBody {
  return { 'odata.error': { code, message: { lang: 'en-US', value: message } } };
}
