"""Progress of a copy: percent callbacks, throughput log lines, watchers.

Worker threads only :meth:`Progress.add` bytes (and count the files they
finish).  The operation's own thread calls :meth:`Progress.poll`, which
calls the callback with a percentage that never decreases, only when it
grew and at most once per ``min_interval`` seconds.  Until
:meth:`Progress.finish` the percentage stops at 99 (the total comes from
a walk that a live tree may outgrow); ``finish`` reports 100 exactly once.

The log gets one INFO line when the work starts, one each time another
10% is done, checked as the workers add bytes (at most one per decile:
an addition that jumps from 20% to 50% logs 50% only) and one at the
end, each naming the operation and its backup (the ``label``) with the
average rates since the start in MiB/s and files/s.

A console command shows its own progress by watching (:func:`watch`):
every Progress of the process then also hands a :class:`Snapshot` to the
watcher on each poll and at the end.
"""

import contextlib
import dataclasses
import threading
import time

from oslo_log import log as logging

LOG = logging.getLogger(__name__)

MIB = 1024.0 * 1024.0
DECILES = 10

_watchers = []
_watchers_lock = threading.Lock()


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """Where one operation stands: bytes and files done, seconds spent."""

    label: str
    done_bytes: int
    total_bytes: int
    files: int
    elapsed: float
    finished: bool = False

    @property
    def mib_per_second(self):
        return self.done_bytes / MIB / max(self.elapsed, 1e-6)

    @property
    def files_per_second(self):
        return self.files / max(self.elapsed, 1e-6)


@contextlib.contextmanager
def watch(watcher):
    """Call ``watcher(snapshot)`` for every Progress while inside.

    For console commands (one operation at a time); a watcher that
    raises is logged and otherwise ignored.
    """
    with _watchers_lock:
        _watchers.append(watcher)
    try:
        yield watcher
    finally:
        with _watchers_lock:
            _watchers.remove(watcher)


class Progress:

    def __init__(self, callback, label, min_interval=1.0,
                 clock=time.monotonic):
        self.callback = callback
        self.label = label
        self.min_interval = min_interval
        self.clock = clock
        self.total = 0
        self.done = 0
        self.files = 0
        self._lock = threading.Lock()
        self._start = clock()
        self._last_percent = 0
        self._last_time = None
        self._last_decile = 0
        self._finished = False

    def start(self, total_bytes):
        self.total = max(0, int(total_bytes))
        self._start = self.clock()
        LOG.info('%s: %.1f MiB to process', self.label, self.total / MIB)
        self._notify(self._start)

    def add(self, nbytes, files=0):
        """Count ``nbytes`` more bytes and ``files`` more files done."""
        with self._lock:
            self.done += nbytes
            self.files += files
        # Deciles are logged as the bytes arrive: the operation's thread
        # may poll too seldom to see each one on a fast copy.
        self._check_decile(self.clock())

    def file_done(self, count=1):
        """Count ``count`` more files done (their bytes were added)."""
        with self._lock:
            self.files += count

    def percent(self):
        if self.total <= 0:
            return 0
        return min(99, self.done * 100 // self.total)

    def snapshot(self, now=None, finished=False):
        now = self.clock() if now is None else now
        return Snapshot(self.label, self.done, self.total, self.files,
                        max(0.0, now - self._start), finished)

    def poll(self):
        if self._finished:
            return
        percent = self.percent()
        now = self.clock()
        self._check_decile(now)
        self._notify(now)
        if percent <= self._last_percent:
            return
        if self._last_time is not None and \
                now - self._last_time < self.min_interval:
            return
        self._last_percent = percent
        self._last_time = now
        self._report(percent)

    def _check_decile(self, now):
        if self._finished:
            return
        with self._lock:
            decile = self.percent() * DECILES // 100
            if decile <= self._last_decile:
                return
            self._last_decile = decile
        self._log_decile(decile, self.snapshot(now))

    def _log_decile(self, decile, snap):
        LOG.info('%s: %d%% done (%.1f of %.1f MiB, %.1f MiB/s; %d files, '
                 '%.1f files/s)', self.label, decile * 100 // DECILES,
                 snap.done_bytes / MIB, snap.total_bytes / MIB,
                 snap.mib_per_second, snap.files, snap.files_per_second)

    def finish(self):
        if self._finished:
            return
        self._finished = True
        now = self.clock()
        snap = self.snapshot(now, finished=True)
        LOG.info('%s: done, %.1f MiB in %.1f s (%.1f MiB/s; %d files, '
                 '%.1f files/s)', self.label, snap.done_bytes / MIB,
                 snap.elapsed, snap.mib_per_second, snap.files,
                 snap.files_per_second)
        self._notify(now, finished=True)
        self._report(100)

    def _notify(self, now, finished=False):
        if not _watchers:
            return
        snap = self.snapshot(now, finished)
        with _watchers_lock:
            watchers = list(_watchers)
        for watcher in watchers:
            try:
                watcher(snap)
            except Exception:
                LOG.exception('%s: a progress watcher failed', self.label)

    def _report(self, percent):
        if self.callback is None:
            return
        try:
            self.callback(percent)
        except Exception:
            LOG.exception('%s: the progress callback failed', self.label)
