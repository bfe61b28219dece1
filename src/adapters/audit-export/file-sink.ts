import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ExportRecord } from '../../domain/audit/export-record.js';
import type { AuditSink } from '../../ports/audit-sink.js';
import { fsyncDirectory } from '../fs/durable-file.js';
import { recordLine } from './json-lines.js';

export interface FileSinkOptions {
  readonly name: string;
  readonly path: string;
  /** Rotate before a batch would take the file past this size (a batch is never split across files). */
  readonly maxBytes: number;
  /** Rotated files kept beside the live one: `path.1` (newest) to `path.<keep>`; older ones are removed. */
  readonly keep: number;
}

/**
 * JSON lines appended to a file and fsynced before the batch counts as sent. Rotation renames the
 * full file to `.1` (shifting the older ones) before the batch is written to a new file, so a record
 * is in exactly one file; only a crash between the fsync and the cursor's move writes a batch twice.
 */
export class FileSink implements AuditSink {
  readonly kind = 'file';
  readonly name: string;
  #tornChecked = false;

  constructor(private readonly opts: FileSinkOptions) {
    this.name = opts.name;
  }

  async send(records: readonly ExportRecord[]): Promise<void> {
    const text = records.map((r) => `${recordLine(r)}\n`).join('');
    const bytes = Buffer.from(text, 'utf8');
    if (!this.#tornChecked) {
      dropTornTail(this.opts.path);
      this.#tornChecked = true;
    }
    const size = existsSync(this.opts.path) ? statSync(this.opts.path).size : 0;
    if (size > 0 && size + bytes.length > this.opts.maxBytes) this.#rotate();
    let created = false;
    let fd: number;
    try {
      fd = openSync(this.opts.path, 'ax', 0o640);
      created = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      fd = openSync(this.opts.path, 'a');
    }
    try {
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (created) fsyncDirectory(dirname(this.opts.path));
  }

  #rotate(): void {
    const { path, keep } = this.opts;
    if (keep === 0) rmSync(path, { force: true });
    else {
      rmSync(`${path}.${keep}`, { force: true });
      for (let i = keep - 1; i >= 1; i--) if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
      renameSync(path, `${path}.1`);
    }
    fsyncDirectory(dirname(path));
  }

  async close(): Promise<void> {}
}

/**
 * A crash in the middle of an append leaves a last line without its newline. It was never reported
 * sent, so the cursor still points before it and it is sent again whole: the torn piece is cut off
 * rather than glued to the next line.
 */
function dropTornTail(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    const size = fstatSync(fd).size;
    let end = size;
    const buf = Buffer.alloc(64 * 1024);
    // Walk back to the last newline (a line can be longer than one read).
    while (end > 0) {
      const n = Math.min(buf.length, end);
      readSync(fd, buf, 0, n, end - n);
      const nl = buf.subarray(0, n).lastIndexOf(0x0a);
      if (nl >= 0) {
        end = end - n + nl + 1;
        break;
      }
      end -= n;
    }
    if (end < size) {
      ftruncateSync(fd, end);
      fsyncSync(fd);
    }
  } finally {
    closeSync(fd);
  }
}
