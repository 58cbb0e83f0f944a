"""Profiles, timing and the page-cache rule shared by every section."""

import dataclasses
import os
import shutil
import statistics
import subprocess
import sys
import time

MiB = 1024 ** 2
GiB = 1024 ** 3
PYTHON = sys.executable


@dataclasses.dataclass(frozen=True)
class Profile:
    """Sizes and repetitions of one benchmark mode."""

    name: str
    runs: int
    l_files: int
    l_bytes: int
    s_files: int
    s_dirs: int
    s_small_files: int      # the smaller S of the memory comparison
    upstream_files: int     # files of S the per-file copier copies
    revert_mib: tuple
    api_records: tuple
    api_clients: tuple
    api_seconds: float
    api_max_requests: int
    incremental_sets: tuple  # which data sets the incremental section uses
    api_path_runs: int


QUICK = Profile(name='quick', runs=3, l_files=16, l_bytes=256 * MiB,
                s_files=10000, s_dirs=200, s_small_files=1000,
                upstream_files=1000, revert_mib=(20, 256),
                api_records=(1000, 10000), api_clients=(1, 2),
                api_seconds=1.5, api_max_requests=400,
                incremental_sets=('S',), api_path_runs=1)
FULL = Profile(name='full', runs=3, l_files=16, l_bytes=2 * GiB,
               s_files=100000, s_dirs=2000, s_small_files=10000,
               upstream_files=2000, revert_mib=(20, 256, 1024, 4096),
               api_records=(1000, 10000), api_clients=(1, 4, 8),
               api_seconds=8.0, api_max_requests=4000,
               incremental_sets=('L', 'S'), api_path_runs=1)


class Clock:
    """Whether page caches can be dropped, and timed calls that do it."""

    def __init__(self, drop_caches=True):
        self.drop_caches = drop_caches and self._can_drop()

    @staticmethod
    def _can_drop():
        try:
            with open('/proc/sys/vm/drop_caches', 'w') as handle:
                handle.write('3\n')
            return True
        except OSError:
            return False

    def cold(self):
        """Flush dirty data and, when allowed, empty the page cache."""
        os.sync()
        if self.drop_caches:
            with open('/proc/sys/vm/drop_caches', 'w') as handle:
                handle.write('3\n')

    def time_command(self, argv, shell=False, env=None, cwd=None):
        """Seconds of ``argv`` plus the sync that makes its writes durable.

        Every timed operation ends with a sync: the engine syncs the file
        system itself before it returns, and timing ``cp -a`` into the page
        cache only would compare unequal things.
        """
        self.cold()
        start = time.perf_counter()
        subprocess.run(argv, shell=shell, env=env, cwd=cwd, check=True,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        os.sync()
        return time.perf_counter() - start

    def time_call(self, func, *args):
        """Seconds of ``func(*args)`` plus a sync, from a cold cache."""
        self.cold()
        start = time.perf_counter()
        func(*args)
        os.sync()
        return time.perf_counter() - start


def median(values):
    return statistics.median(values) if values else None


def rate(amount, seconds):
    return amount / seconds if seconds else None


def ratio(ours, theirs):
    """ours/theirs, or None when either is missing."""
    if not ours or not theirs:
        return None
    return ours / theirs


def fresh_dir(path):
    """An empty directory at ``path`` (removed first if present)."""
    remove(path)
    os.makedirs(path)
    return path


def remove(path):
    if os.path.lexists(path):
        shutil.rmtree(path)


def tree_stats(root):
    """(bytes of regular files, number of regular files) below ``root``."""
    nbytes = nfiles = 0
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            st = os.lstat(os.path.join(dirpath, name))
            nbytes += st.st_size
            nfiles += 1
    return nbytes, nfiles


def rotated(items, run_no):
    """``items`` rotated by ``run_no``: no tool always goes first."""
    shift = run_no % len(items)
    return list(items[shift:]) + list(items[:shift])


def log(message, *args):
    text = message % args if args else message
    print('[bench %s] %s' % (time.strftime('%H:%M:%S'), text),
          file=sys.stderr, flush=True)
