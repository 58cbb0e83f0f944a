"""A progress bar for the console commands that take time.

Drawn on standard error only when it is a terminal: a script that reads a
command's output, or a log collector, sees nothing of it.  One line,
redrawn in place at most every ``min_interval`` seconds::

    Verify of 1b2c...  [##########..........]  50%  212.4 MiB/s  ETA 0:00:12
    Import  [##########]  100%  6/6 records  3.1 records/s  ETA 0:00:00

The rate is the average since the start; the ETA is the rest at that
rate.  While the bar is shown, log lines that go to a terminal (standard
error or standard output) are printed above it instead of through it.
"""

import logging
import shutil
import sys
import time

from manila_bk.data.backup.engine import progress as progress_mod

UNIT_BYTES = 'bytes'
_MIB = progress_mod.MIB


def _isatty(stream):
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def format_eta(seconds):
    """'H:MM:SS', or '--:--:--' when it cannot be told."""
    if seconds is None or seconds < 0 or seconds > 360000:
        return '-:--:--'
    seconds = int(round(seconds))
    return '%d:%02d:%02d' % (seconds // 3600, seconds // 60 % 60,
                             seconds % 60)


class _StreamProxy:
    """The bar's stream as a log handler sees it: the bar moves down."""

    def __init__(self, bar, stream):
        self._bar = bar
        self._stream = stream

    def write(self, text):
        self._bar.clear()
        self._stream.write(text)
        if text.endswith('\n'):
            self._stream.flush()
            self._bar.redraw()

    def flush(self):
        self._stream.flush()

    def __getattr__(self, name):
        return getattr(self._stream, name)


class ProgressBar:
    """``label`` and a bar of ``done`` out of ``total`` ``unit``.

    ``unit`` is ``'bytes'`` (rates in MiB/s) or a plural noun for counted
    items ('records').  Use as a context manager; :meth:`update` or
    :meth:`advance` report, :meth:`finish` (or leaving the block) ends
    the line.  Nothing is written unless ``stream`` is a terminal.
    """

    def __init__(self, label, total=0, unit=UNIT_BYTES, stream=None,
                 clock=time.monotonic, min_interval=0.2, width=None):
        self.label = label
        self.total = max(0, int(total))
        self.done = 0
        self.unit = unit
        self.stream = sys.stderr if stream is None else stream
        self.clock = clock
        self.min_interval = min_interval
        self.width = width
        self.enabled = _isatty(self.stream)
        self._start = clock()
        self._last_draw = None
        self._shown = 0
        self._closed = False
        self._swapped = []

    # Reporting -------------------------------------------------------

    def update(self, done, total=None):
        """``done`` out of ``total`` (unchanged when None)."""
        if total is not None:
            self.total = max(0, int(total))
        self.done = max(0, int(done))
        self._maybe_draw()

    def advance(self, count=1):
        self.update(self.done + count)

    def watcher(self, snapshot):
        """A :func:`progress.watch` watcher: bytes of the operation.

        The rate is the operation's own, from when it started.
        """
        self._start = self.clock() - snapshot.elapsed
        self.update(snapshot.done_bytes, snapshot.total_bytes)

    def finish(self):
        """Draw the last state and end the line (once)."""
        if self._closed:
            return
        self._closed = True
        self._restore_log_streams()
        if self.enabled and self._shown:
            self._draw(self.clock())
            self.stream.write('\n')
            self.stream.flush()

    # Drawing ---------------------------------------------------------

    def percent(self):
        if self.total <= 0:
            return 0
        return min(100, self.done * 100 // self.total)

    def render(self, now, columns=80):
        """The bar's line at ``now`` for a terminal ``columns`` wide."""
        elapsed = max(now - self._start, 1e-6)
        rate = self.done / elapsed
        if self.unit == UNIT_BYTES:
            speed = '%.1f MiB/s' % (rate / _MIB)
        else:
            speed = '%d/%d %s  %.1f %s/s' % (self.done, self.total,
                                             self.unit, rate, self.unit)
        eta = None
        if rate > 0 and self.total:
            eta = max(0, self.total - self.done) / rate
        tail = '%3d%%  %s  ETA %s' % (self.percent(), speed,
                                      format_eta(eta))
        label = self.label
        room = columns - 1 - len(label) - len(tail) - 6
        if room < 10:
            # Too narrow: the label gives way, then the end of the line.
            label = label[:max(8, len(label) - (10 - room))]
            room = 10
        cells = min(40, room)
        filled = cells * self.percent() // 100
        line = '%s  [%s%s]  %s' % (label, '#' * filled,
                                   '.' * (cells - filled), tail)
        return line[:max(columns - 1, 20)]

    def _columns(self):
        if self.width:
            return self.width
        return shutil.get_terminal_size((80, 24)).columns

    def _maybe_draw(self):
        if not self.enabled or self._closed:
            return
        now = self.clock()
        if self._last_draw is not None and \
                now - self._last_draw < self.min_interval:
            return
        self._draw(now)

    def _draw(self, now):
        line = self.render(now, self._columns())
        pad = ' ' * max(0, self._shown - len(line))
        self.stream.write('\r' + line + pad)
        self.stream.flush()
        self._shown = len(line)
        self._last_draw = now

    def clear(self):
        """Erase the bar's line (a log line is about to be written)."""
        if self.enabled and self._shown and not self._closed:
            self.stream.write('\r' + ' ' * self._shown + '\r')
            self._shown = 0

    def redraw(self):
        if self.enabled and not self._closed and self._last_draw is not None:
            self._draw(self.clock())

    # Log handlers ----------------------------------------------------

    def _divert_log_streams(self):
        if not self.enabled:
            return
        for handler in logging.getLogger().handlers:
            stream = getattr(handler, 'stream', None)
            if stream is None or not hasattr(handler, 'setStream'):
                continue
            if stream is self.stream or _isatty(stream):
                handler.setStream(_StreamProxy(self, stream))
                self._swapped.append((handler, stream))

    def _restore_log_streams(self):
        for handler, stream in self._swapped:
            handler.setStream(stream)
        self._swapped = []

    def __enter__(self):
        self._divert_log_streams()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.finish()
        return False
