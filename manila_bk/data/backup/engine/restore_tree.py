"""Make a tree an exact mirror of a backup.

1. The manifest is checked whole and, unless told otherwise, the data
   tree is verified against it (``verify_tree``); any problem raises
   BackupCorrupted before the target is touched.
2. Prune: the target is walked and merged with the manifest; what the
   backup does not have, or has with another type, is removed (first, so
   the space is free for what comes).
3. Apply, in manifest order: directories are created where missing;
   every file is written by the pool to a temporary name in its
   directory, checked against its checksum while written, given its
   metadata and renamed over the old one; symlinks, FIFOs and hardlinks
   are made under a temporary name and renamed too.
4. Directory metadata is applied last (extra xattrs removed), and the file
   system is synced.

The target belongs to a tenant: everything below its root is reached
through directory fds opened without following links (see ``walk``).
"""

import functools
import os
import shutil
import stat
import uuid

from manila_bk.data.backup import base
from manila_bk.data.backup.engine import entries
from manila_bk.data.backup.engine import filecopy
from manila_bk.data.backup.engine import fsmeta
from manila_bk.data.backup.engine import pipeline
from manila_bk.data.backup.engine import verify_tree
from manila_bk.data.backup.engine import walk

TMP_PREFIX = b'.mbk-restore-'
_SRC_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
_TMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | \
    os.O_CLOEXEC


def _tmp_name():
    return TMP_PREFIX + uuid.uuid4().hex.encode('ascii')


def _rename_over(dir_fd, tmp, name):
    os.rename(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    try:
        # rename() does nothing when both names are links to one inode.
        os.unlink(tmp, dir_fd=dir_fd)
    except FileNotFoundError:
        pass


def _unlink_quietly(dir_fd, name):
    try:
        os.unlink(name, dir_fd=dir_fd)
    except OSError:
        pass


def _mark(exc, untouched):
    try:
        exc.target_untouched = untouched
    except AttributeError:  # exceptions with __slots__
        pass


class RestoreRun:
    """Restore ``manifest`` / ``data_root`` onto ``target_root``."""

    def __init__(self, backup_id, data_root, manifest, target_root,
                 threads, progress, verify_first=True):
        self.backup_id = backup_id
        self.data_root = data_root
        self.manifest = manifest
        self.target_root = target_root
        self.threads = threads
        self.progress = progress
        self.verify_first = verify_first
        self.meta = fsmeta.MetaApplier()
        self._src_fd = None
        self._batch = None

    def run(self):
        """Check the backup, then make the target mirror it.

        An error says on ``target_untouched`` whether it happened before
        the target was changed (the data service words its outcome on it).
        """
        try:
            self._check_backup()
        except Exception as exc:
            _mark(exc, untouched=True)
            raise
        try:
            self._prune()
            self._src_fd = walk.open_root(self.data_root)
            try:
                self._apply()
            finally:
                walk.close_quietly(self._src_fd)
            self._apply_dir_meta()
        except Exception as exc:
            _mark(exc, untouched=False)
            raise

    def _corrupted(self, reason):
        return base.BackupCorrupted(backup_id=self.backup_id, reason=reason)

    def _check_backup(self):
        try:
            self.manifest.check()
            total = int(self.manifest.trailer()['total_bytes'])
        except base.BackupCorrupted as exc:
            raise self._corrupted(str(exc))
        self.progress.start(total * 2 if self.verify_first else total)
        if not self.verify_first:
            return
        problems = verify_tree.verify(self.data_root, self.manifest,
                                      self.threads, self.progress, limit=5)
        if problems:
            raise self._corrupted('; '.join(problems))

    def _prune(self):
        walker = walk.TreeWalker(self.target_root)
        for path, item, entry in walk.merge(walker, self.manifest.entries()):
            if item is None or not path:
                continue
            if entry is not None and stat.S_IFMT(item.st.st_mode) == \
                    entries.fmt_of_type(entry['type']):
                continue
            if item.fd is not None:
                walker.skip_children()
                shutil.rmtree(item.name, dir_fd=item.parent_fd)
            else:
                os.unlink(item.name, dir_fd=item.parent_fd)

    def _apply(self):
        with walk.DirStack(self.target_root) as tgt, \
                pipeline.OrderedPipeline(self.threads,
                                         idle=self.progress.poll) as pipe:
            try:
                for entry in self.manifest.entries():
                    if not entry['path']:
                        continue
                    parent_fd, name = tgt.parent_fd(entry['path'])
                    self._apply_entry(tgt, pipe, parent_fd, name, entry)
                self._flush(pipe)
            finally:
                if self._batch is not None:
                    self._batch.close()

    def _apply_entry(self, tgt, pipe, parent_fd, name, entry):
        etype = entry['type']
        if etype == entries.TYPE_DIR:
            self._make_dir(parent_fd, name)
            tgt.open_dir(entry['path'])
            return
        elif etype == entries.TYPE_FILE:
            self._queue_file(pipe, parent_fd, name, entry)
            return
        self._flush(pipe)
        if etype == entries.TYPE_HARDLINK:
            fd = os.dup(parent_fd)
            pipe.submit(finish=functools.partial(
                self._link, tgt.root_fd, fd, name, entry), fds=(fd,))
        else:
            tmp = _tmp_name()
            if etype == entries.TYPE_SYMLINK:
                os.symlink(entry['target'], tmp, dir_fd=parent_fd)
            else:
                os.mkfifo(tmp, 0o600, dir_fd=parent_fd)
            try:
                self.meta.apply_at(parent_fd, tmp, entry)
                _rename_over(parent_fd, tmp, name)
            except BaseException:
                _unlink_quietly(parent_fd, tmp)
                raise

    def _queue_file(self, pipe, parent_fd, name, entry):
        parent = entry['path'].rpartition(b'/')[0]
        batch = self._batch
        if batch is None or batch.parent != parent or batch.full():
            self._flush(pipe)
            batch = self._batch = pipeline.Batch(parent, (parent_fd,))
        batch.add((name, entry), entry['size'])

    def _flush(self, pipe):
        """Submit the pending batch: before anything that depends on it."""
        batch, self._batch = self._batch, None
        if batch is not None:
            pipe.submit(run=functools.partial(self._restore_batch, batch),
                        fds=batch.fds)

    def _restore_batch(self, batch):
        for name, entry in batch.items:
            self._restore_file(batch.fds[0], name, entry)

    @staticmethod
    def _make_dir(parent_fd, name):
        try:
            st = os.stat(name, dir_fd=parent_fd, follow_symlinks=False)
        except FileNotFoundError:
            os.mkdir(name, 0o700, dir_fd=parent_fd)
            return
        if not stat.S_ISDIR(st.st_mode):
            os.unlink(name, dir_fd=parent_fd)
            os.mkdir(name, 0o700, dir_fd=parent_fd)

    def _restore_file(self, dir_fd, name, entry):
        tmp = _tmp_name()
        src_fd = os.open(entry['path'], _SRC_FLAGS, dir_fd=self._src_fd)
        try:
            dst_fd = os.open(tmp, _TMP_FLAGS, 0o600, dir_fd=dir_fd)
            try:
                digest, size = filecopy.copy_fd(
                    src_fd, dst_fd, self.manifest.algorithm,
                    self.progress.add)
                if size != entry['size'] or digest != entry['checksum']:
                    raise self._corrupted('%s does not match its checksum' %
                                          entries.display(entry['path']))
                self.meta.apply_fd(dst_fd, entry)
            finally:
                os.close(dst_fd)
            _rename_over(dir_fd, tmp, name)
        except BaseException:
            _unlink_quietly(dir_fd, tmp)
            raise
        finally:
            os.close(src_fd)

    def _link(self, root_fd, dir_fd, name, entry, _result):
        first_dir, first_name = walk.open_parent(root_fd, entry['link_to'])
        tmp = _tmp_name()
        try:
            os.link(first_name, tmp, src_dir_fd=first_dir, dst_dir_fd=dir_fd,
                    follow_symlinks=False)
            _rename_over(dir_fd, tmp, name)
        except BaseException:
            _unlink_quietly(dir_fd, tmp)
            raise
        finally:
            os.close(first_dir)

    def _apply_dir_meta(self):
        with walk.DirStack(self.target_root) as stack:
            for entry in self.manifest.entries():
                if entry['type'] != entries.TYPE_DIR:
                    continue
                fd = stack.open_dir(entry['path']) if entry['path'] \
                    else stack.root_fd
                self.meta.apply_fd(fd, entry, clear_xattrs=True)
            fsmeta.sync_filesystem(stack.root_fd)
