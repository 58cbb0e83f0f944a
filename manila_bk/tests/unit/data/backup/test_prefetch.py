"""The metadata prefetch of incremental backups (engine.prefetch)."""

import os
import signal
import subprocess
import sys
import time
from unittest import mock

import fixtures
import testtools

from manila_bk.data.backup.engine import prefetch


def _touch(path, data=b'x'):
    with open(path, 'wb') as handle:
        handle.write(data)


class WarmTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        base = self.useFixture(fixtures.TempDir()).path
        self.src = os.path.join(base, 'src')
        self.parent = os.path.join(base, 'parent')
        self.outside = os.path.join(base, 'outside')
        for root in (self.src, self.parent):
            os.makedirs(os.path.join(root, 'b', 'd'))
            os.makedirs(os.path.join(root, 'a'))
            _touch(os.path.join(root, 'a', 'f2'))
            _touch(os.path.join(root, 'a', 'f1'))
            _touch(os.path.join(root, 'b', 'd', 'g'))
        os.makedirs(os.path.join(self.src, 'only-in-share'))
        _touch(os.path.join(self.src, 'only-in-share', 'new'))
        os.makedirs(self.outside)
        _touch(os.path.join(self.outside, 'secret'))
        os.symlink(self.outside, os.path.join(self.src, 'c-link'))
        self.stats = []
        real_stat = os.stat

        def record(name, *, dir_fd=None, follow_symlinks=True):
            self.assertFalse(follow_symlinks)
            self.stats.append((os.readlink('/proc/self/fd/%d' % dir_fd),
                               os.fsdecode(name)))
            return real_stat(name, dir_fd=dir_fd,
                             follow_symlinks=follow_symlinks)

        self.useFixture(fixtures.MockPatchObject(prefetch.os, 'stat',
                                                 side_effect=record))

    def _rel(self, root):
        return [(os.path.relpath(d, root), n) for d, n in self.stats
                if d == root or d.startswith(root + '/')]

    def test_walks_share_in_sorted_pre_order(self):
        self.assertEqual(5, prefetch.warm([self.src]))
        self.assertEqual([
            ('.', 'a'), ('.', 'b'), ('.', 'c-link'), ('.', 'only-in-share'),
            ('a', 'f1'), ('a', 'f2'),
            ('b', 'd'),
            ('b/d', 'g'),
            ('only-in-share', 'new'),
        ], self._rel(self.src))

    def test_stats_same_paths_under_parent_and_never_follows_links(self):
        self.assertEqual(5, prefetch.warm([self.src, self.parent]))
        in_parent = self._rel(self.parent)
        self.assertIn(('a', 'f1'), in_parent)
        self.assertIn(('b/d', 'g'), in_parent)
        # The names the share has at the parent's top level are tried
        # there too; directories the parent lacks are not entered.
        self.assertNotIn(('only-in-share', 'new'), in_parent)
        self.assertEqual([], [s for s in self.stats
                              if s[0].startswith(self.outside)])

    def test_missing_share_root_visits_nothing(self):
        self.assertEqual(0, prefetch.warm([self.src + '-gone', self.parent]))
        self.assertEqual([], self.stats)


class PrefetcherTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.root = self.useFixture(fixtures.TempDir()).path
        for i in range(20):
            os.makedirs(os.path.join(self.root, 'd%02d' % i))
            _touch(os.path.join(self.root, 'd%02d' % i, 'f'))

    def test_child_process_walks_and_is_reaped(self):
        with prefetch.Prefetcher([self.root, self.root + '-none']) as pf:
            proc = pf.proc
            self.assertIsNotNone(proc)
            self.assertNotEqual(os.getpid(), proc.pid)
            deadline = time.monotonic() + 60
            while proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
        self.assertEqual(0, pf.returncode)
        self.assertIsNone(pf.proc)

    def test_child_still_running_is_killed_at_exit(self):
        with prefetch.Prefetcher([self.root]) as pf:
            proc = pf.proc
            self.assertIsNone(proc.poll())  # python is still starting
        # Killed (or done in the meantime) and reaped: no zombie is left.
        self.assertIn(pf.returncode, (0, -9))
        self.assertEqual(pf.returncode, proc.returncode)

    def test_child_that_cannot_start_is_not_an_error(self):
        with mock.patch.object(prefetch.subprocess, 'Popen',
                               side_effect=OSError(12, 'no memory')):
            with prefetch.Prefetcher([self.root]) as pf:
                self.assertIsNone(pf.proc)
        self.assertIsNone(pf.returncode)

    def test_main_usage_and_priority(self):
        self.assertEqual(2, prefetch.main([]))
        with mock.patch.object(prefetch.os, 'nice') as nice:
            self.assertEqual(0, prefetch.main([self.root]))
        nice.assert_called_once_with(prefetch._NICE)

    def test_child_dies_with_its_parent(self):
        # A stand-in for the data service: a process that starts the
        # prefetch of a tree too big to finish, then is killed (-9).
        for i in range(20):
            for j in range(300):
                _touch(os.path.join(self.root, 'd%02d' % i, 'g%03d' % j))
        code = (
            'import sys, time\n'
            'from manila_bk.data.backup.engine import prefetch\n'
            'p = prefetch.Prefetcher([sys.argv[1]] * 40).__enter__()\n'
            'print(p.proc.pid, flush=True)\n'
            'time.sleep(60)\n')
        parent = subprocess.Popen([sys.executable, '-c', code, self.root],
                                  stdout=subprocess.PIPE)
        self.addCleanup(parent.wait)
        self.addCleanup(parent.kill)
        child = int(parent.stdout.readline())
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 30
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertFalse(_alive(child))

    def test_child_of_a_gone_parent_does_nothing(self):
        # (prctl is not called here: it would apply to the test runner)
        with mock.patch.object(prefetch, 'warm') as warm, \
                mock.patch.object(prefetch.ctypes, 'CDLL') as cdll:
            self.assertEqual(0, prefetch.main(['--ppid', '1', self.root]))
            self.assertEqual(0, prefetch.main(['--ppid',
                                               str(os.getppid()),
                                               self.root]))
        warm.assert_called_once_with([self.root])
        cdll.return_value.prctl.assert_called_with(
            prefetch._PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _alive(pid):
    """Whether ``pid`` runs (a zombie, reaped by init soon, is dead)."""
    try:
        with open('/proc/%d/stat' % pid) as handle:
            return handle.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except FileNotFoundError:
        return False
