"""Read a backup once: check it and copy its files into a staging area.

A restore that must not touch the target while the backup may be damaged
used to read the backup twice: a whole verification, then the copy.  A
stage pass does both at once.  It is the verification of ``verify_tree``
(the data tree walked and merged with the manifest: every entry there
with its type, mode, size, symlink target and hardlink inode, nothing
else there), except that each file's content is copied into a staging
directory on the target while it is hashed, and given its metadata there.
Staged files are named by their number among the manifest's files
(``b'0'``, ``b'1'``...), which the restore then renames into place; the
target itself is not changed by this pass.

After the first problem nothing more is copied (the rest of the backup
is only checked, to report up to ``limit`` problems as a verification
does), and the caller throws the staging directory away.  Small files of
one directory are copied by one pool task (see ``pipeline.Batch``).
"""

import functools
import os

from manila_bk.data.backup.engine import filecopy
from manila_bk.data.backup.engine import pipeline
from manila_bk.data.backup.engine import verify_tree

_SRC_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
_NEW_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | \
    os.O_CLOEXEC


def staged_name(index):
    """Staged name of the manifest's ``index``-th file (from 0)."""
    return b'%d' % index


class _Stager(verify_tree._Verifier):

    def __init__(self, data_root, manifest, threads, progress, limit,
                 staging_fd, meta):
        super().__init__(data_root, manifest, threads, progress, limit)
        self.staging_fd = staging_fd
        self.meta = meta
        self.staged = 0
        self._batch = None

    def _damaged(self):
        return bool(self.problems.items or self.problems.more)

    def _check_file(self, pipe, item, entry):
        if self._damaged() or item.st.st_size != entry['size']:
            # Only checked from here on: this backup is not restored.
            super()._check_file(pipe, item, entry)
            return
        index = self.staged
        self.staged += 1
        parent = item.path.rpartition(b'/')[0]
        batch = self._batch
        if batch is None or batch.parent != parent or batch.full():
            self._flush(pipe)
            batch = self._batch = pipeline.Batch(parent, (item.parent_fd,))
        batch.add((item.path, item.name, entry, index), entry['size'])

    def _walk_done(self, pipe):
        self._flush(pipe)

    def _flush(self, pipe):
        batch, self._batch = self._batch, None
        if batch is not None:
            pipe.submit(run=functools.partial(self._stage_batch, batch),
                        finish=self._compare_batch, fds=batch.fds)

    def _stage_batch(self, batch):
        """Copy a batch into the staging directory (on a pool thread)."""
        algorithm = self.manifest.algorithm
        results = []
        for path, name, entry, index in batch.items:
            src_fd = os.open(name, _SRC_FLAGS, dir_fd=batch.fds[0])
            try:
                dst_fd = os.open(staged_name(index), _NEW_FLAGS, 0o600,
                                 dir_fd=self.staging_fd)
                try:
                    digest, size = filecopy.copy_fd(
                        src_fd, dst_fd, algorithm, self._add_progress)
                    if size == entry['size'] and \
                            digest == entry['checksum']:
                        self.meta.apply_fd(dst_fd, entry)
                finally:
                    os.close(dst_fd)
            finally:
                os.close(src_fd)
            results.append((path, entry, (digest, size)))
        return results

    def _compare_batch(self, results):
        for path, entry, result in results:
            self._compare(path, entry, result)


def stage(data_root, manifest, threads, progress, staging_fd, meta,
          limit=verify_tree.DEFAULT_LIMIT):
    """Check the backup and copy its files into ``staging_fd``.

    Returns ``(problems, staged)``: the problems found (empty: the backup
    is intact and every file of the manifest is staged) and how many
    files were staged.  Errors of the staging directory (no space) are
    raised.
    """
    stager = _Stager(data_root, manifest, threads, progress, limit,
                     staging_fd, meta)
    return stager.run(), stager.staged
