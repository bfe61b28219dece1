/**
 * Every refusal the core can give, as a closed catalogue. Adapters and the HTTP layer map codes to
 * statuses in one place (http/odata/error-map.ts); messages are written for the person reading them.
 */
export type DomainErrorCode =
  | 'BadRequest'
  | 'Unauthenticated'
  | 'Forbidden'
  | 'NotFound'
  | 'RoleNotFound'
  | 'RequestNotFound'
  | 'ApprovalNotFound'
  | 'NotCandidate'
  | 'NotApprover'
  | 'TtlOutOfRange'
  | 'OutsideAvailabilityWindow'
  | 'NothingToDeactivate'
  | 'SelfApproval'
  | 'BreakGlassReviewPending'
  | 'InvalidTransition'
  | 'Conflict'
  | 'MfaNotEnrolled'
  | 'MfaCodeRejected'
  | 'MfaRequired'
  | 'PasskeysUnavailable'
  | 'MfaLocked'
  | 'TooManyAttempts'
  | 'SignInBusy'
  | 'StoreUnavailable'
  | 'DirectoryUnavailable';

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

export function assertNever(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
