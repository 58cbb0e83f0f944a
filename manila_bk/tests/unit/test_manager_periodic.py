"""Periodic tasks of the managers run every periodic_interval seconds.

Regression test (reliability harness, issue #9): oslo.service runs a task
declared without a spacing every 60 s however often the service calls
``periodic_tasks()``, so with ``periodic_interval = 5`` the data service
still took a minute to finish removing the data node's leftover access
after a crash, and a lost backup request waited a minute more than
``backup_unclaimed_timeout``.
"""

from unittest import mock

from oslo_service import periodic_task

from manila_bk import manager
from manila_bk.tests import base


class _Manager(manager.Manager):

    def __init__(self, host):
        super().__init__(host)
        self.runs = []

    @periodic_task.periodic_task(run_immediately=False)
    def _plain(self, context):
        self.runs.append('plain')

    @periodic_task.periodic_task(spacing=10, run_immediately=False)
    def _spaced(self, context):
        self.runs.append('spaced')


class PeriodicSpacingTestCase(base.TestCase):

    def _run_for(self, mgr, seconds, step):
        clock = [1000.0]
        with mock.patch.object(periodic_task, 'now', lambda: clock[0]):
            mgr._periodic_last_run = dict.fromkeys(
                mgr._periodic_last_run, clock[0])
            while clock[0] < 1000.0 + seconds:
                clock[0] += step
                mgr.periodic_tasks(None)
        return mgr.runs

    def test_undeclared_spacing_follows_periodic_interval(self):
        self.flags(periodic_interval=5)
        runs = self._run_for(_Manager('h'), 60, 5)
        self.assertEqual(12, runs.count('plain'))
        self.assertEqual(6, runs.count('spaced'))

    def test_default_interval_unchanged(self):
        self.flags(periodic_interval=60)
        runs = self._run_for(_Manager('h'), 125, 5)
        self.assertEqual(2, runs.count('plain'))
        self.assertEqual(12, runs.count('spaced'))
