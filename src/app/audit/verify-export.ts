import { createHash } from 'node:crypto';
import { type AuditCheckpoint, compareWithCheckpoint, describeMismatch } from '../../domain/audit/checkpoint.js';
import { type ExportedCheckpoint, type ExportedEntry, checkpointOf } from '../../domain/audit/export-record.js';
import { GENESIS_HASH, chainText } from '../../domain/audit/hash-chain.js';
import type { CheckpointVerifier } from '../../ports/audit-checkpoints.js';

/** One line of an export, and where it came from (`file:line`), for messages. */
export interface ExportLine {
  readonly where: string;
  readonly text: string;
}

export interface ExportVerification {
  readonly intact: boolean;
  /** Audit entries read (a redelivered duplicate counts once). */
  readonly entries: number;
  /** Identical records sent twice (at-least-once delivery after a crash or a retry): harmless. */
  readonly duplicates: number;
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  /** The newest checkpoint whose signature verified and whose hash the export agrees with. */
  readonly checkpoint: { readonly seq: number; readonly at: number; readonly keyId: string } | null;
  /** Entries after that checkpoint: protected by the chain alone (a cut there shows only against a newer checkpoint). */
  readonly unanchored: number;
  readonly problems: readonly string[];
  readonly notes: readonly string[];
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const HASH = /^[0-9a-f]{64}$/;

function asEntry(o: Record<string, unknown>): ExportedEntry | null {
  const ok =
    o.type === 'audit' && Number.isSafeInteger(o.seq) && (o.seq as number) >= 1 && typeof o.prevHash === 'string' && HASH.test(o.prevHash) && typeof o.hash === 'string' &&
    Number.isSafeInteger(o.at) && typeof o.action === 'string' && typeof o.targetType === 'string' && typeof o.targetId === 'string' &&
    (o.actorId === null || typeof o.actorId === 'string') && (o.requestId === null || typeof o.requestId === 'string');
  return ok ? (o as unknown as ExportedEntry) : null;
}

function asCheckpoint(o: Record<string, unknown>): ExportedCheckpoint | null {
  const ok = o.type === 'checkpoint' && Number.isSafeInteger(o.seq) && (o.seq as number) >= 1 && typeof o.hash === 'string' && Number.isSafeInteger(o.at) && typeof o.keyId === 'string' && typeof o.signature === 'string';
  return ok ? (o as unknown as ExportedCheckpoint) : null;
}

/**
 * `elevate audit verify-export`: checks an export offline. Every entry's hash is recomputed from its
 * previous hash and its fields (an edited record fails), each entry must follow the one before it
 * (a removed record leaves a gap in `seq` and a previous hash that does not match), identical
 * repeats are allowed (at-least-once delivery), every checkpoint's signature is checked and its hash
 * compared with the export's entry at its seq, and checkpoints kept elsewhere (`extra`, such as the
 * server's checkpoint file) show a tail cut off the export: they reach past its end.
 */
export function verifyExport(lines: Iterable<ExportLine>, verifier: CheckpointVerifier | null, extra: readonly { readonly where: string; readonly checkpoints: readonly AuditCheckpoint[] }[] = []): ExportVerification {
  const problems: string[] = [];
  const notes: string[] = [];
  const hashes = new Map<number, string>();
  let firstSeq: number | null = null;
  let last: { seq: number; hash: string } | null = null;
  let entries = 0;
  let duplicates = 0;
  let anchor: AuditCheckpoint | null = null;
  let unverifiable = 0;

  const checkCheckpoint = (c: AuditCheckpoint, where: string): void => {
    if (!verifier) {
      unverifiable++;
      return;
    }
    if (!verifier.knows(c.keyId)) return void problems.push(`${where}: the checkpoint for seq ${c.seq} is signed by key ${c.keyId}, which is not among the keys given: forged, or give that key's public half with --public-key`);
    if (!verifier.verify(c)) return void problems.push(`${where}: the checkpoint for seq ${c.seq} has an invalid signature: it was forged or altered`);
    if (firstSeq !== null && c.seq < firstSeq) return void notes.push(`${where}: the checkpoint for seq ${c.seq} is before the export's first entry (${firstSeq}); not compared`);
    const mismatch = compareWithCheckpoint(c, last?.seq ?? 0, hashes.get(c.seq));
    if (mismatch) problems.push(`${where}: ${describeMismatch(mismatch, c, where).replace('the store ends', 'the export ends').replace('entries were removed from its end', 'entries were cut off the end of the export')}`);
    else if (!anchor || c.seq > anchor.seq) anchor = c;
  };

  for (const { where, text } of lines) {
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(text) as Record<string, unknown>;
    } catch {
      problems.push(`${where}: not a JSON record`);
      continue;
    }
    const cp = asCheckpoint(o);
    if (cp) {
      checkCheckpoint(checkpointOf(cp), where);
      continue;
    }
    const e = asEntry(o);
    if (!e) {
      problems.push(`${where}: not an audit export record (type 'audit' or 'checkpoint' with its fields)`);
      continue;
    }
    if (sha256(chainText(e.prevHash, e.seq, e)) !== e.hash) {
      problems.push(`${where}: entry ${e.seq} was edited: its hash does not match its content`);
      continue;
    }
    if (last && e.seq <= last.seq) {
      if (hashes.get(e.seq) === e.hash) duplicates++;
      else problems.push(`${where}: entry ${e.seq} appears again with different content (expected it after ${last.seq})`);
      continue;
    }
    if (!last) {
      firstSeq = e.seq;
      if (e.seq === 1 && e.prevHash !== GENESIS_HASH) problems.push(`${where}: entry 1 does not start from the chain's genesis hash`);
      if (e.seq > 1) notes.push(`the export starts at entry ${e.seq}: entries before it are in older files, or were not kept; give those files first to check them too`);
    } else if (e.seq !== last.seq + 1) {
      const gap = e.seq - 1 > last.seq + 1 ? `entries ${last.seq + 1} to ${e.seq - 1} are` : `entry ${last.seq + 1} is`;
      problems.push(`${where}: ${gap} missing: removed from the export, or lost on the way (entry ${e.seq} follows entry ${last.seq})`);
    } else if (e.prevHash !== last.hash) {
      problems.push(`${where}: entry ${e.seq} does not follow entry ${last.seq}: its previous hash is not that entry's hash (an entry was replaced)`);
    }
    hashes.set(e.seq, e.hash);
    last = { seq: e.seq, hash: e.hash };
    entries++;
  }
  for (const s of extra) {
    let newest: AuditCheckpoint | undefined;
    for (const c of s.checkpoints) if (!newest || c.seq > newest.seq) newest = c;
    if (newest) checkCheckpoint(newest, s.where);
  }
  if (unverifiable > 0) problems.push(`${unverifiable} checkpoint${unverifiable === 1 ? '' : 's'} cannot be checked without a public key: give --public-key FILE`);
  if (entries === 0) problems.push('the export holds no audit entries');
  const a = anchor as AuditCheckpoint | null;
  return {
    intact: problems.length === 0,
    entries,
    duplicates,
    firstSeq,
    lastSeq: last?.seq ?? null,
    checkpoint: a && { seq: a.seq, at: a.at, keyId: a.keyId },
    unanchored: (last?.seq ?? 0) - (a?.seq ?? (firstSeq === null ? 0 : firstSeq - 1)),
    problems,
    notes,
  };
}
