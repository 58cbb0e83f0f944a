"""Crash safety of the btrfs driver: each test builds what a crash leaves.

On a real loop-mounted btrfs (see manila_bk.tests.btrfs_fixture).
"""

import json
import os
from unittest import mock

from manila_bk import exception
from manila_bk.share.drivers import _btrfs_cmd
from manila_bk.share.drivers import _btrfs_revert
from manila_bk.share.drivers import _fsutils
from manila_bk.tests.unit.share.drivers import test_btrfs

GiB = 1024 ** 3


class RecoveryTestCase(test_btrfs.BtrfsTestCase):

    def setUp(self):
        super().setUp()
        self.share = self.new_share()
        self.write(self.share, 'a', b'old')
        self.snapshot = self.new_snapshot(self.share, size=2)
        self.write(self.share, 'a', b'new data after the snapshot')
        self.write(self.share, 'b', b'only in the live share')
        self.share_path = self.driver.get_share_path(self.share)
        self.work = self.driver._work_path('revert', self.share.id)
        self.tree = os.path.join(self.work, 'tree')
        self.btrfs = self.driver.btrfs

    def _build_tree(self, journal=True):
        os.mkdir(self.work)
        self.btrfs.snapshot(self.driver._snapshot_path(self.snapshot),
                            self.tree, readonly=False)
        self.btrfs.set_limit(self.tree, 2 * GiB)
        if journal:
            data = {'snapshot_id': self.snapshot.id, 'size': 2,
                    'new_id': self.btrfs.subvolume_id(self.tree),
                    'old_id': self.btrfs.subvolume_id(self.share_path)}
            with open(os.path.join(self.work, 'journal.json'), 'w') as fh:
                json.dump(data, fh)

    def _recover(self):
        return self.driver.recover([self.share.id])[self.share.id]

    def _expected_subvolumes(self):
        return sorted([
            'shares/share-%s' % self.share.id,
            'snapshots/share-%s/snapshot-%s' % (self.share.id,
                                                self.snapshot.id)])

    def assertReverted(self):
        self.assertEqual({'a': b'old'}, self.read(self.share))
        self.assertEqual(2 * GiB, self.limit(self.share))
        self.assertFalse(os.path.lexists(self.work))
        self.assertEqual(self._expected_subvolumes(),
                         test_btrfs.subvolume_paths(self.driver.root))

    def assertUntouched(self):
        self.assertEqual({'a': b'new data after the snapshot',
                          'b': b'only in the live share'},
                         self.read(self.share))
        self.assertEqual(GiB, self.limit(self.share))
        self.assertFalse(os.path.lexists(self.work))
        self.assertEqual(self._expected_subvolumes(),
                         test_btrfs.subvolume_paths(self.driver.root))

    def test_recover_snapshot_without_journal_rolls_back(self):
        self._build_tree(journal=False)
        self.assertEqual('rolled_back', self._recover())
        self.assertUntouched()

    def test_recover_empty_work_dir_rolls_back(self):
        os.mkdir(self.work)
        self.assertEqual('rolled_back', self._recover())
        self.assertUntouched()

    def test_recover_journal_before_swap_completes(self):
        self._build_tree()
        self.assertEqual('completed', self._recover())
        self.assertReverted()

    def test_recover_journal_after_exchange_completes(self):
        self._build_tree()
        _fsutils.exchange(self.share_path, self.tree)
        self.assertEqual('completed', self._recover())
        self.assertReverted()

    def test_recover_between_fallback_renames_completes(self):
        self._build_tree()
        os.rename(self.share_path, os.path.join(self.work, 'old'))
        self.assertEqual('completed', self._recover())
        self.assertReverted()

    def test_recover_after_fallback_renames_completes(self):
        self._build_tree()
        os.rename(self.share_path, os.path.join(self.work, 'old'))
        os.rename(self.tree, self.share_path)
        self.assertEqual('completed', self._recover())
        self.assertReverted()

    def test_recover_unknown_subvolume_fails_and_keeps_work(self):
        self._build_tree()
        self.btrfs.delete_subvolume(self.share_path)
        self.btrfs.create_subvolume(self.share_path)
        self.assertEqual('failed', self._recover())
        self.assertTrue(os.path.isfile(os.path.join(self.work,
                                                    'journal.json')))
        self.assertTrue(_btrfs_cmd.is_subvolume(self.tree))

    def test_revert_after_unknown_state_raises(self):
        self._build_tree()
        self.btrfs.delete_subvolume(self.share_path)
        self.btrfs.create_subvolume(self.share_path)
        self.assertRaises(exception.ShareDriverException,
                          self.driver.revert_to_snapshot, None,
                          self.snapshot, [], [])

    def test_recover_interrupted_create_rolls_back(self):
        creating = self.driver._work_path('creating', self.share.id)
        self.btrfs.create_subvolume(creating)
        self.assertEqual('rolled_back', self._recover())
        self.assertFalse(os.path.lexists(creating))

    def test_recover_none_finds_leftovers(self):
        self._build_tree()
        self.assertEqual({self.share.id: 'completed'},
                         self.driver.recover(None))
        self.assertReverted()

    def test_revert_finishes_leftover_of_completed_revert(self):
        self._build_tree()
        _fsutils.exchange(self.share_path, self.tree)
        self.write(self.share, 'a', b'written after the first revert')
        self.driver.revert_to_snapshot(None, self.snapshot, [], [])
        self.assertReverted()

    def test_revert_failure_before_swap_leaves_share_untouched(self):
        with mock.patch.object(_btrfs_revert, 'swap',
                               side_effect=OSError('injected')):
            self.assertRaises(OSError, self.driver.revert_to_snapshot,
                              None, self.snapshot, [], [])
        self.assertUntouched()

    def test_revert_failure_after_swap_counts_as_done(self):
        with mock.patch.object(_fsutils, 'sync_filesystem',
                               side_effect=OSError('injected')):
            self.driver.revert_to_snapshot(None, self.snapshot, [], [])
        self.assertReverted()

    def test_revert_cleanup_failure_is_finished_by_recovery(self):
        with mock.patch.object(_btrfs_revert, 'remove_work',
                               side_effect=exception.ShareDriverException(
                                   reason='injected')):
            self.driver.revert_to_snapshot(None, self.snapshot, [], [])
        self.assertEqual({'a': b'old'}, self.read(self.share))
        self.assertTrue(os.path.isdir(self.work))
        self.assertEqual('completed', self._recover())
        self.assertReverted()
