"""File-system helpers of the directory-based share drivers (private).

Copies run ``cp -a --reflink=auto`` as an argument vector: one process per
tree, block sharing where the file system offers it (btrfs, XFS), and it
keeps modes, owners, times, symlinks, hardlinks within the tree, xattrs and
sparse files.
"""

import ctypes
import ctypes.util
import errno
import os
import shutil
import stat
import subprocess
import sys
import tempfile

from manila_bk import exception

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2 << 0
_UNSUPPORTED = (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP)

_libc = None


class ExchangeUnsupported(Exception):
    """renameat2(RENAME_EXCHANGE) is not available for these paths."""


def _get_libc():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library('c') or None,
                            use_errno=True)
    return _libc


def exchange(path_a, path_b):
    """Swap two paths atomically with renameat2(RENAME_EXCHANGE).

    Raises ExchangeUnsupported when the kernel, the C library or the file
    system cannot do it, OSError for any other failure.
    """
    func = getattr(_get_libc(), 'renameat2', None)
    if func is None:
        raise ExchangeUnsupported('the C library has no renameat2')
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
                     ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    if func(_AT_FDCWD, os.fsencode(path_a), _AT_FDCWD, os.fsencode(path_b),
            _RENAME_EXCHANGE) == 0:
        return
    err = ctypes.get_errno()
    if err in _UNSUPPORTED:
        raise ExchangeUnsupported(os.strerror(err))
    raise OSError(err, os.strerror(err), path_a, None, path_b)


def sync_filesystem(path):
    """Flush the file system holding ``path`` (syncfs, else sync)."""
    func = getattr(_get_libc(), 'syncfs', None)
    if func is None:
        os.sync()
        return
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if func(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


def fsync_dir(path):
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path, data, mode=0o644):
    """Replace ``path`` with ``data`` (bytes): temp file, fsync, rename."""
    directory = os.path.dirname(path) or '.'
    fd, tmp = tempfile.mkstemp(dir=directory,
                               prefix='.%s.' % os.path.basename(path))
    try:
        with os.fdopen(fd, 'wb') as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.rename(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(directory)


def copy_tree(src, dst):
    """Copy directory ``src`` to the new path ``dst`` with all metadata."""
    argv = ['cp', '-a', '--reflink=auto', '--no-target-directory', '--',
            src, dst]
    run(argv)


def run(argv):
    """Run ``argv`` (never through a shell); raise on a non-zero exit."""
    try:
        result = subprocess.run(argv, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, check=False)
    except OSError as exc:
        raise exception.ShareDriverException(
            reason='could not run %s: %s' % (argv[0], exc))
    if result.returncode != 0:
        err = result.stderr.decode('utf-8', 'replace').strip()
        raise exception.ShareDriverException(
            reason='%s exited with %d: %s' % (' '.join(argv),
                                              result.returncode, err[-500:]))
    return result


def _make_removable(func, path, exc):
    """rmtree error hook: open up the parent directory and retry once."""
    if isinstance(exc, FileNotFoundError):
        return
    parent = os.path.dirname(path)
    try:
        os.chmod(parent, stat.S_IMODE(os.lstat(parent).st_mode) | 0o700)
        if func in (os.rmdir, os.unlink) or not os.path.isdir(path):
            func(path)
        else:
            os.chmod(path, 0o700)
            shutil.rmtree(path)
    except FileNotFoundError:
        pass


def remove_tree(path):
    """Delete ``path`` and everything below it; absence is success."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(st.st_mode):
        os.unlink(path)
        return
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=_make_removable)
    else:
        shutil.rmtree(path, onerror=lambda func, p, info: _make_removable(
            func, p, info[1]))


def inode(path):
    """Return the inode number of ``path`` (not followed), or None."""
    try:
        return os.lstat(path).st_ino
    except FileNotFoundError:
        return None


def used_bytes(path):
    """Apparent bytes below ``path``, each hardlinked inode counted once."""
    seen = set()
    total = 0
    stack = [path]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                st = entry.stat(follow_symlinks=False)
                if stat.S_ISDIR(st.st_mode):
                    stack.append(entry.path)
                    continue
                if st.st_nlink > 1:
                    if (st.st_dev, st.st_ino) in seen:
                        continue
                    seen.add((st.st_dev, st.st_ino))
                total += st.st_size
    return total
