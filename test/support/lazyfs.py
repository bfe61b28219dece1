#!/usr/bin/python3
"""A small LazyFS-like FUSE filesystem for power-cut tests (after Jepsen's LazyFS).

    /usr/bin/python3 lazyfs.py BACKING MOUNTPOINT

Passes everything through to BACKING (the "live" state processes see) and keeps, in memory, what
a disk would still hold after losing power:

- file data reaches the durable state only when that file is fsynced (fsync or fdatasync), and
  then only the ranges written since (plus its size);
- names (create, rename, link, unlink, mkdir, rmdir) reach it only when their directory is
  fsynced: the directory's whole listing is taken then, as a journalling filesystem would commit it.

Writing `cut` to MOUNTPOINT/.lazyfs-control "cuts the power": BACKING is rebuilt from the durable
state, dropping every write and every name change that was not fsynced. A file whose name survived
but whose data never did comes back empty, which is how a power cut leaves a file written without
fsync. After a cut the test unmounts (fusermount -u) and mounts again; a fresh mount takes
everything in BACKING as durable.

Needs Debian's python3-fusepy (module `fusepy`) and fuse3; prints `ready` once mounted.
"""

import errno
import os
import shutil
import stat
import sys
import threading

from fusepy import FUSE, FuseOSError, Operations

CONTROL = '/.lazyfs-control'


class LazyFS(Operations):
    def __init__(self, root):
        self.root = os.path.realpath(root)
        self.mutex = threading.RLock()
        self.snapshot()

    # --- the durable state ---------------------------------------------------------------------

    def snapshot(self):
        """Everything in BACKING now is durable (at mount, and after a cut rebuilt it)."""
        self.dirs = {}      # virtual dir path -> {name: ('d', None) | ('f', ino) | ('l', target)}
        self.data = {}      # ino -> bytearray: file contents as last fsynced
        self.modes = {}     # ino -> permission bits
        self.dirty = {}     # ino -> [(offset, length)] written since the last fsync
        for real, _subdirs, _files in os.walk(self.root):
            self.take_listing('/' if real == self.root else '/' + os.path.relpath(real, self.root))
            for e in os.scandir(real):
                if e.is_file(follow_symlinks=False):
                    st = e.stat(follow_symlinks=False)
                    with open(e.path, 'rb') as f:
                        self.data[st.st_ino] = bytearray(f.read())
                    self.modes[st.st_ino] = stat.S_IMODE(st.st_mode)

    def take_listing(self, vpath):
        listing = {}
        for e in os.scandir(self.real(vpath)):
            if e.is_symlink():
                listing[e.name] = ('l', os.readlink(e.path))
            elif e.is_dir(follow_symlinks=False):
                listing[e.name] = ('d', None)
            else:
                st = e.stat(follow_symlinks=False)
                listing[e.name] = ('f', st.st_ino)
                # The mode is metadata, committed with the name (its data may still be missing).
                self.modes.setdefault(st.st_ino, stat.S_IMODE(st.st_mode))
        self.dirs[vpath] = listing

    def sync_file(self, fd):
        st = os.fstat(fd)
        ino = st.st_ino
        buf = self.data.setdefault(ino, bytearray())
        if len(buf) > st.st_size:
            del buf[st.st_size:]
        elif len(buf) < st.st_size:
            buf.extend(b'\0' * (st.st_size - len(buf)))
        # The caller's descriptor may be write-only (O_APPEND logs): read the same inode anew.
        rfd = os.open('/proc/self/fd/%d' % fd, os.O_RDONLY)
        try:
            for off, length in self.dirty.pop(ino, []):
                end = min(off + length, st.st_size)
                if end > off:
                    buf[off:end] = os.pread(rfd, end - off, off)
        finally:
            os.close(rfd)
        self.modes[ino] = stat.S_IMODE(st.st_mode)

    def cut(self):
        """Power loss: BACKING becomes exactly the durable state."""
        for e in os.scandir(self.root):
            if e.is_dir(follow_symlinks=False):
                shutil.rmtree(e.path)
            else:
                os.unlink(e.path)
        self.rebuild('/')
        self.snapshot()

    def rebuild(self, vpath):
        for name, (kind, x) in self.dirs.get(vpath, {}).items():
            child = os.path.join(vpath, name)
            real = self.real(child)
            if kind == 'd':
                os.mkdir(real)
                self.rebuild(child)
            elif kind == 'l':
                os.symlink(x, real)
            else:
                with open(real, 'wb') as f:
                    f.write(bytes(self.data.get(x, b'')))
                os.chmod(real, self.modes.get(x, 0o644))

    # --- passthrough ------------------------------------------------------------------------------

    def real(self, path):
        return os.path.join(self.root, path.lstrip('/'))

    def mark(self, fd, offset, length):
        self.dirty.setdefault(os.fstat(fd).st_ino, []).append((offset, length))

    def getattr(self, path, fh=None):
        if path == CONTROL:
            return {'st_mode': stat.S_IFREG | 0o600, 'st_nlink': 1, 'st_size': 0}
        try:
            st = os.lstat(self.real(path))
        except OSError as e:
            raise FuseOSError(e.errno)
        return {k: getattr(st, k) for k in ('st_atime', 'st_ctime', 'st_gid', 'st_mode', 'st_mtime', 'st_nlink', 'st_size', 'st_uid', 'st_ino')}

    def access(self, path, amode):
        if path != CONTROL and not os.access(self.real(path), amode):
            raise FuseOSError(errno.EACCES)

    def readdir(self, path, fh):
        return ['.', '..'] + os.listdir(self.real(path))

    def readlink(self, path):
        return os.readlink(self.real(path))

    def statfs(self, path):
        sv = os.statvfs(self.real(path))
        return {k: getattr(sv, k) for k in ('f_bavail', 'f_bfree', 'f_blocks', 'f_bsize', 'f_favail', 'f_ffree', 'f_files', 'f_flag', 'f_frsize', 'f_namemax')}

    def chmod(self, path, mode):
        os.chmod(self.real(path), mode)

    def chown(self, path, uid, gid):
        os.chown(self.real(path), uid, gid)

    def utimens(self, path, times=None):
        os.utime(self.real(path), times)

    def mkdir(self, path, mode):
        os.mkdir(self.real(path), mode)

    def rmdir(self, path):
        os.rmdir(self.real(path))

    def unlink(self, path):
        os.unlink(self.real(path))

    def symlink(self, target, source):
        os.symlink(source, self.real(target))

    def link(self, target, source):
        os.link(self.real(source), self.real(target))

    def rename(self, old, new):
        os.rename(self.real(old), self.real(new))

    def mknod(self, path, mode, dev):
        os.mknod(self.real(path), mode, dev)

    def open(self, path, flags):
        if path == CONTROL:
            return os.open('/dev/null', os.O_RDWR)
        with self.mutex:
            fd = os.open(self.real(path), flags)
            if flags & os.O_TRUNC:
                self.mark(fd, 0, 0)
            return fd

    def create(self, path, mode, fi=None):
        if path == CONTROL:
            return os.open('/dev/null', os.O_RDWR)
        return os.open(self.real(path), os.O_RDWR | os.O_CREAT | os.O_EXCL, mode)

    def read(self, path, size, offset, fh):
        return os.pread(fh, size, offset)

    def write(self, path, data, offset, fh):
        if path == CONTROL:
            if data.strip() == b'cut':
                with self.mutex:
                    self.cut()
            return len(data)
        with self.mutex:
            n = os.pwrite(fh, data, offset)
            self.mark(fh, offset, n)
            return n

    def truncate(self, path, length, fh=None):
        if path == CONTROL:
            return
        with self.mutex:
            if fh is None:
                with open(self.real(path), 'r+b') as f:
                    f.truncate(length)
                    self.mark(f.fileno(), 0, 0)
            else:
                os.ftruncate(fh, length)
                self.mark(fh, 0, 0)

    def flush(self, path, fh):
        return 0  # close() does not make anything durable

    def release(self, path, fh):
        os.close(fh)

    def fsync(self, path, datasync, fh):
        if path != CONTROL:
            with self.mutex:
                self.sync_file(fh)

    def fsyncdir(self, path, datasync, fh):
        with self.mutex:
            self.take_listing(path)


if __name__ == '__main__':
    backing, mountpoint = sys.argv[1], sys.argv[2]
    fs = LazyFS(backing)

    def init(path):
        print('ready', flush=True)

    fs.init = init
    # One thread: operations never interleave, so the durable state needs no finer locking.
    FUSE(fs, mountpoint, foreground=True, nothreads=True, default_permissions=False)
