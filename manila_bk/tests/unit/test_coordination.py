"""Per-share locks (manila_bk.coordination): file locks and tooz/Redis.

The Redis tests use a real server (MANILA_BK_TEST_REDIS_URL, default
redis://127.0.0.1:6379, started by tools/ensure-services.sh); they fail,
not skip, when it does not answer.
"""

import multiprocessing
import os
import threading
import time

from oslo_utils import uuidutils

from manila_bk import coordination
from manila_bk import exception
from manila_bk.tests import base

REDIS_URL = os.environ.get('MANILA_BK_TEST_REDIS_URL',
                           'redis://127.0.0.1:6379')
_PROCESSES = 4
_ROUNDS = 15


def _increment(path, share_id, rounds):
    for _ in range(rounds):
        with coordination.share_lock(share_id, timeout=60):
            with open(path) as f:
                value = int(f.read())
            time.sleep(0.002)  # widen the window a lost update needs
            with open(path, 'w') as f:
                f.write(str(value + 1))


def _child(path, share_id, rounds):
    try:
        _increment(path, share_id, rounds)
    finally:
        coordination.stop()


class _LockTests:
    """Behaviour every lock back end must show."""

    def setUp(self):
        super().setUp()
        self.share_id = uuidutils.generate_uuid()
        self.addCleanup(coordination.stop)

    def _counter(self):
        path = os.path.join(self.state_path, 'counter')
        with open(path, 'w') as f:
            f.write('0')
        return path

    def _read(self, path):
        with open(path) as f:
            return int(f.read())

    def test_processes_keep_exact_counter(self):
        path = self._counter()
        ctx = multiprocessing.get_context('fork')
        procs = [ctx.Process(target=_child,
                             args=(path, self.share_id, _ROUNDS))
                 for _ in range(_PROCESSES)]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.join(90)
            self.assertEqual(0, proc.exitcode)
        self.assertEqual(_PROCESSES * _ROUNDS, self._read(path))

    def test_threads_keep_exact_counter(self):
        path = self._counter()
        threads = [threading.Thread(target=_increment,
                                    args=(path, self.share_id, _ROUNDS))
                   for _ in range(_PROCESSES)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
        self.assertEqual(_PROCESSES * _ROUNDS, self._read(path))

    def test_timeout_raises_lock_timeout(self):
        held, done = threading.Event(), threading.Event()

        def holder():
            with coordination.share_lock(self.share_id):
                held.set()
                done.wait(20)

        thread = threading.Thread(target=holder)
        thread.start()
        self.addCleanup(thread.join)
        self.addCleanup(done.set)
        self.assertTrue(held.wait(10))
        started = time.monotonic()
        exc = self.assertRaises(exception.LockTimeout,
                                self._enter, self.share_id, 0.3)
        self.assertEqual(409, exc.code)
        self.assertLess(time.monotonic() - started, 5)
        # Another share is not blocked.
        self._enter(uuidutils.generate_uuid(), 1)
        done.set()
        thread.join(10)
        self._enter(self.share_id, 5)

    @staticmethod
    def _enter(share_id, timeout):
        with coordination.share_lock(share_id, timeout=timeout):
            pass

    def test_lock_released_after_exception(self):
        def fail():
            with coordination.share_lock(self.share_id):
                raise RuntimeError('boom')

        self.assertRaises(RuntimeError, fail)
        self._enter(self.share_id, 1)


class FileLockTestCase(_LockTests, base.TestCase):

    def test_lock_file_in_lock_path(self):
        self._enter(self.share_id, 1)
        self.assertTrue(os.path.exists(os.path.join(
            self.state_path, 'locks',
            coordination.lock_name(self.share_id))))

    def test_default_lock_path_under_state_path(self):
        self.flags(lock_path=None, group='oslo_concurrency')
        self._enter(self.share_id, 1)
        self.assertTrue(os.path.isdir(os.path.join(self.state_path,
                                                   'locks')))


class RedisLockTestCase(_LockTests, base.TestCase):

    def setUp(self):
        super().setUp()
        self.flags(backend_url=REDIS_URL, group='coordination')

    def test_one_coordinator_per_process(self):
        self._enter(self.share_id, 1)
        first = coordination._coordinator()
        self._enter(self.share_id, 1)
        self.assertIs(first, coordination._coordinator())
