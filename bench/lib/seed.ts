import { randomUUID } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { MIN_INSTANT } from '../../src/adapters/store/kysely/schema.js';
import { rng } from './stats.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;

/** Opens a seeding connection: the store's own file, fast settings (this is setup, not what is measured). */
export function openForSeeding(dbFile: string): SQLite.Database {
  const db = new SQLite(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144'); // 256 MB: random UUID keys otherwise thrash the page cache
  db.pragma('busy_timeout = 10000');
  return db;
}

export interface BulkSpec {
  readonly users: number;
  readonly roles: number;
  /**
   * Requests in the store in all: a year of history (finished requests and the last day's pending
   * approvals), plus the `activeNow` and `expiring` elevations.
   */
  readonly totalRequests: number;
  /** Elevations active right now in the history (they end hours after the benchmark). */
  readonly activeNow: number;
  /** Active elevations parked at `parkedExpiry`, for the expiry scenario to move to one instant. */
  readonly expiring: number;
  readonly parkedExpiry: number;
  readonly now: number;
  readonly passwordHash: string;
  readonly seed?: number;
}

export interface BulkInfo {
  readonly userIds: string[];
  readonly logins: string[];
  /** Requests per user index (the history is skewed: a few users request a lot). */
  readonly requestsPerUser: Uint32Array;
  readonly approverIndexes: number[];
  readonly rows: { requests: number; approvals: number; groupMembers: number; pendingApprovals: number; accounts: number };
  readonly seconds: number;
}

/** Candidate roles of user `u`: 12 distinct roles, the same on every run. Slots 0-1 for current history, 2+ for expiring ones. */
export const CANDIDATE_SLOTS = 12;
const candidateRole = (u: number, slot: number, roles: number) => (u * 7 + slot * 13) % roles;

/**
 * Seeds a realistic store with prepared statements in one transaction: accounts, groups, roles with
 * candidates/approvers/groups, a year of requests (creators skewed: a few users have ten times the median),
 * approvals, current elevations with their group memberships, and the expiring set.
 */
export function seedBulk(db: SQLite.Database, spec: BulkSpec): BulkInfo {
  const t0 = performance.now();
  const r = rng(spec.seed ?? 7);
  const U = spec.users;
  const R = spec.roles;
  if (R < CANDIDATE_SLOTS * 2 || R % 13 === 0) throw new Error('roles must be at least 24 and not a multiple of 13');
  const perUserExpiring = Math.ceil(spec.expiring / U);
  if (perUserExpiring > CANDIDATE_SLOTS - 2) throw new Error(`too many expiring elevations per user (${perUserExpiring})`);

  const ins = {
    account: db.prepare(
      'insert into accounts (id, login, login_key, display_name, email, password_hash, is_admin, disabled) values (?, ?, ?, ?, ?, ?, 0, 0)',
    ),
    group: db.prepare("insert into groups (id, name, description, directory) values (?, ?, ?, 'embedded')"),
    role: db.prepare(
      'insert into roles (id, name, description, ttl_seconds, mfa_required, approval_required, window_enabled, window_from, window_to, window_time_zone) values (?, ?, ?, ?, ?, ?, 0, 0, 0, null)',
    ),
    roleGroup: db.prepare('insert into role_groups (role_id, group_id) values (?, ?)'),
    candidate: db.prepare('insert or ignore into role_candidates (role_id, account_id) values (?, ?)'),
    approver: db.prepare('insert or ignore into role_approvers (role_id, account_id) values (?, ?)'),
    request: db.prepare(
      `insert into requests (id, creator_id, role_id, display_name, justification, creation_method, created_at, requested_ttl_seconds,
         requested_at, status, started_at, expires_at, pending_until, end_reason, ended_at, approval_id, version, due_at)
       values (?, ?, ?, ?, ?, 'PAM Web API', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    approval: db.prepare('insert into approvals (id, request_id, status, decided_by, decided_at, comment) values (?, ?, ?, ?, ?, ?)'),
    member: db.prepare('insert or ignore into group_members (group_id, account_id) values (?, ?)'),
  };

  const userIds: string[] = [];
  const logins: string[] = [];
  const roleIds: string[] = [];
  const roleNames: string[] = [];
  const groupIds: string[] = [];
  const roleTtl: number[] = [];
  const roleApproval: boolean[] = [];
  const roleApprovers: number[][] = [];
  const requestsPerUser = new Uint32Array(U);
  const rows = { requests: 0, approvals: 0, groupMembers: 0, pendingApprovals: 0, accounts: 0 };
  const approverPool = Math.min(U, 200);

  const insertRequest = (o: {
    u: number;
    role: number;
    created: number;
    status: string;
    started: number | null;
    expires: number | null;
    pendingUntil: number | null;
    endReason: string | null;
    ended: number | null;
    approval: { status: string; decidedBy: number | null; decidedAt: number | null } | null;
    due: number | null;
    version: number;
  }) => {
    const id = randomUUID();
    const approvalId = o.approval ? randomUUID() : null;
    const ttl = o.started !== null && o.expires !== null ? Math.round((o.expires - o.started) / 1000) : roleTtl[o.role]!;
    ins.request.run(
      id, userIds[o.u], roleIds[o.role], `${roleNames[o.role]} elevation`, r() < 0.3 ? null : `INC${100000 + Math.floor(r() * 900000)}`,
      whole(o.created), ttl, whole(o.created), o.status, whole(o.started), whole(o.expires) ?? MIN_INSTANT, whole(o.pendingUntil), o.endReason, whole(o.ended), approvalId, o.version, whole(o.due),
    );
    rows.requests++;
    if (o.approval && approvalId) {
      ins.approval.run(
        approvalId, id, o.approval.status, o.approval.decidedBy === null ? null : userIds[o.approval.decidedBy], whole(o.approval.decidedAt), null,
      );
      rows.approvals++;
      if (o.approval.status === 'Pending') rows.pendingApprovals++;
    }
    requestsPerUser[o.u]!++;
  };

  const pickApprover = (role: number, u: number): number => {
    const list = roleApprovers[role]!.filter((a) => a !== u);
    return list[Math.floor(r() * list.length)] ?? roleApprovers[role]![0]!;
  };

  db.transaction(() => {
    for (let u = 0; u < U; u++) {
      const id = randomUUID();
      const login = `user${String(u).padStart(5, '0')}`;
      ins.account.run(id, login, login, `User ${u}`, `${login}@corp.example`, spec.passwordHash);
      userIds.push(id);
      logins.push(login);
      rows.accounts++;
    }
    for (let i = 0; i < R; i++) {
      const gid = randomUUID();
      groupIds.push(gid);
      ins.group.run(gid, `Bench Group ${String(i).padStart(3, '0')}`, `Granted by Bench Role ${i}`);
      const rid = randomUUID();
      roleIds.push(rid);
      roleNames.push(`Bench Role ${String(i).padStart(3, '0')}`);
      roleTtl.push(3600 * (1 + (i % 8)));
      const approval = i % 5 === 0;
      roleApproval.push(approval);
      ins.role.run(rid, roleNames[i], `Bench role ${i}`, roleTtl[i], 0, approval ? 1 : 0);
      ins.roleGroup.run(rid, gid);
      const approvers = approval ? [0, 1, 2].map((k) => (i * 17 + k * 41) % approverPool) : [];
      roleApprovers.push(approvers);
      for (const a of approvers) ins.approver.run(rid, userIds[a]);
    }
    for (let u = 0; u < U; u++) {
      for (let s = 0; s < CANDIDATE_SLOTS; s++) ins.candidate.run(roleIds[candidateRole(u, s, R)], userIds[u]);
    }

    // A year of finished requests, oldest first. Creators skewed (the product of two uniforms): the
    // busiest user has ~0.1% of all requests, the median user about half the mean.
    const finishedCount = spec.totalRequests - spec.activeNow - spec.expiring;
    const times = Array.from({ length: finishedCount }, () => spec.now - 2 * HOUR - r() * (YEAR - 2 * HOUR)).sort((a, b) => a - b);
    for (const created of times) {
      const u = Math.min(U - 1, Math.floor(r() * r() * U));
      const role = candidateRole(u, Math.floor(r() * CANDIDATE_SLOTS), R);
      const ttl = roleTtl[role]! * 1000;
      const age = spec.now - created;
      if (roleApproval[role]) {
        const x = r();
        if (age < 23 * HOUR && x < 0.6) {
          // Waiting for an approver (pending approvals time out after a day, so only the last day's).
          insertRequest({
            u, role, created, status: 'PendingApproval', started: null, expires: null, pendingUntil: created + DAY, endReason: null, ended: null,
            approval: { status: 'Pending', decidedBy: null, decidedAt: null }, due: created + DAY, version: 1,
          });
        } else if (x < 0.1 || (age < 23 * HOUR && x < 0.8)) {
          const decided = created + r() * Math.min(age, 4 * HOUR);
          insertRequest({
            u, role, created, status: 'Rejected', started: null, expires: null, pendingUntil: null, endReason: 'rejected', ended: decided,
            approval: { status: 'Rejected', decidedBy: pickApprover(role, u), decidedAt: decided }, due: null, version: 2,
          });
        } else if (x < 0.15 && age > DAY) {
          insertRequest({
            u, role, created, status: 'Expired', started: null, expires: null, pendingUntil: null, endReason: 'timed-out', ended: created + DAY,
            approval: { status: 'Expired', decidedBy: null, decidedAt: null }, due: null, version: 2,
          });
        } else {
          const started = created + r() * Math.min(age, 2 * HOUR);
          finished(u, role, created, started, ttl, { status: 'Approved', decidedBy: pickApprover(role, u), decidedAt: started });
        }
      } else {
        finished(u, role, created, created, ttl, null);
      }
    }

    function finished(u: number, role: number, created: number, started: number, ttl: number, approval: { status: string; decidedBy: number; decidedAt: number } | null) {
      const expires = started + ttl;
      const x = r();
      if (expires <= spec.now && x < 0.65) {
        insertRequest({ u, role, created, status: 'Expired', started, expires, pendingUntil: null, endReason: 'expired', ended: expires, approval, due: null, version: 5 });
      } else {
        // Closed early by the requester (or deactivated, or superseded by an extension).
        const ended = started + r() * (Math.min(expires, spec.now) - started);
        const endReason = x < 0.9 ? 'closed' : x < 0.95 ? 'deactivated' : 'superseded';
        insertRequest({ u, role, created, status: 'Closed', started, expires: ended, pendingUntil: null, endReason, ended, approval, due: null, version: 5 });
      }
    }

    // Elevations active now (candidate slots 0-1): they end 6-7 hours from now, long after the run.
    const activePairs = new Set<string>();
    for (let tries = 0; activePairs.size < spec.activeNow; tries++) {
      if (tries > spec.activeNow * 20) throw new Error('cannot place the active elevations: too few users');
      const u = Math.min(U - 1, Math.floor(r() * r() * U));
      const slot = Math.floor(r() * 2);
      if (activePairs.has(`${u}/${slot}`)) continue;
      activePairs.add(`${u}/${slot}`);
      const role = candidateRole(u, slot, R);
      const started = spec.now - HOUR - r() * HOUR;
      const expires = spec.now + 6 * HOUR + r() * HOUR;
      const approval = roleApproval[role] ? { status: 'Approved', decidedBy: pickApprover(role, u), decidedAt: started } : null;
      insertRequest({ u, role, created: started, status: 'Active', started, expires, pendingUntil: null, endReason: null, ended: null, approval, due: expires, version: 3 });
      ins.member.run(groupIds[role], userIds[u]);
      rows.groupMembers++;
    }

    // The expiring set (candidate slots 2+): all parked at one far instant until the scenario moves them.
    let left = spec.expiring;
    for (let s = 2; s < 2 + perUserExpiring && left > 0; s++) {
      for (let u = 0; u < U && left > 0; u++, left--) {
        const role = candidateRole(u, s, R);
        const started = spec.now - HOUR;
        const approval = roleApproval[role] ? { status: 'Approved', decidedBy: pickApprover(role, u), decidedAt: started } : null;
        insertRequest({
          u, role, created: started, status: 'Active', started, expires: spec.parkedExpiry, pendingUntil: null, endReason: null, ended: null,
          approval, due: spec.parkedExpiry, version: 3,
        });
        ins.member.run(groupIds[role], userIds[u]);
        rows.groupMembers++;
      }
    }
  })();

  const approverIndexes = [...new Set(roleApprovers.flat())].sort((a, b) => a - b);
  return { userIds, logins, requestsPerUser, approverIndexes, rows, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Gives one existing user (the demo's jen) a year of history and current elevations of the given
 * roles, so her lists are those of a user who has used the system for a while.
 */
/** Instants are whole epoch milliseconds (PostgreSQL's bigint refuses fractions that SQLite keeps). */
function whole<T extends number | null>(x: T): T {
  return (x === null ? null : Math.round(x)) as T;
}

export function seedUserHistory(
  db: SQLite.Database,
  login: string,
  opts: { requests: number; activeRoles: string[]; now: number; seed?: number },
): { requests: number } {
  const r = rng(opts.seed ?? 11);
  const account = db.prepare('select id from accounts where login_key = ?').get(login.toLowerCase()) as { id: string } | undefined;
  if (!account) throw new Error(`no account ${login}`);
  const roles = db
    .prepare(
      'select r.id, r.name, r.ttl_seconds as ttl, r.approval_required as approval, rg.group_id as groupId from roles r join role_candidates c on c.role_id = r.id left join role_groups rg on rg.role_id = r.id where c.account_id = ? and r.mfa_required = 0 and r.approval_required = 0 and r.window_enabled = 0',
    )
    .all(account.id) as { id: string; name: string; ttl: number; approval: number; groupId: string | null }[];
  if (roles.length === 0) throw new Error(`${login} is a candidate of no simple role`);
  const insert = db.prepare(
    `insert into requests (id, creator_id, role_id, display_name, justification, creation_method, created_at, requested_ttl_seconds,
       requested_at, status, started_at, expires_at, pending_until, end_reason, ended_at, approval_id, version, due_at)
     values (?, ?, ?, ?, ?, 'PAM Web API', ?, ?, ?, ?, ?, ?, null, ?, ?, null, ?, ?)`,
  );
  const member = db.prepare('insert or ignore into group_members (group_id, account_id) values (?, ?)');
  let n = 0;
  db.transaction(() => {
    for (let i = 0; i < opts.requests; i++) {
      const role = roles[Math.floor(r() * roles.length)]!;
      const created = Math.round(opts.now - 2 * DAY - r() * YEAR);
      const expires = created + role.ttl * 1000;
      insert.run(randomUUID(), account.id, role.id, `${role.name} elevation`, 'routine work', created, role.ttl, created, 'Expired', created, expires, 'expired', expires, 5, null);
      n++;
    }
    for (const name of opts.activeRoles) {
      const role = roles.find((x) => x.name === name);
      if (!role) throw new Error(`${login} cannot hold ${name}`);
      const started = opts.now - 10 * 60_000;
      const expires = opts.now + 6 * HOUR;
      insert.run(randomUUID(), account.id, role.id, `${role.name} elevation`, 'current work', started, 6 * 3600, started, 'Active', started, expires, null, null, 3, expires);
      if (role.groupId) member.run(role.groupId, account.id);
      n++;
    }
  })();
  return { requests: n };
}
