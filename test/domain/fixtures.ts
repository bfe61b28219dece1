/**
 * Named roles, requests and contexts for the domain tests, so each scenario reads as a story:
 * alice and bob are candidates, carol approves, and the clock starts at T0 unless a test says so.
 */
import assert from 'node:assert/strict';
import { DomainError, type DomainErrorCode } from '../../src/domain/errors.js';
import type { PamRequest } from '../../src/domain/request/request.js';
import type { TransitionContext } from '../../src/domain/request/transitions.js';
import type { AvailabilityWindow, Role } from '../../src/domain/role/role.js';

export const MINUTE_MS = 60 * 1000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Monday 5 January 2026, 10:00 UTC: inside an office-hours window in UTC and Europe/Paris. */
export const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

export const APPROVAL_TIMEOUT_S = 24 * 3600;
export const MFA_TIMEOUT_S = 300;

export function role(overrides: Partial<Role> = {}): Role {
  return Object.freeze({
    id: 'role-sql',
    name: 'SQL admins',
    description: null,
    ttlSeconds: 3600,
    mfaRequired: false,
    approvalRequired: false,
    approverMfaRequired: false,
    justificationRequired: false,
    justificationMinLength: 0,
    ticketPattern: null,
    breakGlass: false,
    window: null,
    groupIds: ['group-sql'],
    candidateIds: ['alice', 'bob'],
    approverIds: ['carol', 'alice'],
    stages: [],
    ...overrides,
  });
}

export const PLAIN = role();
export const MFA = role({ id: 'role-mfa', name: 'Domain admins', mfaRequired: true });
export const APPROVAL = role({ id: 'role-approval', name: 'Payroll', approvalRequired: true });
export const MFA_AND_APPROVAL = role({ id: 'role-both', name: 'Vault', mfaRequired: true, approvalRequired: true });

export function daily(from: string, to: string, timeZone: string | null): AvailabilityWindow {
  return { from: minutes(from), to: minutes(to), timeZone };
}

export function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** A request by alice for PLAIN created at T0, in whatever state the overrides put it. */
export function request(overrides: Partial<PamRequest> = {}): PamRequest {
  return Object.freeze({
    id: 'req-1',
    creatorId: 'alice',
    roleId: PLAIN.id,
    displayName: 'SQL admins elevation',
    justification: 'ticket 42',
    ticketId: null,
    breakGlass: false,
    creationMethod: 'test',
    createdAt: T0,
    requestedTtlSeconds: 3600,
    requestedAt: T0,
    status: 'PendingMFA',
    startedAt: null,
    expiresAt: null,
    pendingUntil: null,
    endReason: null,
    endedAt: null,
    endNote: null,
    approvalId: null,
    version: 1,
    ...overrides,
  });
}

export function ctx(overrides: Partial<TransitionContext> = {}): TransitionContext {
  return {
    now: T0,
    role: PLAIN,
    approvalTimeoutSeconds: APPROVAL_TIMEOUT_S,
    mfaTimeoutSeconds: MFA_TIMEOUT_S,
    serverTimeZone: 'UTC',
    activeUntil: null,
    ...overrides,
  };
}

/** For assert.throws: a DomainError with this code, and optionally a message matching every pattern. */
export function domainError(code: DomainErrorCode, ...patterns: (RegExp | string)[]) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof DomainError, `expected a DomainError, got ${String(e)}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    for (const p of patterns) {
      if (typeof p === 'string') assert.ok(e.message.includes(p), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(p)}`);
      else assert.match(e.message, p);
    }
    return true;
  };
}

export function iso(t: number | null): string | null {
  return t === null ? null : new Date(t).toISOString();
}
