import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * Files Elevate relies on (keys, checkpoints) must survive a power cut the moment they are
 * reported written. `writeFileSync` leaves both the data and the new name in the page cache for the
 * kernel's writeback delay (about 30 s): a power cut then brings back an empty file, or none, and a
 * lost MFA key makes every sealed secret unreadable. The helpers below are the only way src/ writes
 * such files.
 */

export interface DurableWriteOptions {
  /** Permission bits of the new file (applied at creation, so it is never wider even for a moment). */
  readonly mode: number;
  /** Fail with EEXIST instead of replacing a file already there (two processes starting at once). */
  readonly exclusive?: boolean;
}

/**
 * Writes `data` to `path` all or nothing: a temporary file in the same directory (so the rename
 * stays on one filesystem) is written and fsynced, then moved into place, then the directory is
 * fsynced so the name itself is durable. A crash at any point leaves the old file (or none) and at
 * worst a stray temporary, never a partial file under the real name.
 */
export function writeFileDurably(path: string, data: string | Uint8Array, opts: DurableWriteOptions): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', opts.mode);
  try {
    writeAll(fd, data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    // link() refuses an existing target where rename() would replace it: that is the exclusive create.
    if (opts.exclusive) linkSync(tmp, path);
    else renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
  fsyncDirectory(dir);
}

/**
 * Appends `data` to `path` (created with `mode` when missing) and returns once it is on disk: the
 * file is fsynced, and the directory too when the file was new, since its name is not durable before.
 */
export function appendDurably(path: string, data: string | Uint8Array, opts: { readonly mode: number }): void {
  let created = false;
  let fd: number;
  try {
    fd = openSync(path, 'ax', opts.mode);
    created = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    fd = openSync(path, 'a');
  }
  try {
    writeAll(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (created) fsyncDirectory(dirname(path));
}

/**
 * Creates `dir` and any missing parents with `mode`, and makes each new name durable by fsyncing the
 * directory that holds it: a file fsynced inside a directory whose own entry was lost is lost too.
 */
export function mkdirDurably(dir: string, mode: number): void {
  const first = mkdirSync(dir, { recursive: true, mode });
  // Even when it exists: whoever created it (an earlier start, an operator's mkdir) may not have
  // made its name durable, and everything stored inside hangs on that name.
  const top = resolve(first ?? dir);
  for (let d = resolve(dir); ; d = dirname(d)) {
    fsyncDirectory(dirname(d));
    if (d === top) return;
  }
}

/** Makes the directory's entries (creations, renames, removals) durable. */
export function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, data: string | Uint8Array): void {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
}
