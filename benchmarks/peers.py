"""The peers: command lines of cp, rsync, tar and restic, and a copier
that does what upstream Manila's data service does.

Upstream Manila's data service (``manila.data.utils.Copy``) walks a share
with one subprocess per step: for each directory an ``ls -pA1
--group-directories-first`` and a ``mkdir -p`` of its copy; for each file
a ``stat -c %s`` (its size, for progress), a ``cp -P --preserve=all`` and
a ``stat`` of the copy (to validate it).  :func:`upstream_copy` does the
same, without the ``sudo manila-rootwrap`` that upstream puts in front of
each command (which would make it slower still).
"""

import os
import shutil
import subprocess

from benchmarks import common


def available(tool):
    return shutil.which(tool) is not None


def cp_a(src, dst):
    return ['cp', '-a', src, dst]


def rsync_a(src, dst):
    # --delete keeps dst an exact mirror after files were removed from src.
    return ['rsync', '-a', '--delete', src.rstrip('/') + '/', dst]


def tar_pipe(src, dst):
    return ('mkdir -p %s && tar -C %s -cf - . | tar -C %s -xpf -'
            % (dst, src, dst))


# (name, command builder, whether it is a shell line, program it needs)
PEERS = (
    ('cp -a', cp_a, False, 'cp'),
    ('rsync -a', rsync_a, False, 'rsync'),
    ('tar | tar', tar_pipe, True, 'tar'),
)


def _run(*argv):
    return subprocess.run(argv, check=True, capture_output=True,
                          stdin=subprocess.DEVNULL).stdout


def _copy_dir(src, dst):
    listing = _run('ls', '-pA1', '--group-directories-first', src)
    _run('mkdir', '-p', dst)
    for raw in listing.splitlines():
        name = os.fsdecode(raw)
        if name.endswith('/'):
            _copy_dir(os.path.join(src, name[:-1]),
                      os.path.join(dst, name[:-1]))
            continue
        src_item = os.path.join(src, name)
        dst_item = os.path.join(dst, name)
        size = int(_run('stat', '-c', '%s', src_item))
        _run('cp', '-P', '--preserve=all', src_item, dst_item)
        copied = int(_run('stat', '-c', '%s', dst_item))
        if copied != size:
            raise RuntimeError('%s: copied %d of %d bytes'
                               % (src_item, copied, size))


def upstream_copy(src, dst):
    """Copy ``src`` to ``dst`` the way upstream Manila's data service does."""
    _copy_dir(src, dst)


class Restic:
    """A local restic repository (``RESTIC_PASSWORD`` in its environment)."""

    def __init__(self, workdir):
        self.repo = os.path.join(workdir, 'restic-repo')
        self.cache = os.path.join(workdir, 'restic-cache')
        self.env = dict(os.environ, RESTIC_PASSWORD='manila-bk-bench',
                        RESTIC_REPOSITORY=self.repo,
                        RESTIC_CACHE_DIR=self.cache)

    def init(self):
        common.remove(self.repo)
        common.remove(self.cache)
        subprocess.run(['restic', 'init', '-q'], env=self.env, check=True,
                       capture_output=True, stdin=subprocess.DEVNULL)

    def backup_argv(self, path):
        return ['restic', 'backup', '-q', '--host', 'bench', path]

    def backup(self, path):
        subprocess.run(self.backup_argv(path), env=self.env, check=True,
                       capture_output=True, stdin=subprocess.DEVNULL)

    def version(self):
        out = subprocess.run(['restic', 'version'], capture_output=True,
                             text=True, check=True).stdout
        return out.split()[1] if out else None

    def cleanup(self):
        common.remove(self.repo)
        common.remove(self.cache)
