import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync } from 'node:fs';
import { type AuditCheckpoint, newestCheckpoint } from '../../domain/audit/checkpoint.js';
import type { CheckpointLog } from '../../ports/audit-checkpoints.js';
import { appendDurably } from '../fs/durable-file.js';

/** One checkpoint per line, as JSON: easy to ship (tail, syslog, object storage) and to read by hand. */
function toLine(c: AuditCheckpoint): string {
  return `${JSON.stringify({ seq: c.seq, hash: c.hash, at: new Date(c.at).toISOString(), keyId: c.keyId, signature: c.signature })}\n`;
}

function parseLine(line: string): AuditCheckpoint | null {
  try {
    const o = JSON.parse(line) as Record<string, unknown>;
    // An audit export's checkpoint records carry `at` in epoch milliseconds (docs/audit-export.md).
    const at = typeof o.at === 'string' ? Date.parse(o.at) : o.type === 'checkpoint' && Number.isSafeInteger(o.at) ? (o.at as number) : Number.NaN;
    if (!Number.isSafeInteger(o.seq) || (o.seq as number) < 1 || typeof o.hash !== 'string' || typeof o.keyId !== 'string' || typeof o.signature !== 'string' || Number.isNaN(at)) return null;
    return Object.freeze({ seq: o.seq as number, hash: o.hash, at: at as AuditCheckpoint['at'], keyId: o.keyId, signature: o.signature });
  } catch {
    return null; // not JSON: the caller names the line
  }
}

/**
 * Every checkpoint in a file, for `audit verify`. A line that is not a checkpoint is an error
 * naming it, except a last line without its newline: an append cut short by a crash, which was
 * never reported written.
 */
export function readCheckpointFile(path: string): { checkpoints: AuditCheckpoint[]; tornLastLine: boolean } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the checkpoint file ${path}: ${(e as Error).message}`);
  }
  const lines = text.split('\n');
  const last = lines.pop()!; // '' when the file ends with a newline
  // An audit export (JSON lines) can stand in for a checkpoint file: its entries are skipped.
  const checkpoints = lines.flatMap((l, i) => {
    if (/^\{"type":"audit",/.test(l)) return [];
    const c = parseLine(l);
    if (!c) throw new Error(`${path} line ${i + 1} is not an audit checkpoint`);
    return c;
  });
  return { checkpoints, tornLastLine: last !== '' };
}

/** The checkpoint file this node appends to (`audit.checkpointFile`). */
export class CheckpointFile implements CheckpointLog {
  #latest: AuditCheckpoint | undefined | null = null; // null: not read yet

  constructor(readonly path: string) {}

  append(c: AuditCheckpoint): void {
    this.#dropTornTail();
    appendDurably(this.path, toLine(c), { mode: 0o640 });
    this.#latest = newestCheckpoint([this.#latest ?? undefined, c]);
  }

  /**
   * A crash in the middle of an append leaves a last line without its newline; it was never
   * reported written, so it is cut off rather than glued to the next line (which would make that
   * one unreadable and `audit verify` fail on a harmless crash).
   */
  #dropTornTail(): void {
    withTail(this.path, 'r+', (fd, size, tail) => {
      if (tail.length === 0 || tail[tail.length - 1] === 0x0a) return;
      ftruncateSync(fd, size - tail.length + tail.lastIndexOf(0x0a) + 1);
      fsyncSync(fd);
    });
  }

  /** This node appends in chain order, so the newest is the last complete line: read the tail only. */
  latest(): AuditCheckpoint | undefined {
    if (this.#latest === null) this.#latest = this.#readLast();
    return this.#latest;
  }

  #readLast(): AuditCheckpoint | undefined {
    return withTail(this.path, 'r', (_fd, _size, tail) => {
      const lines = tail.toString('utf8').split('\n');
      lines.pop(); // after the last newline: empty, or an append a crash cut short
      const last = lines.at(-1);
      if (last === undefined) return undefined;
      const c = parseLine(last);
      if (!c) throw new Error(`the last line of the checkpoint file ${this.path} is not an audit checkpoint; was the file edited?`);
      return c;
    });
  }
}

/** Runs `fn` on the file's last 64 KiB (many lines' worth); undefined when the file does not exist. */
function withTail<T>(path: string, flags: 'r' | 'r+', fn: (fd: number, size: number, tail: Buffer) => T): T | undefined {
  let fd: number;
  try {
    fd = openSync(path, flags);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const size = fstatSync(fd).size;
    const tail = Buffer.alloc(Math.min(size, 64 * 1024));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    return fn(fd, size, tail);
  } finally {
    closeSync(fd);
  }
}
