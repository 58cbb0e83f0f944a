"""Make a tree an exact mirror of a backup.

1. The manifest is checked whole.  Unless told otherwise, the backup is
   then read once, checked and staged (``stage_tree``): its data tree is
   verified against the manifest while every file is copied into a
   staging directory at the target's root (``.mbk-restore-<hex>``),
   hashed on the way and given its metadata.  Any problem throws the
   staging directory away and raises BackupCorrupted; the target is as
   it was (its root's times are put back).  When the target has no room
   for the backup beside what it holds (``statvfs``, or ENOSPC/EDQUOT
   while staging), the backup is verified whole first (``verify_tree``)
   and copied afterwards, reading it twice.
2. Prune: the target is walked and merged with the manifest; what the
   backup does not have, or has with another type, is removed (first, so
   the space is free for what comes; the staging directory is kept).
3. Apply, in manifest order: directories are created where missing;
   every file is renamed from the staging directory over the old one or,
   when nothing was staged, written by the pool to a temporary name in
   its directory, checked against its checksum while written, given its
   metadata and renamed over the old one; symlinks, FIFOs and hardlinks
   are made under a temporary name and renamed too.
4. The (now empty) staging directory is removed, directory metadata is
   applied last (extra xattrs removed), and the file system is synced.

The target belongs to a tenant: everything below its root is reached
through directory fds opened without following links (see ``walk``).
"""

import errno
import functools
import os
import shutil
import stat
import uuid

from oslo_log import log as logging

from manila_bk.data.backup import base
from manila_bk.data.backup.engine import entries
from manila_bk.data.backup.engine import filecopy
from manila_bk.data.backup.engine import fsmeta
from manila_bk.data.backup.engine import pipeline
from manila_bk.data.backup.engine import stage_tree
from manila_bk.data.backup.engine import verify_tree
from manila_bk.data.backup.engine import walk

LOG = logging.getLogger(__name__)

TMP_PREFIX = b'.mbk-restore-'
_NO_ROOM = (errno.ENOSPC, errno.EDQUOT)
# Room kept free beyond the backup's bytes when deciding to stage: block
# rounding and directories take some, and the share is in use.
_ROOM_MARGIN = 1.02
_ROOM_SLACK = 64 << 20
PROBLEMS_SHOWN = 5
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
        # The staging directory (name in the target root, open fd) and
        # the root's stat before it was made; the number of the next file.
        self._staging = None
        self._staging_fd = None
        self._root_st = None
        self._file_index = 0

    def run(self):
        """Check the backup, then make the target mirror it.

        An error says on ``target_untouched`` whether it happened before
        the target was changed (the data service words its outcome on it).
        """
        try:
            root_fd = walk.open_root(self.target_root)
        except Exception as exc:
            _mark(exc, untouched=True)
            raise
        try:
            self._run(root_fd)
        finally:
            walk.close_quietly(self._staging_fd)
            walk.close_quietly(root_fd)

    def _run(self, root_fd):
        try:
            self._check_backup(root_fd)
        except Exception as exc:
            _mark(exc, untouched=self._discard_staging(root_fd))
            raise
        try:
            self._prune()
            self._src_fd = walk.open_root(self.data_root)
            try:
                self._apply()
            finally:
                walk.close_quietly(self._src_fd)
            if self._staging is not None:
                os.rmdir(self._staging, dir_fd=root_fd)
                self._staging = None
            self._apply_dir_meta()
        except Exception as exc:
            self._discard_staging(root_fd)
            _mark(exc, untouched=False)
            raise

    def _corrupted(self, reason):
        return base.BackupCorrupted(backup_id=self.backup_id, reason=reason)

    def _check_backup(self, root_fd):
        try:
            self.manifest.check()
            trailer = self.manifest.trailer()
            total = int(trailer['total_bytes'])
        except base.BackupCorrupted as exc:
            raise self._corrupted(str(exc))
        if not self.verify_first:
            self.progress.start(total)
            return
        if self._has_room(root_fd, total, trailer.get('entries', 0)):
            self.progress.start(total)
            try:
                problems = self._stage(root_fd)
            except OSError as exc:
                if exc.errno not in _NO_ROOM:
                    raise
                LOG.warning('Restore of %s: no room on the target to stage '
                            'the backup (%s); verifying it whole first',
                            self.backup_id, exc)
                if not self._discard_staging(root_fd):
                    raise
                # The verification reads the backup again: more to do.
                self.progress.total += total
            else:
                if problems:
                    raise self._corrupted('; '.join(problems))
                return
        else:
            self.progress.start(total * 2)
        problems = verify_tree.verify(self.data_root, self.manifest,
                                      self.threads, self.progress,
                                      limit=PROBLEMS_SHOWN)
        if problems:
            raise self._corrupted('; '.join(problems))

    def _has_room(self, root_fd, total, entries_count):
        """Whether the target can hold the backup beside its content."""
        st = os.fstatvfs(root_fd)
        room = st.f_bavail * st.f_frsize
        if room < total * _ROOM_MARGIN + _ROOM_SLACK:
            LOG.info('Restore of %s: %d bytes free on the target for %d '
                     'bytes; verifying the backup whole first',
                     self.backup_id, room, total)
            return False
        # File systems without an inode count report 0 files.
        return not st.f_files or st.f_favail > entries_count

    def _stage(self, root_fd):
        """Check the backup while staging its files; the problems."""
        self._root_st = os.fstat(root_fd)
        name = _tmp_name()
        os.mkdir(name, 0o700, dir_fd=root_fd)
        self._staging = name
        self._staging_fd = os.open(name, walk.DIR_FLAGS, dir_fd=root_fd)
        problems, _staged = stage_tree.stage(
            self.data_root, self.manifest, self.threads, self.progress,
            self._staging_fd, self.meta, limit=PROBLEMS_SHOWN)
        return problems

    def _discard_staging(self, root_fd):
        """Remove the staging directory; whether the target is as before.

        Its root's access and modification times are put back (only its
        change time tells that a directory came and went).
        """
        if self._staging is None:
            return True
        walk.close_quietly(self._staging_fd)
        self._staging_fd = None
        try:
            shutil.rmtree(self._staging, dir_fd=root_fd)
            os.utime(root_fd, ns=(self._root_st.st_atime_ns,
                                  self._root_st.st_mtime_ns))
        except OSError as exc:
            LOG.warning('Restore of %s: could not remove the staging '
                        'directory %s: %s', self.backup_id,
                        entries.display(self._staging), exc)
            return False
        self._staging = None
        return True

    def _prune(self):
        walker = walk.TreeWalker(self.target_root)
        for path, item, entry in walk.merge(walker, self.manifest.entries()):
            if item is None or not path:
                continue
            if path == self._staging:
                walker.skip_children()
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
        index = self._file_index
        self._file_index += 1
        parent = entry['path'].rpartition(b'/')[0]
        batch = self._batch
        if batch is None or batch.parent != parent or batch.full():
            self._flush(pipe)
            batch = self._batch = pipeline.Batch(parent, (parent_fd,))
        batch.add((name, entry, index), entry['size'])

    def _flush(self, pipe):
        """Submit the pending batch: before anything that depends on it."""
        batch, self._batch = self._batch, None
        if batch is not None:
            pipe.submit(run=functools.partial(self._restore_batch, batch),
                        fds=batch.fds)

    def _restore_batch(self, batch):
        if self._staging_fd is not None:
            # Checked, copied and counted while staged: move into place.
            for name, entry, index in batch.items:
                self._place_staged(batch.fds[0], name, entry, index)
            return
        for name, entry, _index in batch.items:
            self._restore_file(batch.fds[0], name, entry)
            self.progress.file_done()

    def _place_staged(self, dir_fd, name, entry, index):
        staged = stage_tree.staged_name(index)
        try:
            os.rename(staged, name, src_dir_fd=self._staging_fd,
                      dst_dir_fd=dir_fd)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            # Another file system is mounted inside the target: copy the
            # staged file over (it was checked; its copy is checked too).
            self._restore_file(dir_fd, name, entry,
                               staged=(self._staging_fd, staged))
            os.unlink(staged, dir_fd=self._staging_fd)

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

    def _restore_file(self, dir_fd, name, entry, staged=None):
        """Copy a file of the backup to a temporary name, check, rename.

        ``staged`` (dir fd, name) copies the file's staged copy instead.
        """
        tmp = _tmp_name()
        try:
            if staged is None:
                src_fd = os.open(entry['path'], _SRC_FLAGS,
                                 dir_fd=self._src_fd)
            else:
                src_fd = os.open(staged[1], _SRC_FLAGS, dir_fd=staged[0])
        except FileNotFoundError:
            # Without verify_first this is where a file missing from the
            # backup shows: damage, as a checksum mismatch is.
            raise self._corrupted('%s is missing from the backup'
                                  % entries.display(entry['path']))
        try:
            dst_fd = os.open(tmp, _TMP_FLAGS, 0o600, dir_fd=dir_fd)
            try:
                digest, size = filecopy.copy_fd(
                    src_fd, dst_fd, self.manifest.algorithm,
                    self.progress.add if staged is None else None)
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
