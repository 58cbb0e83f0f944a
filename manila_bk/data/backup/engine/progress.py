"""Progress of a copy: percent callbacks and throughput log lines.

Worker threads only :meth:`Progress.add` bytes.  The operation's own
thread calls :meth:`Progress.poll`, which calls the callback with a
percentage that never decreases, only when it grew and at most once per
``min_interval`` seconds, and logs a line each time another 10% is done,
with the rate in MiB/s.  Until :meth:`Progress.finish` the percentage
stops at 99 (the total comes from a walk that a live tree may outgrow);
``finish`` reports 100 exactly once.
"""

import threading
import time

from oslo_log import log as logging

LOG = logging.getLogger(__name__)

_MIB = 1024.0 * 1024.0


class Progress:

    def __init__(self, callback, label, min_interval=1.0,
                 clock=time.monotonic):
        self.callback = callback
        self.label = label
        self.min_interval = min_interval
        self.clock = clock
        self.total = 0
        self.done = 0
        self._lock = threading.Lock()
        self._start = clock()
        self._last_percent = 0
        self._last_time = None
        self._last_decile = 0
        self._finished = False

    def start(self, total_bytes):
        self.total = max(0, int(total_bytes))
        self._start = self.clock()
        LOG.info('%s: %.1f MiB to process', self.label, self.total / _MIB)

    def add(self, nbytes):
        with self._lock:
            self.done += nbytes

    def percent(self):
        if self.total <= 0:
            return 0
        return min(99, self.done * 100 // self.total)

    def _rate(self, now):
        elapsed = max(now - self._start, 1e-6)
        return self.done / _MIB / elapsed

    def poll(self):
        if self._finished:
            return
        percent = self.percent()
        now = self.clock()
        decile = percent // 10
        if decile > self._last_decile:
            self._last_decile = decile
            LOG.info('%s: %d%% done (%.1f MiB, %.1f MiB/s)', self.label,
                     decile * 10, self.done / _MIB, self._rate(now))
        if percent <= self._last_percent:
            return
        if self._last_time is not None and \
                now - self._last_time < self.min_interval:
            return
        self._last_percent = percent
        self._last_time = now
        self._report(percent)

    def finish(self):
        if self._finished:
            return
        self._finished = True
        now = self.clock()
        LOG.info('%s: done, %.1f MiB in %.1f s (%.1f MiB/s)', self.label,
                 self.done / _MIB, now - self._start, self._rate(now))
        self._report(100)

    def _report(self, percent):
        if self.callback is None:
            return
        try:
            self.callback(percent)
        except Exception:
            LOG.exception('%s: the progress callback failed', self.label)
