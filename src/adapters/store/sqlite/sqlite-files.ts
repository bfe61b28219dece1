import { closeSync, existsSync, fsyncSync, mkdtempSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fsyncDirectory, mkdirDurably } from '../../fs/durable-file.js';
import { SQLITE_FILE, loadSqliteDriver } from './sqlite-store.js';

/**
 * The embedded store's file as a whole: whether a data directory holds one, a consistent copy of
 * it while a server writes it, and putting a copy back. Copying the live file is not a backup: in
 * WAL mode the newest commits live in the -wal file, and a copy taken mid-checkpoint is torn.
 */

/** Whether `dataDir` holds an embedded store Elevate created (a database with its migration table). */
export function holdsSqliteStore(dataDir: string): boolean {
  const file = join(dataDir, SQLITE_FILE);
  if (!existsSync(file) || statSync(file).size === 0) return false;
  const Driver = loadSqliteDriver();
  const raw = new Driver(file, { readonly: true, fileMustExist: true });
  try {
    return raw.prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'").get() !== undefined;
  } finally {
    raw.close();
  }
}

/**
 * Copies the live store into `stagingDir/elevate.db` with SQLite's online backup, in one step: the
 * copy is one read snapshot (every transaction committed before it began, none after), and in WAL
 * mode that read blocks no writer. Taken in several steps, each write by the server would restart it.
 */
export async function snapshotSqlite(dataDir: string, stagingDir: string): Promise<string> {
  const Driver = loadSqliteDriver();
  const raw = new Driver(join(dataDir, SQLITE_FILE), { readonly: true, fileMustExist: true });
  const target = join(stagingDir, SQLITE_FILE);
  try {
    raw.pragma('busy_timeout = 5000');
    // The first step only starts the backup; the rate returned then copies every page in the next.
    await raw.backup(target, { progress: () => 0x7fffffff });
  } finally {
    raw.close();
  }
  return target;
}

/**
 * Makes a staged copy a single self-contained file (rollback journal instead of WAL, so no -wal or
 * -shm file belongs to it), checks SQLite's own integrity, and returns the page count.
 */
export function settleSqliteCopy(file: string): { readonly pages: number } {
  const Driver = loadSqliteDriver();
  const raw = new Driver(file, { fileMustExist: true });
  try {
    raw.pragma('journal_mode = DELETE');
    const problems = (raw.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).filter((r) => r !== 'ok');
    if (problems.length > 0) throw new Error(`the copy fails SQLite's integrity check: ${problems.slice(0, 3).join('; ')}`);
    return { pages: Number(raw.pragma('page_count', { simple: true })) };
  } finally {
    raw.close();
  }
}

/** A fresh directory beside `near` (same file system, so the final rename is atomic). */
export function stagingDirBeside(near: string): string {
  const parent = dirname(resolve(near));
  mkdirDurably(parent, 0o700);
  return mkdtempSync(join(parent, `.${basename(near)}.staging-`));
}

/** Moves `from` to `to` durably: the file's data, then its new name in the directory. */
export function moveDurably(from: string, to: string): void {
  const fd = openSync(from, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(from, to);
  fsyncDirectory(dirname(to));
}

/**
 * Puts the staged store `stagedFile` in place as `dataDir/elevate.db`. A store already there is
 * kept beside it, renamed with `suffix`, with its journal files: restoring is never the way to lose one.
 */
export function installSqliteStore(stagedFile: string, dataDir: string, suffix: string): { readonly replaced: string | null } {
  mkdirDurably(dataDir, 0o700);
  const live = join(dataDir, SQLITE_FILE);
  let replaced: string | null = null;
  if (existsSync(live)) {
    replaced = `${live}.${suffix}`;
    for (const ext of ['-wal', '-shm', '-journal']) if (existsSync(live + ext)) renameSync(live + ext, replaced + ext);
    renameSync(live, replaced);
  }
  moveDurably(stagedFile, live);
  return { replaced };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
