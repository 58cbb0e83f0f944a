"""Copy a share's tree into a backup's data tree, writing its manifest.

The walk (sorted, through directory fds) runs on the caller's thread,
which creates directories, symlinks and FIFOs at once; regular files are
opened, copied, checksummed and given their metadata by the pool
(``backup_copy_threads``), small files of a directory in batches, and the
manifest lines are written in walk order as tasks retire.  Sources are
opened with O_NOATIME where allowed, so a backup leaves atimes alone.
A file whose inode was already seen becomes a ``hardlink`` entry and a
link in the data tree.

Incremental: with a ``parent`` (the data tree and manifest of an earlier
complete backup of the same share), a file whose size, mtime, ctime,
inode, mode and owner equal the parent's record is hard-linked from the
parent's data tree instead of copied, and its record (checksum included)
is taken from the parent.  Unchanged files are never read, unless
``compare_content`` is set: then such a file is also hashed and linked
only if its checksum equals the parent's (a change that kept every piece
of metadata is caught, at the cost of reading the share).  Every backup
is thus a complete tree that can be restored or deleted on its own.  The
parent's manifest is streamed alongside the walk (same order), so nothing
is held in memory, and it is checked (digest, order, structure) as it is
read, once: if it turns out damaged the run stops with ParentUnusable and
the driver makes a full backup instead.  Links to the parent are made by
the walking thread itself, a directory's unchanged files in one batch
(the pool would only add hand-offs of the interpreter lock), while a
helper process reads the inodes of the share and of the parent ahead of
the walk (``prefetch``); the pool copies what changed.

Directory metadata is applied last, from the manifest just written, once
nothing more is created in the directories.
"""

import collections
import contextlib
import functools
import os
import stat

from oslo_log import log as logging

from manila_bk.data.backup import base
from manila_bk.data.backup.engine import entries
from manila_bk.data.backup.engine import filecopy
from manila_bk.data.backup.engine import fsmeta
from manila_bk.data.backup.engine import manifest as manifest_mod
from manila_bk.data.backup.engine import pipeline
from manila_bk.data.backup.engine import prefetch
from manila_bk.data.backup.engine import walk

LOG = logging.getLogger(__name__)

_SRC_FLAGS = (os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_NOCTTY |
              os.O_CLOEXEC)
# Reading a share for a backup should not change its files' atimes.
_NOATIME = getattr(os, 'O_NOATIME', 0)
_DST_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | \
    os.O_CLOEXEC

BackupStats = collections.namedtuple(
    'BackupStats', 'total_bytes entries file_count bytes_copied')
ParentTree = collections.namedtuple('ParentTree', 'data_root manifest')


class ParentUnusable(base.BackupDriverException):
    message = 'The parent backup cannot be used: %(reason)s'


def tree_size(root):
    """Logical bytes of the regular files of a tree (inodes counted once)."""
    total = 0
    seen = set()
    for item in walk.TreeWalker(root):
        st = item.st
        if not stat.S_ISREG(st.st_mode):
            continue
        if st.st_nlink > 1:
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
        total += st.st_size
    return total


class _Cursor:
    """Looks up parent records by path while the walk moves forward.

    The parent's manifest is checked while it is read; :meth:`drain`
    reads what the walk did not need, so that its digest is checked too.
    A damaged manifest raises ParentUnusable.
    """

    def __init__(self, manifest):
        self._it = manifest.entries_and_lines()
        self._cur = self._cur_key = self.line = None
        self._next()

    def _next(self):
        try:
            self._cur, self.line = next(self._it, (None, None))
        except base.BackupCorrupted as exc:
            raise ParentUnusable(reason=str(exc))
        self._cur_key = None if self._cur is None else \
            entries.key(self._cur['path'])

    def find(self, path):
        """The parent's record of ``path`` (its line in :attr:`line`)."""
        key = entries.key(path)
        while self._cur is not None and self._cur_key < key:
            self._next()
        if self._cur is not None and self._cur_key == key:
            return self._cur
        return None

    def drain(self):
        while self._cur is not None:
            self._next()


def _unchanged(record, st):
    return (record is not None and record['type'] == entries.TYPE_FILE and
            record.get('size') == st.st_size and
            record.get('mtime_ns') == st.st_mtime_ns and
            record.get('src_ctime_ns') == st.st_ctime_ns and
            record.get('src_ino') == st.st_ino and
            record.get('mode') == stat.S_IMODE(st.st_mode) and
            record.get('uid') == st.st_uid and
            record.get('gid') == st.st_gid)


def _safe_xattrs(dir_fd, name):
    try:
        return fsmeta.read_xattrs(fsmeta.proc_path(dir_fd, name))
    except OSError as exc:
        LOG.warning('Extended attributes of %r not read: %s', name, exc)
        return []


class BackupRun:
    """One backup of ``source_root`` into ``data_root`` (which exists)."""

    def __init__(self, source_root, data_root, writer, algorithm, threads,
                 progress, parent=None, compare_content=False,
                 prefetch=True):
        self.source_root = source_root
        self.prefetch = prefetch
        self.compare_content = compare_content
        self.data_root = data_root
        self.writer = writer
        self.algorithm = algorithm
        self.threads = threads
        self.progress = progress
        self.parent = parent
        self.meta = fsmeta.MetaApplier()
        self.links = {}
        self.bytes_copied = 0
        self._parent_fd = None
        self._cursor = None
        self._noatime = bool(_NOATIME)
        self._batch = None

    def run(self):
        """Copy the tree, close the manifest (not published); stats."""
        self.progress.start(self._expected_bytes())
        if self.parent is not None:
            self._parent_fd = walk.open_root(self.parent.data_root)
            self._cursor = _Cursor(self.parent.manifest)
        try:
            with self._prefetch(), \
                    walk.DirStack(self.data_root) as dst, \
                    pipeline.OrderedPipeline(self.threads,
                                             idle=self.progress.poll) as pipe:
                for item in walk.TreeWalker(self.source_root):
                    self._entry(item, dst, pipe)
                self._flush(pipe)
                if self._cursor is not None:
                    self._cursor.drain()
        finally:
            walk.close_quietly(self._parent_fd)
            if self._batch is not None:
                self._batch.close()
        self.writer.close()
        self._apply_dir_meta()
        return BackupStats(self.writer.total_bytes, self.writer.count,
                           self.writer.file_count, self.bytes_copied)

    def _prefetch(self):
        """Warm the inodes of the share and the parent (incrementals).

        An incremental mostly stats and links, one file after the other
        on this thread; a full backup keeps every core busy copying, so a
        prefetch would only take a core from it.
        """
        if self.parent is None or not self.prefetch:
            return contextlib.nullcontext()
        return prefetch.Prefetcher([self.source_root,
                                    self.parent.data_root])

    def _expected_bytes(self):
        """The bytes the progress counts to.

        A full backup walks the tree first to know them.  An incremental
        takes its parent's total instead: the share changed little since
        (a walk would cost as much as the incremental itself), and the
        percentage stops at 99 until the end anyway.
        """
        if self.parent is not None:
            try:
                return int(self.parent.manifest.trailer()['total_bytes'])
            except (base.BackupCorrupted, KeyError, TypeError, ValueError):
                pass
        return tree_size(self.source_root)

    def _add(self, entry, _result=None):
        self.writer.add(entry)

    def _entry(self, item, dst, pipe):
        etype = entries.type_of_mode(item.st.st_mode)
        if etype is None:
            LOG.warning('%s is a device or socket; it is not backed up',
                        entries.display(item.path))
            return
        if etype != entries.TYPE_FILE:
            self._flush(pipe)
        if not item.path:
            entry = fsmeta.base_entry(etype, b'', item.st)
            entry['xattrs'] = fsmeta.read_xattrs(item.fd)
            pipe.submit(finish=functools.partial(self._add, entry))
            return
        parent_fd, name = dst.parent_fd(item.path)
        if etype == entries.TYPE_DIR:
            os.mkdir(name, 0o700, dir_fd=parent_fd)
            dst.open_dir(item.path)
            entry = fsmeta.base_entry(etype, item.path, item.st)
            entry['xattrs'] = fsmeta.read_xattrs(item.fd)
            pipe.submit(finish=functools.partial(self._add, entry))
        elif etype == entries.TYPE_FILE:
            self._file(item, dst, parent_fd, name, pipe)
        else:
            self._special(item, etype, parent_fd, name, pipe)

    def _special(self, item, etype, parent_fd, name, pipe):
        entry = fsmeta.base_entry(etype, item.path, item.st)
        if etype == entries.TYPE_SYMLINK:
            entry['target'] = os.readlink(item.name, dir_fd=item.parent_fd)
            os.symlink(entry['target'], name, dir_fd=parent_fd)
        else:
            os.mkfifo(name, 0o600, dir_fd=parent_fd)
        entry['xattrs'] = _safe_xattrs(item.parent_fd, item.name)
        self.meta.apply_at(parent_fd, name, entry)
        pipe.submit(finish=functools.partial(self._add, entry))

    def _file(self, item, dst, parent_fd, name, pipe):
        st = item.st
        if st.st_nlink > 1:
            first = self.links.get((st.st_dev, st.st_ino))
            if first is not None:
                entry = {'type': entries.TYPE_HARDLINK, 'path': item.path,
                         'link_to': first}
                self._flush(pipe)
                fd = os.dup(parent_fd)
                pipe.submit(finish=functools.partial(
                    self._finish_hardlink, dst.root_fd, fd, name, entry),
                    fds=(fd,))
                return
            self.links[(st.st_dev, st.st_ino)] = item.path
        if self._cursor is not None and self._reuse(item, parent_fd, name,
                                                    pipe):
            return
        self._copy(item, parent_fd, name, pipe)

    def _finish_hardlink(self, root_fd, dir_fd, name, entry, _result):
        os.link(entry['link_to'], name, src_dir_fd=root_fd,
                dst_dir_fd=dir_fd, follow_symlinks=False)
        self.writer.add(entry)

    def _reuse(self, item, parent_fd, name, pipe):
        """Queue a link from the parent if the file is unchanged."""
        record = self._cursor.find(item.path)
        if not _unchanged(record, item.st):
            return False
        if self.compare_content and not self._same_content(item, record):
            return False
        if record.get('atime_ns') == item.st.st_atime_ns:
            # The very record the parent has: its line is copied as is.
            entry, line = record, self._cursor.line
        else:
            entry, line = dict(record, atime_ns=item.st.st_atime_ns), None
        # A link costs no bytes; the batch is bounded by its file count.
        self._queue(pipe, item, parent_fd,
                    (item.name, name, entry, item.st, line), 0)
        return True

    def _link_job(self, src_dir, src_name, dst_dir, dst_name, entry, st,
                  line):
        """Link an unchanged file from the parent (copy it if that fails).

        Returns (entry, copied, its manifest line or None).
        """
        try:
            os.link(entry['path'], dst_name, src_dir_fd=self._parent_fd,
                    dst_dir_fd=dst_dir, follow_symlinks=False)
        except OSError as exc:
            LOG.warning('%s could not be linked from the parent backup '
                        '(%s); it is copied', entries.display(entry['path']),
                        exc)
            copied = self._copy_job(src_dir, src_name, dst_dir, dst_name,
                                    self._copy_entry(entry['path'], st))
            return copied, True, None
        self.progress.add(entry['size'], files=1)
        return entry, False, line

    def _same_content(self, item, record):
        """Whether the file hashes to the parent's checksum (read now)."""
        if self.parent.manifest.algorithm != self.algorithm:
            return False
        fd = self._open_source(item.parent_fd, item.name)
        try:
            digest, size = filecopy.hash_fd(fd, self.algorithm)
        finally:
            os.close(fd)
        if digest == record.get('checksum') and size == record['size']:
            return True
        LOG.debug('%s changed but kept its metadata; it is copied',
                  entries.display(item.path))
        return False

    @staticmethod
    def _copy_entry(path, st):
        entry = fsmeta.base_entry(entries.TYPE_FILE, path, st)
        entry.update(src_ino=st.st_ino, src_ctime_ns=st.st_ctime_ns)
        return entry

    def _copy(self, item, parent_fd, name, pipe):
        """Queue a file copy."""
        self._queue(pipe, item, parent_fd,
                    (item.name, name, self._copy_entry(item.path, item.st),
                     None, None), item.st.st_size)

    def _queue(self, pipe, item, parent_fd, job, size):
        """Add a copy or link job; small files of a directory go in batches.

        Opening (and creating) files is slow on some file systems, so the
        pool does it, on duplicates of both directories' fds taken now;
        links from the parent go in batches of their own, made inline.
        ``job`` is (source name, target name, entry, stat of a file to
        link from the parent or None to copy it, the parent's manifest line
        of the entry or None).
        """
        parent = item.path.rpartition(b'/')[0]
        links = job[3] is not None
        batch = self._batch
        if batch is None or batch.parent != parent or batch.full() or \
                batch.links != links:
            self._flush(pipe)
            batch = self._batch = pipeline.Batch(
                parent, (item.parent_fd, parent_fd), links)
        batch.add(job, size)
        if batch.full():
            self._flush(pipe)

    def _flush(self, pipe):
        """Submit the pending batch: call before submitting anything else."""
        batch, self._batch = self._batch, None
        if batch is not None:
            # Links from the parent are a few system calls each: they are
            # made here, as the pool would only add lock hand-offs.
            pipe.submit(run=functools.partial(self._copy_batch, batch),
                        finish=self._finish_batch, fds=batch.fds,
                        inline=batch.links)

    def _copy_batch(self, batch):
        src_dir, dst_dir = batch.fds
        done = []
        for src_name, dst_name, entry, link_st, line in batch.items:
            if link_st is not None:
                done.append(self._link_job(src_dir, src_name, dst_dir,
                                           dst_name, entry, link_st, line))
            else:
                done.append((self._copy_job(src_dir, src_name, dst_dir,
                                            dst_name, entry), True, None))
        return done

    def _finish_batch(self, done):
        for entry, copied, line in done:
            if entry is None:
                continue
            if copied:
                self.bytes_copied += entry['size']
                self.progress.file_done()
            self.writer.add(entry, line)

    def _open_source(self, dir_fd, name):
        if self._noatime:
            try:
                return os.open(name, _SRC_FLAGS | _NOATIME, dir_fd=dir_fd)
            except PermissionError:
                self._noatime = False  # only owners and root may use it
        return os.open(name, _SRC_FLAGS, dir_fd=dir_fd)

    def _copy_job(self, src_dir, src_name, dst_dir, dst_name, entry):
        src_fd = self._open_source(src_dir, src_name)
        try:
            now = os.fstat(src_fd)
            if not stat.S_ISREG(now.st_mode) or \
                    now.st_ino != entry['src_ino']:
                LOG.warning('%s changed during the walk and is skipped',
                            entries.display(entry['path']))
                return None
            dst_fd = os.open(dst_name, _DST_FLAGS, 0o600, dir_fd=dst_dir)
            try:
                digest, size = filecopy.copy_fd(
                    src_fd, dst_fd, self.algorithm, self.progress.add)
                entry = dict(entry, size=size, checksum=digest,
                             xattrs=fsmeta.read_xattrs(src_fd))
                self.meta.apply_fd(dst_fd, entry)
            finally:
                os.close(dst_fd)
        finally:
            os.close(src_fd)
        return entry

    def _apply_dir_meta(self):
        with walk.DirStack(self.data_root) as stack:
            written = manifest_mod.Manifest(self.writer.tmp_path)
            for entry in written.own_dir_entries():
                fd = stack.open_dir(entry['path']) if entry['path'] \
                    else stack.root_fd
                self.meta.apply_fd(fd, entry)
            fsmeta.sync_filesystem(stack.root_fd)
