"""Walking trees through directory file descriptors.

Share trees belong to tenants, who may swap a directory for a symlink
while the (root) data service works in it.  So nothing below a tree's root
is reached by path: :class:`TreeWalker` descends with ``openat(...,
O_NOFOLLOW | O_DIRECTORY)`` and hands out the parent directory's fd with
each entry, and :class:`DirStack` keeps open fds of the directories along
the current path while a tree is built from a manifest.  A swapped
symlink then fails with ELOOP/ENOTDIR instead of leading outside.

Both follow the manifest's order: pre-order, names sorted bytewise, which
is the order of :func:`entries.key`.  :func:`merge` joins a walk with a
manifest's entries on that order.
"""

import collections
import contextlib
import errno
import os
import stat

from oslo_log import log as logging

from manila_bk.data.backup.engine import entries

LOG = logging.getLogger(__name__)

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_CHANGED = (errno.ENOENT, errno.ENOTDIR, errno.ELOOP)

WalkItem = collections.namedtuple('WalkItem', 'path st parent_fd name fd')
WalkItem.__doc__ = """One entry of a walk.

``path`` is relative (bytes, ``b''`` for the root), ``st`` its lstat,
``parent_fd``/``name`` its directory's fd and its name (None for the root)
and ``fd`` an open fd of the entry itself when it is a directory.  The fds
stay valid until the walk moves past the entry's subtree.
"""


def open_root(path):
    """Open the root directory of a tree (the root itself may be a link)."""
    return os.open(os.fsencode(path),
                   os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)


def close_quietly(fd):
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


def open_parent(root_fd, path):
    """Open the directory holding relative ``path`` without following links.

    Returns ``(fd, name)``; the caller closes ``fd``.
    """
    parts = path.split(b'/')
    fd = os.dup(root_fd)
    try:
        for part in parts[:-1]:
            new_fd = os.open(part, DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = new_fd
    except BaseException:
        os.close(fd)
        raise
    return fd, parts[-1]


def list_names(fd):
    """Names in the directory open as ``fd``, sorted, as bytes."""
    return sorted(os.fsencode(name) for name in os.listdir(fd))


class TreeWalker:
    """Pre-order walk of a tree with sorted names; links are not followed.

    Entries that vanish or change type during the walk are skipped with a
    warning.  Call :meth:`skip_children` after receiving a directory to
    not descend into it.
    """

    def __init__(self, root):
        self.root = root
        self._skip = False

    def skip_children(self):
        self._skip = True

    def __iter__(self):
        frames = []
        root_fd = open_root(self.root)
        try:
            self._skip = False
            yield WalkItem(b'', os.fstat(root_fd), None, None, root_fd)
            if self._skip:
                return
            frames.append((b'', root_fd, iter(list_names(root_fd))))
            root_fd = None
            while frames:
                rel, fd, names = frames[-1]
                name = next(names, None)
                if name is None:
                    frames.pop()
                    os.close(fd)
                    continue
                yield from self._visit(frames, rel, fd, name)
        finally:
            close_quietly(root_fd)
            for frame in frames:
                close_quietly(frame[1])

    def _visit(self, frames, parent_rel, parent_fd, name):
        rel = parent_rel + b'/' + name if parent_rel else name
        try:
            st = os.stat(name, dir_fd=parent_fd, follow_symlinks=False)
            fd = None
            if stat.S_ISDIR(st.st_mode):
                fd = os.open(name, DIR_FLAGS, dir_fd=parent_fd)
        except OSError as exc:
            if exc.errno not in _CHANGED:
                raise
            LOG.warning('%s changed during the walk and is skipped: %s',
                        entries.display(rel), exc)
            return
        self._skip = False
        try:
            yield WalkItem(rel, st, parent_fd, name, fd)
            if fd is not None and not self._skip:
                frames.append((rel, fd, iter(list_names(fd))))
                fd = None
        finally:
            close_quietly(fd)


class DirStack:
    """Open fds of the directories along the current path of a pass.

    Used while entries are created or updated in manifest order: ask for
    :meth:`parent_fd` of each entry's path, and :meth:`push` the fd of each
    directory entry after creating or opening it.
    """

    def __init__(self, root):
        self.frames = [((), open_root(root))]

    @property
    def root_fd(self):
        return self.frames[0][1]

    def parent_fd(self, path):
        """The fd of the directory holding ``path``, and its name."""
        key = entries.key(path)
        while len(self.frames) > 1 and self.frames[-1][0] != key[:-1]:
            os.close(self.frames.pop()[1])
        if self.frames[-1][0] != key[:-1]:
            raise OSError(errno.ENOENT, 'parent directory not open',
                          entries.display(path))
        return self.frames[-1][1], key[-1]

    def open_dir(self, path):
        """Open directory ``path`` (no links followed) and push it."""
        parent, name = self.parent_fd(path)
        fd = os.open(name, DIR_FLAGS, dir_fd=parent)
        self.frames.append((entries.key(path), fd))
        return fd

    def close(self):
        while self.frames:
            close_quietly(self.frames.pop()[1])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def merge(walker, manifest_entries):
    """Join a walk with manifest entries; yield ``(path, item, entry)``.

    ``item`` (a WalkItem) or ``entry`` is None when the path is only in the
    manifest or only on disk.  The consumer may call
    ``walker.skip_children()`` for an on-disk directory it just received.
    """
    walk = iter(walker)
    item = next(walk, None)
    entry = next(manifest_entries, None)
    while item is not None or entry is not None:
        if entry is None or (item is not None and
                             entries.key(item.path) <
                             entries.key(entry['path'])):
            yield item.path, item, None
            item = next(walk, None)
        elif item is None or entries.key(entry['path']) < \
                entries.key(item.path):
            yield entry['path'], None, entry
            entry = next(manifest_entries, None)
        else:
            yield item.path, item, entry
            item = next(walk, None)
            entry = next(manifest_entries, None)
