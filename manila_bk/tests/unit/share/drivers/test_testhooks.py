"""The test-only pauses of the directory drivers."""

import logging
import os
from unittest import mock

import fixtures

from manila_bk.share.drivers import _testhooks
from manila_bk.tests.unit.share.drivers import local_helpers


class PauseTestCase(local_helpers.LocalDriverTestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.FakeLogger(level=logging.INFO))

    def _env(self, value):
        self.useFixture(fixtures.EnvironmentVariable(_testhooks.ENV_VAR,
                                                     value))

    def test_pause_unset_never_sleeps(self):
        self.useFixture(fixtures.EnvironmentVariable(_testhooks.ENV_VAR))
        with mock.patch('time.sleep') as sleep:
            _testhooks.pause('revert_copied')
        sleep.assert_not_called()

    def test_pause_named_step_sleeps_its_seconds(self):
        self._env('revert_copied:2.5, revert_swapped:1')
        with mock.patch('time.sleep') as sleep:
            _testhooks.pause('revert_copied')
            _testhooks.pause('revert_journaled')
        sleep.assert_called_once_with(2.5)

    def test_pause_malformed_entries_ignored(self):
        self._env('revert_copied:soon,garbage,revert_swapped:0.5')
        with mock.patch('time.sleep') as sleep:
            _testhooks.pause('revert_copied')
            _testhooks.pause('revert_swapped')
        sleep.assert_called_once_with(0.5)

    def test_revert_passes_steps_in_protocol_order(self):
        share = self.new_share()
        self.write(share, 'a', b'old')
        snapshot = self.new_snapshot(share)
        self.write(share, 'a', b'new')
        seen = []

        def record(step):
            journal = self.driver._work_path('revert', share.id)
            seen.append((step, sorted(os.listdir(journal)),
                         self.read(share)))

        with mock.patch.object(_testhooks, 'pause', side_effect=record):
            self.driver.revert_to_snapshot(None, snapshot, [], [])
        self.assertEqual(
            [('revert_copied', ['tree'], {'a': b'new'}),
             ('revert_journaled', ['journal.json', 'tree'], {'a': b'new'}),
             ('revert_swapped', ['journal.json', 'tree'], {'a': b'old'})],
            seen)
