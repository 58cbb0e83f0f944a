"""Warm the kernel's inode cache ahead of a walk, from another process.

An incremental backup spends its time on two system calls per unchanged
file: an ``lstat`` of the share's file and a ``link`` from the parent
backup's copy.  From a cold cache, each first reads the inode from disk
(or asks the NFS server), one after the other on the walking thread.
:class:`Prefetcher` starts a child process that walks the same trees in
the same order (sorted names) and ``lstat``\\ s every entry of each,
results thrown away, so that the inodes are in memory when the walk gets
there.  A process rather than a thread, because a thread of the same
interpreter would contend for its lock with every system call of the
walk; and the child lowers its own priority, so that a busy data node
runs the backup first.

The child only reads directories and inode metadata; like the walk it
never follows a symbolic link (directories are opened with
``O_NOFOLLOW`` relative to their parent), and its errors are ignored: a
prefetch that fails or falls behind only leaves the cache as it was.  It
is killed when the backup ends, and dies with the data service (the
kernel's parent-death signal): an orphan walking a mounted share would
keep the mount busy after a crash.

    python manila_bk/data/backup/engine/prefetch.py [--ppid PID] ROOT ...

(run as a script: it imports only the standard library, so that the
child starts in a few milliseconds without the package's imports) walks
the first ROOT and, in step, the same relative paths under the
others (the parent backup's data tree).
"""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys

import logging

LOG = logging.getLogger(__name__)

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NICE = 10
_PR_SET_PDEATHSIG = 1


def _open_dir(name, dir_fd):
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
    except OSError:
        return None


def _close(fds):
    for fd in fds:
        if fd is not None:
            os.close(fd)


def _stat_all(fd, names):
    for name in names:
        with contextlib.suppress(OSError):
            os.stat(name, dir_fd=fd, follow_symlinks=False)


def _subdirs(fd):
    """Sorted names of ``fd``'s entries, and those that are directories."""
    names, dirs = [], []
    with os.scandir(fd) as it:
        for entry in it:
            name = os.fsencode(entry.name)
            names.append(name)
            with contextlib.suppress(OSError):
                if entry.is_dir(follow_symlinks=False):
                    dirs.append(name)
    names.sort()
    dirs.sort()
    return names, dirs


def warm(roots):
    """Walk ``roots[0]`` and stat the same paths under every root.

    Returns the number of directories visited.  Depth-first with an
    explicit stack of open directory fds (one per root, None where that
    root lacks the directory), names sorted as the backup's walk.
    """
    first = []
    for root in roots:
        try:
            first.append(os.open(os.fsencode(root),
                                 os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC))
        except OSError:
            first.append(None)
    if first[0] is None:
        _close(first)
        return 0
    stack = [first]
    visited = 0
    while stack:
        fds = stack.pop()
        try:
            visited += 1
            try:
                names, dirs = _subdirs(fds[0])
            except OSError:
                continue
            for fd in fds:
                if fd is not None:
                    _stat_all(fd, names)
            # Pushed in reverse so that the first name is walked first.
            for name in reversed(dirs):
                child = [None if fd is None else _open_dir(name, fd)
                         for fd in fds]
                if child[0] is None:
                    _close(child)
                    continue
                stack.append(child)
        finally:
            _close(fds)
    return visited


class Prefetcher:
    """Run :func:`warm` in a child process for the life of the block.

    Leaving the block stops the child if it is still running.  Starting
    it can fail (no memory, no such interpreter): the backup then runs
    without it.
    """

    def __init__(self, roots):
        self.roots = [os.fsdecode(root) for root in roots]
        self.proc = None
        self.returncode = None  # the child's, once the block is left

    def __enter__(self):
        argv = [sys.executable, '-I', os.path.abspath(__file__),
                '--ppid', str(os.getpid())] + self.roots
        try:
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, close_fds=True)
        except OSError as exc:
            LOG.warning('Metadata prefetch not started: %s', exc)
        return self

    def __exit__(self, *exc):
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        self.returncode = proc.wait()


def _die_with_parent(ppid):
    """Ask for SIGKILL when the parent dies; False if it already has."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    return os.getppid() == ppid


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    ppid = None
    if argv[:1] == ['--ppid'] and len(argv) > 1:
        ppid = int(argv[1])
        del argv[:2]
    if not argv:
        print('usage: %s [--ppid PID] ROOT [ROOT ...]' % sys.argv[0],
              file=sys.stderr)
        return 2
    if ppid is not None and not _die_with_parent(ppid):
        return 0  # the backup is over already
    with contextlib.suppress(OSError):
        os.nice(_NICE)
    warm(argv)
    return 0


if __name__ == '__main__':
    sys.exit(main())
