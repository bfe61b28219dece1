/**
 * The authorization matrix's vocabulary (authorization.test.ts and its authorization-rows-*.ts): who
 * calls, what a row expects, and the configuration every row runs with.
 */
import { slackSignature } from '../../../src/adapters/notify/slack-interactions.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../support/harness.js';
import type { Res, WireRequest } from './helpers.js';

export type Who = 'nobody' | 'jen' | 'ann' | 'admin';
export const WHO: readonly Who[] = ['nobody', 'jen', 'ann', 'admin'];

export interface Fixture {
  ad: string;
  approvalRole: string;
  jenActive: WireRequest;
  jenPending: WireRequest;
  annActive: WireRequest;
  /** jen's request for the MFA Role, waiting for her code. */
  jenMfa: WireRequest;
  approvalId: string;
  /** A valid TOTP code for jen's demo authenticator at the fixture's time. */
  jenCode: string;
  creatorIds: Record<'jen' | 'ann', string>;
  /** The fixture's time (Slack signs with a timestamp that must be within five minutes of it). */
  now: number;
  /** Per caller, API tokens by what they hold: `read` holds only read, `not:read` every other scope it may have. */
  tokens: Record<Exclude<Who, 'nobody'>, Record<string, string>>;
}

export interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  payload?: Record<string, unknown> | string;
  headers?: Record<string, string>;
}

export interface Row {
  name: string;
  call: (f: Fixture) => Call;
  expect: Record<Who, number | readonly number[]>;
  /** Further checks on a successful answer. */
  check?: (who: Who, res: Res, f: Fixture) => void;
  /** Callers whose refusal is itself recorded by design (e.g. a wrong MFA code counts as an attempt). */
  refusalRecorded?: readonly Who[];
  /** What callers get with an API token holding the scope the route needs, when not `expect`. */
  tokenExpect?: Record<Who, number | readonly number[]>;
}

export const ADMIN_ONLY = (ok: number): Record<Who, number> => ({ nobody: 401, jen: 403, ann: 403, admin: ok });
export const ANY_USER = (ok: number): Record<Who, number> => ({ nobody: 401, jen: ok, ann: ok, admin: ok });
export const PUBLIC = (ok: number): Record<Who, number> => ({ nobody: ok, jen: ok, ann: ok, admin: ok });
export const FORM = (f: Fixture, roleIdValue: string) => ({ RoleId: roleIdValue, RequestedTTL: '600', Justification: `for ${f.ad.slice(0, 4)}` });

export const BOGUS_ATTESTATION = { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON: 'AAAA', attestationObject: 'AAAA' }, clientExtensionResults: {} };
export const BOGUS_ASSERTION = {
  id: 'AAAA',
  rawId: 'AAAA',
  type: 'public-key',
  response: { clientDataJSON: 'AAAA', authenticatorData: 'AAAA', signature: 'AAAA' },
  clientExtensionResults: {},
};

export const value = <T>(res: Res): T[] => (res.json() as { value: T[] }).value;

export const SLACK_SIGNING = 'matrix-slack-signing-secret';
const slackDir = tempDir();
writeFileSync(join(slackDir, 'slack.token'), 'xoxb-matrix\n');
writeFileSync(join(slackDir, 'slack.secret'), `${SLACK_SIGNING}\n`);
/** Every row runs with Slack configured too (its API unreachable: no row makes Slack calls), so its route is in the table. */
const MATRIX_SLACK = { tokenFile: join(slackDir, 'slack.token'), signingSecretFile: join(slackDir, 'slack.secret'), channel: '#access', apiUrl: 'http://127.0.0.1:9', users: { U0ANN: 'ann' } };
/** Every row runs with single sign-on configured, so its routes are in the table; the provider is unreachable. */
export const MATRIX_APP = { config: { oidc: { issuer: 'http://127.0.0.1:9/', clientId: 'elevate' }, notifications: { slack: MATRIX_SLACK } } };

/** ann's Approve click on jen's pending request, as Slack posts it, signed with `secret`. */
export function slackClick(f: Fixture, secret: string): Call {
  const raw = new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', user: { id: 'U0ANN' }, actions: [{ action_id: 'elevate_approve', value: f.approvalId }] }) }).toString();
  const ts = String(Math.floor(f.now / 1000));
  return { method: 'POST', url: '/api/slack/interactions', payload: raw, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': slackSignature(secret, ts, raw) } };
}
