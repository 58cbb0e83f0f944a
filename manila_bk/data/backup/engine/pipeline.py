"""Bounded parallel jobs whose results are taken in submission order.

A task has an optional ``run`` (on a pool thread), an optional ``finish``
(on the caller's thread, in submission order, with the run's result) and
``fds`` that the pipeline closes once the task is retired, after its run
is over.  Because finishers run in order, a finisher may rely on every
earlier task being done: the manifest is written in walk order, and a
hardlink is made only after the file it points to exists.

A task submitted with ``inline=True`` runs at once on the caller's
thread instead (its finisher still waits its turn).  That is for cheap
work made of a few system calls per item, such as linking unchanged files
from a parent backup: handing it to the pool costs more than it saves,
because every system call of one thread then wakes another waiting for
the interpreter lock (measured: twice the CPU time of an incremental
backup of 100,000 unchanged small files).

At most ``window`` tasks are in flight, which bounds memory and open fds.
The first error stops the pipeline: tasks not yet started are skipped,
running ones end, every task's fds are closed, and the error is raised.
"""

import collections
import concurrent.futures
import contextlib
import os

_POLL = 0.5
_MAX_WINDOW = 256


class _Task:
    __slots__ = ('run', 'finish', 'fds', 'future')

    def __init__(self, run, finish, fds):
        self.run = run
        self.finish = finish
        self.fds = fds
        self.future = None


class OrderedPipeline:
    """See the module docstring; use as a context manager.

    ``idle()`` is called on the caller's thread about every half second
    while it waits for a task, and after each retired task.
    """

    def __init__(self, threads, window=None, idle=None,
                 name='backup-copy'):
        self.window = window or min(max(threads * 16, 32), _MAX_WINDOW)
        self._idle = idle or (lambda: None)
        self._queue = collections.deque()
        self._aborted = False
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=threads, thread_name_prefix=name)

    def submit(self, run=None, finish=None, fds=(), inline=False):
        if run is None and not self._queue:
            # Nothing is pending before it: retire it now, without a task.
            try:
                if finish is not None:
                    finish(None)
            finally:
                _close_all(fds)
            self._idle()
            return
        task = _Task(run, finish, tuple(fds))
        self._queue.append(task)
        if run is not None:
            task.future = self._run_inline(run) if inline else \
                self._pool.submit(self._call, run)
        self._retire(lambda: len(self._queue) > self.window)

    def _run_inline(self, run):
        """Run now on this thread; a done future (its finisher waits)."""
        future = concurrent.futures.Future()
        try:
            future.set_result(self._call(run))
        except BaseException as exc:
            future.set_exception(exc)
        return future

    def _call(self, run):
        if self._aborted:
            return None
        try:
            return run()
        except BaseException:
            self._aborted = True  # later tasks are skipped at once
            raise

    def _retire(self, must_wait):
        while self._queue:
            task = self._queue[0]
            if task.future is not None and not task.future.done():
                if not must_wait():
                    return
                self._wait(task.future)
            self._queue.popleft()
            try:
                result = None if task.future is None \
                    else task.future.result()
                if task.finish is not None:
                    task.finish(result)
            finally:
                _close_all(task.fds)
            self._idle()

    def _wait(self, future):
        while True:
            done, _pending = concurrent.futures.wait([future], timeout=_POLL)
            if done:
                return
            self._idle()

    def drain(self):
        """Wait for every task and run the remaining finishers."""
        self._retire(lambda: True)

    def close(self, error=False):
        if error:
            self._aborted = True
        self._pool.shutdown(wait=True)
        while self._queue:
            _close_all(self._queue.popleft().fds)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            try:
                self.drain()
            except BaseException:
                self.close(error=True)
                raise
        self.close(error=exc_type is not None)


class Batch:
    """Files of one directory handled by one task.

    Per-task costs (a future, fd duplicates, thread hand-offs) dominate
    when files are small, so consecutive small files of a directory share
    a task.  ``dir_fds`` are duplicated now, while they are valid; submit
    the batch with ``fds=batch.fds`` so the pipeline closes them.
    """

    MAX_FILES = 64
    MAX_BYTES = 4 << 20

    def __init__(self, parent, dir_fds, links=False):
        self.parent = parent
        self.links = links  # links from a parent backup, not copies
        fds = []
        try:
            for fd in dir_fds:
                fds.append(os.dup(fd))
        except BaseException:
            _close_all(fds)
            raise
        self.fds = tuple(fds)
        self.items = []
        self.size = 0

    def add(self, item, size):
        self.items.append(item)
        self.size += size

    def full(self):
        return len(self.items) >= self.MAX_FILES or \
            self.size >= self.MAX_BYTES

    def close(self):
        _close_all(self.fds)


def _close_all(fds):
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)
