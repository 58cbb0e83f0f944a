"""Tests of the pipeline, progress reporting and metadata application."""

import errno
import os
import threading
import time
from unittest import mock

import fixtures
import testtools

from manila_bk.data.backup.engine import fsmeta
from manila_bk.data.backup.engine import pipeline
from manila_bk.data.backup.engine import progress


class PipelineTestCase(testtools.TestCase):

    def test_finishers_run_in_submission_order(self):
        order = []
        with pipeline.OrderedPipeline(4, window=8) as pipe:
            for i in range(50):
                delay = 0.002 * (i % 5)
                pipe.submit(run=lambda d=delay, i=i: (time.sleep(d), i)[1],
                            finish=order.append)
        self.assertEqual(list(range(50)), order)

    def test_window_bounds_tasks_in_flight(self):
        running = []
        peak = []
        lock = threading.Lock()

        def job():
            with lock:
                running.append(1)
                peak.append(len(running))
            time.sleep(0.001)
            with lock:
                running.pop()

        with pipeline.OrderedPipeline(3, window=5) as pipe:
            for _i in range(40):
                pipe.submit(run=job)
                self.assertLessEqual(len(pipe._queue), 5)
        self.assertLessEqual(max(peak), 3)

    def test_error_stops_pipeline_and_closes_fds(self):
        read_fd, write_fd = os.pipe()
        os.close(write_fd)
        ran = []

        def fail():
            time.sleep(0.05)
            raise OSError(errno.EIO, 'boom')

        def later():
            ran.append(1)

        with testtools.ExpectedException(OSError, '.*boom'):
            with pipeline.OrderedPipeline(1, window=100) as pipe:
                pipe.submit(run=fail)
                pipe.submit(finish=lambda result: None, fds=(read_fd,))
                for _i in range(20):
                    pipe.submit(run=later)
        self.assertRaises(OSError, os.fstat, read_fd)
        self.assertLess(len(ran), 20)

    def test_inline_task_runs_on_caller_thread_in_order(self):
        order = []
        threads = {}
        caller = threading.current_thread()

        def job(i, delay=0):
            time.sleep(delay)
            threads[i] = threading.current_thread()
            return i

        with pipeline.OrderedPipeline(2, window=8) as pipe:
            for i in range(30):
                inline = i % 3 == 0
                pipe.submit(run=lambda i=i, d=0.003 * (not i % 3 == 0):
                            job(i, d),
                            finish=order.append, inline=inline)
                if inline:
                    # Ran before submit returned, even with earlier pool
                    # tasks still sleeping.
                    self.assertIs(caller, threads[i])
        self.assertEqual(list(range(30)), order)
        self.assertTrue(all(threads[i] is not caller
                            for i in range(30) if i % 3))

    def test_inline_error_stops_pipeline(self):
        read_fd, write_fd = os.pipe()
        os.close(write_fd)
        ran = []

        def fail():
            raise OSError(errno.EIO, 'inline boom')

        with testtools.ExpectedException(OSError, '.*inline boom'):
            with pipeline.OrderedPipeline(2, window=100) as pipe:
                pipe.submit(run=lambda: time.sleep(0.05))
                pipe.submit(run=fail, fds=(read_fd,), inline=True)
                for _i in range(5):
                    pipe.submit(run=lambda: ran.append(1))
                    pipe.submit(run=lambda: ran.append(1), inline=True)
        self.assertRaises(OSError, os.fstat, read_fd)
        self.assertEqual([], ran)


class ProgressTestCase(testtools.TestCase):

    def test_progress_throttled_monotonic_and_ends_at_100(self):
        now = [0.0]
        calls = []
        report = progress.Progress(calls.append, 'test', min_interval=1.0,
                                   clock=lambda: now[0])
        report.start(1000)
        for step in range(10):
            report.add(100)
            now[0] += 0.5
            report.poll()
        report.finish()
        report.finish()
        self.assertEqual(sorted(calls), calls)
        self.assertEqual([10, 30, 50, 70, 90, 100], calls)

    def test_progress_zero_total_reports_100_at_end(self):
        calls = []
        report = progress.Progress(calls.append, 'test', min_interval=0)
        report.start(0)
        report.poll()
        report.finish()
        self.assertEqual([100], calls)

    def test_progress_callback_error_does_not_propagate(self):
        report = progress.Progress(mock.Mock(side_effect=ValueError),
                                   'test', min_interval=0)
        report.start(10)
        report.add(5)
        report.poll()
        report.finish()


class MetaApplierTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.path = os.path.join(self.dir, 'f')
        open(self.path, 'wb').close()
        self.entry = {'type': 'file', 'path': b'f', 'mode': 0o640,
                      'uid': 1234, 'gid': 2345, 'mtime_ns': 1234567891,
                      'atime_ns': 1000000003,
                      'xattrs': [(b'user.a', b'1')]}

    def _apply(self, applier, **kwargs):
        fd = os.open(self.path, os.O_RDONLY)
        try:
            applier.apply_fd(fd, self.entry, **kwargs)
        finally:
            os.close(fd)

    def test_apply_sets_owner_mode_times_xattrs(self):
        if os.geteuid() != 0:
            self.skipTest('needs root to change owners')
        self._apply(fsmeta.MetaApplier())
        st = os.stat(self.path)
        self.assertEqual((1234, 2345, 0o640, 1234567891, 1000000003),
                         (st.st_uid, st.st_gid, st.st_mode & 0o7777,
                          st.st_mtime_ns, st.st_atime_ns))
        self.assertEqual(b'1', os.getxattr(self.path, 'user.a'))

    def test_apply_without_chown_permission_skips_owner_once(self):
        applier = fsmeta.MetaApplier()
        with mock.patch.object(fsmeta.os, 'chown',
                               side_effect=PermissionError(1, 'EPERM')) as m:
            self._apply(applier)
            self._apply(applier)
        self.assertEqual(1, m.call_count)
        self.assertFalse(applier.chown_enabled)
        self.assertEqual(0o640, os.stat(self.path).st_mode & 0o7777)

    def test_apply_xattr_unsupported_tolerated(self):
        applier = fsmeta.MetaApplier()
        with mock.patch.object(fsmeta.os, 'setxattr',
                               side_effect=OSError(errno.ENOTSUP, 'no')):
            self._apply(applier)
        self.assertEqual(1234567891, os.stat(self.path).st_mtime_ns)

    def test_apply_clear_xattrs_removes_extras(self):
        os.setxattr(self.path, 'user.stale', b'x')
        self._apply(fsmeta.MetaApplier(), clear_xattrs=True)
        self.assertEqual(['user.a'], os.listxattr(self.path))
