import type { Generated } from 'kysely';

/**
 * Table shapes shared by every SQL store. Instants are integer epoch milliseconds; booleans are
 * 0/1 integers so one schema serves SQLite and PostgreSQL through the same queries.
 */
export interface Database {
  accounts: AccountTable;
  groups: GroupTable;
  group_members: GroupMemberTable;
  roles: RoleTable;
  role_groups: { role_id: string; group_id: string };
  role_candidates: { role_id: string; account_id: string };
  role_candidate_groups: { role_id: string; group_id: string };
  role_approvers: { role_id: string; account_id: string };
  role_approval_stages: { role_id: string; position: number; required: number };
  role_stage_approvers: { role_id: string; position: number; account_id: string };
  role_stage_groups: { role_id: string; position: number; group_id: string };
  requests: RequestTable;
  approvals: ApprovalTable;
  approval_votes: ApprovalVoteTable;
  break_glass_reviews: { request_id: string; reviewer_id: string; reviewed_at: number; comment: string; factor: string | null };
  audit: AuditTable;
  audit_checkpoints: { seq: number; key_id: string; hash: string; at: number; signature: string };
  /** How far each audit export sink has been sent, and which node sends it (migration 0021). */
  audit_export_cursors: { sink: string; audit_seq: number; checkpoint_seq: number; sent_at: number | null; holder: string | null; lease_until: number };
  sessions: SessionTable;
  settings: { key: string; value: string };
  mfa_totp: { account_id: string; secret: string; confirmed: number; last_step: number; created_at: number };
  request_mfa: { request_id: string; failures: number };
  mfa_passkeys: PasskeyTable;
  mfa_challenges: { purpose: string; subject_id: string; account_id: string; challenge: string; expires_at: number };
  mfa_step_up_failures: { approval_id: string; account_id: string; failures: number };
  mfa_attempts: { account_id: string; failures: number; last_failure_at: number | null; locked_at: number | null };
  mfa_enrolment_codes: { account_id: string; code_hash: string; issued_by: string; issued_at: number; expires_at: number };
  outbox: OutboxTable;
  /** One row: a counter the database moves on every change to `accounts` (migration 0017). */
  account_changes: { id: number; n: number };
  role_changes: { id: number; n: number };
  notifications: NotificationTable;
  notification_deliveries: NotificationDeliveryTable;
  api_tokens: ApiTokenTable;
}

export interface AccountTable {
  id: string;
  login: string;
  login_key: string;
  display_name: string;
  email: string | null;
  password_hash: string | null;
  is_admin: number;
  disabled: number;
  /** The lock, when an administrator locked the account: all four set, or all null. */
  lock_reason: string | null;
  locked_at: number | null;
  locked_until: number | null;
  locked_by: string | null;
  /** 1: a service account, which signs in with API tokens only. */
  service: Generated<number>;
}

export interface GroupTable {
  id: string;
  name: string;
  description: string | null;
  directory: string;
  dn: string | null;
  member_attribute: string | null;
  reconcile: string;
}

/** The columns of queued work retried until done: the outbox and the notification deliveries. */
export interface RetryColumns {
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  done_at: number | null;
  claimed_until: number | null;
}

export interface OutboxTable extends RetryColumns {
  id: Generated<number>;
  request_id: string;
  kind: string;
  group_id: string;
  account_id: string;
}

export interface PasskeyTable {
  id: string;
  account_id: string;
  name: string;
  public_key: string;
  counter: number;
  /** JSON array of transport hints. */
  transports: string;
  device_type: string;
  backed_up: number;
  created_at: number;
  last_used_at: number | null;
}

export interface GroupMemberTable {
  group_id: string;
  account_id: string;
}

export interface RoleTable {
  id: string;
  name: string;
  description: string | null;
  ttl_seconds: number;
  mfa_required: number;
  approval_required: number;
  approver_mfa_required: number;
  window_enabled: number;
  window_from: number;
  window_to: number;
  window_time_zone: string | null;
  justification_required: number;
  justification_min_length: number;
  ticket_pattern: string | null;
  notify_expiry_warning_minutes: number | null;
  notify_slack_channel: string | null;
  notify_teams_channel: string | null;
  break_glass: number;
  /** The auto-approval rules as JSON (role-rules-json.ts); null: none. */
  auto_approve: string | null;
}

export interface RequestTable {
  id: string;
  creator_id: string;
  role_id: string;
  display_name: string;
  justification: string | null;
  creation_method: string;
  created_at: number;
  requested_ttl_seconds: number;
  requested_at: number;
  status: string;
  started_at: number | null;
  /** MIN_INSTANT when unset, so OData comparisons against "0001-01-01" behave as in MIM. */
  expires_at: number;
  pending_until: number | null;
  end_reason: string | null;
  ended_at: number | null;
  end_note: string | null;
  ticket_id: string | null;
  break_glass: number;
  /** The name of the rule that approved the request when it was made; null: none. */
  auto_approved_by: string | null;
  approval_id: string | null;
  version: number;
  /** The next time-driven step; null when none. Indexed: it is the scheduler's queue. */
  due_at: number | null;
}

export interface ApprovalTable {
  id: string;
  request_id: string;
  status: string;
  decided_by: string | null;
  decided_at: number | null;
  comment: string | null;
  /** The open stage (from 0). */
  stage: number;
}

/** One approver's vote on an approval; an approval's state is the fold of its votes in `seq` order. */
export interface ApprovalVoteTable {
  approval_id: string;
  seq: number;
  approver_id: string;
  at: number;
  decision: string;
  comment: string | null;
  factor: string | null;
  /** The stage (from 0) the vote was cast on. */
  stage: number;
}

export interface AuditTable {
  seq: Generated<number>;
  at: number;
  actor_id: string | null;
  action: string;
  target_type: string;
  target_id: string;
  request_id: string | null;
  before_json: string | null;
  after_json: string | null;
  hash: string;
}

export interface SessionTable {
  token_hash: string;
  account_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
}

/** The .NET minimum date (0001-01-01T00:00:00Z) in epoch ms: MIM's "unset" time. */
export const MIN_INSTANT = -62135596800000;

export interface NotificationTable {
  seq: Generated<number>;
  id: string;
  kind: string;
  request_id: string;
  created_at: number;
  not_before: number;
  fanned_out_at: number | null;
  detail: string;
}

export interface NotificationDeliveryTable extends RetryColumns {
  notification_id: string;
  receiver: string;
  seq: number;
}

export interface ApiTokenTable {
  id: string;
  account_id: string;
  name: string;
  token_hash: string;
  scopes: string;
  created_at: number;
  created_by: string;
  expires_at: number;
  last_used_at: number | null;
}
