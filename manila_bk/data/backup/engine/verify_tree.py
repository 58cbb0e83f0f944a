"""Check a backup's data tree against its manifest.

The manifest is read whole first (trailer, digest, order, structure);
then the data tree is walked and merged with it: every entry must be
there with its type, mode, size, symlink target and hardlink inode, every
file's content must hash to its checksum, and nothing else may be there.
Files are hashed by the pool.
"""

import functools
import os
import stat

from manila_bk.data.backup.engine import entries
from manila_bk.data.backup.engine import filecopy
from manila_bk.data.backup.engine import manifest as manifest_mod
from manila_bk.data.backup.engine import pipeline
from manila_bk.data.backup.engine import walk

DEFAULT_LIMIT = 100


class _Problems:
    def __init__(self, limit):
        self.limit = limit
        self.items = []
        self.more = 0

    def add(self, path, text):
        if len(self.items) < self.limit:
            self.items.append('%s: %s' % (entries.display(path), text))
        else:
            self.more += 1

    def result(self):
        if self.more:
            return self.items + ['... and %d more problems' % self.more]
        return list(self.items)


class _Verifier:

    def __init__(self, data_root, manifest, threads, progress, limit):
        self.data_root = data_root
        self.manifest = manifest
        self.threads = threads
        self.progress = progress
        self.problems = _Problems(limit)
        self.root_fd = None

    def run(self):
        try:
            self.manifest.check()
        except manifest_mod.ManifestInvalid as exc:
            return [str(exc)]
        idle = self.progress.poll if self.progress else None
        walker = walk.TreeWalker(self.data_root)
        self.root_fd = walk.open_root(self.data_root)
        try:
            with pipeline.OrderedPipeline(self.threads, idle=idle) as pipe:
                for path, item, entry in walk.merge(
                        walker, self.manifest.entries()):
                    self._check(walker, pipe, path, item, entry)
                self._walk_done(pipe)
        finally:
            walk.close_quietly(self.root_fd)
        return self.problems.result()

    def _walk_done(self, pipe):
        """Called once the whole tree was walked (subclasses flush)."""

    def _add_progress(self, nbytes):
        if self.progress is not None:
            self.progress.add(nbytes)

    def _check(self, walker, pipe, path, item, entry):
        if item is None:
            self.problems.add(path, 'missing from the backup')
            self._add_progress(entry.get('size', 0))
            return
        if entry is None:
            self.problems.add(path, 'not in the manifest')
            if item.fd is not None:
                walker.skip_children()
            return
        if stat.S_IFMT(item.st.st_mode) != entries.fmt_of_type(entry['type']):
            self.problems.add(path, 'is not a %s' % entry['type'])
            self._add_progress(entry.get('size', 0))
            if item.fd is not None:
                walker.skip_children()
            return
        etype = entry['type']
        if etype not in (entries.TYPE_SYMLINK, entries.TYPE_HARDLINK) and \
                stat.S_IMODE(item.st.st_mode) != entry['mode']:
            self.problems.add(path, 'mode %o, expected %o' % (
                stat.S_IMODE(item.st.st_mode), entry['mode']))
        if etype == entries.TYPE_FILE:
            self._check_file(pipe, item, entry)
        elif etype == entries.TYPE_SYMLINK:
            target = os.readlink(item.name, dir_fd=item.parent_fd)
            if target != entry['target']:
                self.problems.add(path, 'symlink target differs')
        elif etype == entries.TYPE_HARDLINK:
            self._check_link(item, entry)

    def _check_link(self, item, entry):
        try:
            first = os.stat(entry['link_to'], dir_fd=self.root_fd,
                            follow_symlinks=False)
        except OSError as exc:
            self.problems.add(item.path, 'hardlink target: %s' % exc)
            return
        if (first.st_dev, first.st_ino) != (item.st.st_dev, item.st.st_ino):
            self.problems.add(item.path, 'not a hardlink of %s' %
                              entries.display(entry['link_to']))

    def _check_file(self, pipe, item, entry):
        if item.st.st_size != entry['size']:
            self.problems.add(item.path, 'size %d, expected %d' % (
                item.st.st_size, entry['size']))
            self._add_progress(entry['size'])
            return
        fd = os.open(item.name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC,
                     dir_fd=item.parent_fd)
        algorithm = self.manifest.algorithm
        pipe.submit(run=functools.partial(filecopy.hash_fd, fd, algorithm,
                                          self._add_progress),
                    finish=functools.partial(self._compare, item.path,
                                             entry),
                    fds=(fd,))

    def _compare(self, path, entry, result):
        if self.progress is not None:
            self.progress.file_done()
        digest, size = result
        if size != entry['size'] or digest != entry['checksum']:
            self.problems.add(path, 'content does not match its checksum')


def verify(data_root, manifest, threads, progress=None,
           limit=DEFAULT_LIMIT):
    """Return a list of problems (empty: the backup is intact).

    ``manifest`` is a :class:`manifest.Manifest`; ``progress`` an optional
    :class:`progress.Progress` fed with the bytes hashed.
    """
    return _Verifier(data_root, manifest, threads, progress, limit).run()
