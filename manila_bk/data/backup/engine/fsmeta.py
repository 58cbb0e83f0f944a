"""Reading and applying the metadata of tree entries.

Everything works on open fds, or on a name relative to an open directory
fd, never on a path through the tree (see ``walk``).  Extended attributes
of entries that cannot be opened (symlinks, FIFOs) go through
``/proc/self/fd/<dir fd>/<name>`` with links not followed.

Owners are set when the process may (root without root squash); the first
EPERM turns owner changes off for the rest of the operation with one
warning, as extended attributes the target cannot hold do, per namespace.
Order matters: chown (it clears setuid bits), xattrs (an ACL touches the
mode), chmod, then times.
"""

import contextlib
import ctypes
import ctypes.util
import errno
import os
import stat
import threading

from oslo_log import log as logging

from manila_bk.data.backup.engine import entries

LOG = logging.getLogger(__name__)

_NO_XATTRS = (errno.ENOTSUP, errno.EOPNOTSUPP)
_XATTR_REFUSED = (errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM,
                  errno.EACCES, errno.EINVAL, errno.ENOSPC, errno.E2BIG)
# Never removed from a restored directory: the host's security labels.
_KEEP_PREFIX = b'security.'

_libc = None


def proc_path(dir_fd, name):
    return b'/proc/self/fd/%d/%s' % (dir_fd, name)


def read_xattrs(target):
    """``[(name, value)]`` of an fd or a (proc) path; links not followed."""
    is_path = isinstance(target, bytes)
    kwargs = {'follow_symlinks': False} if is_path else {}
    try:
        names = os.listxattr(target, **kwargs)
    except OSError as exc:
        if exc.errno in _NO_XATTRS:
            return []
        raise
    result = []
    for name in sorted(os.fsencode(n) for n in names):
        try:
            result.append((name, os.getxattr(target, name, **kwargs)))
        except OSError as exc:
            if exc.errno not in (errno.ENODATA,) + _NO_XATTRS:
                raise
    return result


def base_entry(entry_type, path, st):
    """An entry with the metadata every type has, from an lstat result."""
    return {'type': entry_type, 'path': path,
            'mode': stat.S_IMODE(st.st_mode), 'uid': st.st_uid,
            'gid': st.st_gid, 'mtime_ns': st.st_mtime_ns,
            'atime_ns': st.st_atime_ns}


def _times(entry):
    return (entry.get('atime_ns', entry['mtime_ns']), entry['mtime_ns'])


def _get_libc():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library('c') or None,
                            use_errno=True)
    return _libc


def sync_filesystem(fd):
    """Flush the file system holding open ``fd`` (syncfs, else sync)."""
    func = getattr(_get_libc(), 'syncfs', None)
    if func is None or func(fd) != 0:
        os.sync()


class MetaApplier:
    """Applies entries' metadata; shared by the threads of an operation."""

    def __init__(self):
        self._lock = threading.Lock()
        self.chown_enabled = True
        self._refused = set()

    def _warn_once(self, what, exc):
        with self._lock:
            if what in self._refused:
                return
            self._refused.add(what)
        LOG.warning('%s cannot be kept on this target (%s); it is '
                    'skipped from now on in this operation', what, exc)

    def _chown(self, func, *args, **kwargs):
        if not self.chown_enabled:
            return
        try:
            func(*args, **kwargs)
        except PermissionError as exc:
            self.chown_enabled = False
            self._warn_once('Owner', exc)

    def _set_xattr(self, target, name, value, **kwargs):
        namespace = name.split(b'.', 1)[0].decode('ascii', 'replace')
        if namespace in self._refused:
            return
        try:
            os.setxattr(target, name, value, **kwargs)
        except OSError as exc:
            if exc.errno not in _XATTR_REFUSED:
                raise
            self._warn_once(namespace, exc)

    def _sync_xattrs(self, target, wanted, clear, **kwargs):
        if clear:
            wanted_names = {name for name, _value in wanted}
            for name, _value in read_xattrs(target):
                if name not in wanted_names and \
                        not name.startswith(_KEEP_PREFIX):
                    with contextlib.suppress(OSError):
                        os.removexattr(target, name, **kwargs)
        for name, value in wanted:
            self._set_xattr(target, name, value, **kwargs)

    def apply_fd(self, fd, entry, clear_xattrs=False):
        """Apply owner, xattrs, mode and times of ``entry`` to open ``fd``.

        ``clear_xattrs`` removes xattrs the entry does not have (for
        directories that existed before a restore).
        """
        self._chown(os.chown, fd, entry['uid'], entry['gid'])
        self._sync_xattrs(fd, entry.get('xattrs', ()), clear_xattrs)
        os.chmod(fd, entry['mode'])
        os.utime(fd, ns=_times(entry))

    def apply_at(self, dir_fd, name, entry):
        """Apply ``entry`` to ``name`` in ``dir_fd`` (symlinks, FIFOs)."""
        if entry['type'] != entries.TYPE_SYMLINK:
            fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW |
                         os.O_CLOEXEC, dir_fd=dir_fd)
            try:
                self.apply_fd(fd, entry)
            finally:
                os.close(fd)
            return
        self._chown(os.chown, name, entry['uid'], entry['gid'],
                    dir_fd=dir_fd, follow_symlinks=False)
        if entry.get('xattrs'):
            self._sync_xattrs(proc_path(dir_fd, name), entry['xattrs'],
                              False, follow_symlinks=False)
        os.utime(name, ns=_times(entry), dir_fd=dir_fd,
                 follow_symlinks=False)
