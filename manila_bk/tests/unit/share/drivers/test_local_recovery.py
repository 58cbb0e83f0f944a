"""Crash recovery of the local driver: on-disk states a crash leaves."""

import json
import os
import subprocess
from unittest import mock
import uuid

from manila_bk.share.drivers import _fsutils
from manila_bk.tests.unit.share.drivers import local_helpers


class RecoveryTestCase(local_helpers.LocalDriverTestCase):
    """Each test builds the on-disk state a crash leaves, then recovers."""

    def setUp(self):
        super().setUp()
        self.share = self.new_share()
        self.write(self.share, 'a', b'old')
        self.snapshot = self.new_snapshot(self.share)
        self.write(self.share, 'a', b'new data after the snapshot')
        self.write(self.share, 'b', b'only in the live share')
        self.share_path = self.driver.get_share_path(self.share)
        self.work = os.path.join(self.driver.root, '.revert-' + self.share.id)
        self.tree = os.path.join(self.work, 'tree')

    def _build_tree(self, journal=True):
        os.mkdir(self.work)
        _fsutils.copy_tree(self.driver._snapshot_path(self.snapshot),
                           self.tree)
        if journal:
            data = {'snapshot_id': self.snapshot.id, 'size': 1,
                    'new_ino': _fsutils.inode(self.tree),
                    'old_ino': _fsutils.inode(self.share_path)}
            with open(os.path.join(self.work, 'journal.json'), 'w') as fh:
                json.dump(data, fh)

    def _recover(self):
        return self.driver.recover([self.share.id])[self.share.id]

    def assertReverted(self):
        self.assertEqual({'a': b'old'}, self.read(self.share))
        self.assertFalse(os.path.lexists(self.work))

    def assertUntouched(self):
        self.assertEqual({'a': b'new data after the snapshot',
                          'b': b'only in the live share'},
                         self.read(self.share))
        self.assertFalse(os.path.lexists(self.work))

    def test_recover_partial_copy_without_journal_rolls_back(self):
        self._build_tree(journal=False)
        os.unlink(os.path.join(self.tree, 'a'))
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

    def test_recover_unknown_inodes_fails_and_keeps_work_dir(self):
        self._build_tree()
        with open(os.path.join(self.work, 'journal.json'), 'w') as fh:
            json.dump({'snapshot_id': self.snapshot.id, 'new_ino': -1,
                       'old_ino': -2}, fh)
        self.assertEqual('failed', self._recover())
        self.assertTrue(os.path.isdir(self.tree))
        self.assertEqual(b'only in the live share',
                         self.read(self.share)['b'])

    def test_recover_half_snapshot_rolls_back(self):
        temp = self.driver._snapshot_path(self.snapshot, '.new-snapshot-')
        _fsutils.copy_tree(self.share_path, temp)
        self.assertEqual('rolled_back', self._recover())
        self.assertFalse(os.path.lexists(temp))
        self.assertTrue(os.path.isdir(
            self.driver._snapshot_path(self.snapshot)))

    def test_recover_half_deleted_snapshot_completes(self):
        self.driver.delete_snapshot(self.snapshot)
        snapshot = self.new_snapshot(self.share)
        os.rename(self.driver._snapshot_path(snapshot),
                  self.driver._snapshot_path(snapshot, '.old-snapshot-'))
        self.assertEqual('completed', self._recover())
        self.assertEqual([], os.listdir(
            os.path.dirname(self.driver._snapshot_path(snapshot))))

    def test_recover_half_created_share_rolls_back(self):
        other = str(uuid.uuid4())
        creating = os.path.join(self.driver.root, '.creating-' + other)
        os.mkdir(creating)
        self.assertEqual({other: 'rolled_back'},
                         self.driver.recover([other]))
        self.assertFalse(os.path.lexists(creating))

    def test_recover_half_deleted_share_completes(self):
        os.rename(self.share_path,
                  os.path.join(self.driver.root, '.deleting-' + self.share.id))
        self.assertEqual('completed', self._recover())
        self.assertEqual(['.meta', '.snapshots'],
                         sorted(n for n in os.listdir(self.driver.root)
                                if not n.startswith('.exports')))

    def test_recover_none_finds_every_leftover(self):
        self._build_tree()
        other = str(uuid.uuid4())
        os.mkdir(os.path.join(self.driver.root, '.creating-' + other))
        os.mkdir(os.path.join(self.driver.root, '.revert-not-a-uuid'))
        self.assertEqual({self.share.id: 'completed', other: 'rolled_back'},
                         self.driver.recover(None))
        self.assertReverted()

    def test_revert_after_leftover_work_dir_succeeds(self):
        self._build_tree(journal=False)
        self.driver.revert_to_snapshot(None, self.snapshot, [], [])
        self.assertReverted()

    def test_recover_completed_revert_sets_size_and_reloads(self):
        self.driver.extend_share(self.share, 5)
        self.driver.reload_command = ['true', 'reload']
        self._build_tree()
        with mock.patch('subprocess.run', wraps=subprocess.run) as run:
            self.assertEqual('completed', self._recover())
        self.assertEqual(1, self.driver.get_share_size(self.share))
        self.assertIn(mock.call(['true', 'reload'], stdin=mock.ANY,
                                stdout=mock.ANY, stderr=mock.ANY,
                                check=False), run.call_args_list)

    def test_recover_clean_share_runs_no_reload(self):
        self.driver.reload_command = ['true', 'reload']
        with mock.patch('subprocess.run') as run:
            self.assertEqual('clean', self._recover())
        run.assert_not_called()
