import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../../test/support/lazyfs.py', import.meta.url));
/** Debian's interpreter: python3-fusepy installs into its dist-packages, not into a pyenv's. */
const PYTHON = '/usr/bin/python3';

/**
 * Fails loudly, never skips, when this machine cannot run the power-cut tests; scripts/ci.sh
 * installs fuse3 and python3-fusepy.
 */
export function requireFuse(): void {
  if (!existsSync('/dev/fuse')) throw new Error('/dev/fuse is missing: the power-cut tests need FUSE (a container needs --device /dev/fuse)');
  try {
    execFileSync(PYTHON, ['-c', 'import fusepy'], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`${PYTHON} cannot import fusepy: apt-get install fuse3 python3-fusepy (${(e as Error).message.split('\n')[0]})`);
  }
  if (!existsSync('/usr/bin/fusermount3') && !existsSync('/bin/fusermount3')) throw new Error('fusermount3 is missing: apt-get install fuse3');
}

export interface LazyMount {
  readonly mountpoint: string;
  readonly pid: number;
  /** Power loss: everything not fsynced (data, and names whose directory was not fsynced) is gone. */
  cut(): void;
  /** Unmounts (fusermount -u) and waits for the filesystem process to end. */
  unmount(): Promise<void>;
}

/** Mounts test/support/lazyfs.py over `backing` at `mountpoint` and waits until it answers. */
export async function mountLazyFs(backing: string, mountpoint: string): Promise<LazyMount> {
  const child: ChildProcess = spawn(PYTHON, [SCRIPT, backing, mountpoint], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 20_000;
  while (!out.includes('ready')) {
    if (child.exitCode !== null) throw new Error(`lazyfs exited with ${child.exitCode} before mounting:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`lazyfs did not mount within 20 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  let mounted = true;
  return {
    mountpoint,
    pid: child.pid!,
    cut: () => writeFileSync(join(mountpoint, '.lazyfs-control'), 'cut'),
    async unmount() {
      if (!mounted) return;
      mounted = false;
      try {
        execFileSync('fusermount3', ['-u', mountpoint], { stdio: 'pipe' });
      } catch {
        // Still busy (a process killed mid-call): detach it lazily, then end our own process by its id.
        execFileSync('fusermount3', ['-u', '-z', mountpoint], { stdio: 'pipe' });
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      if (code !== 0) throw new Error(`lazyfs ended with ${code}:\n${out}`);
    },
  };
}
