"""Restore reads the backup once: checked and staged, then moved in place.

With ``backup_verify_on_restore`` (the default) the backup's files are
copied into a staging directory on the target while they are checked;
the target changes only once every file matched.  Without room for that,
the backup is verified whole first and copied afterwards, as before.
"""

import errno
import os
from unittest import mock

from manila_bk.data.backup import base
from manila_bk.data.backup.engine import filecopy
from manila_bk.data.backup.engine import manifest
from manila_bk.data.backup.engine import restore_tree
from manila_bk.data.backup.engine import stage_tree
from manila_bk.data.backup.engine import verify_tree
from manila_bk.tests.unit.data.backup import driver_helpers
from manila_bk.tests.unit.data.backup import treecompare


def _leftovers(root):
    return [name for name in os.listdir(root)
            if name.startswith(restore_tree.TMP_PREFIX.decode())]


class StagedRestoreTestCase(driver_helpers.DriverTestCase):

    def setUp(self):
        super().setUp()
        self.paths = self.build_sample(big_size=3 * 1024 * 1024 + 5)
        self.backup, self.result = self.do_backup()
        self.restore_to = self.new_dir('restored')
        with open(os.path.join(self.restore_to, 'precious'), 'w') as f:
            f.write('tenant data written after the backup')
        self.files = sum(1 for entry in self._manifest().entries()
                         if entry['type'] == 'file')

    def _manifest(self):
        return manifest.Manifest(os.path.join(
            self.backup_dir(self.backup), 'manifest.json'))

    def _spy(self, module, name):
        """Count the calls of ``module.name``, which still runs."""
        patcher = mock.patch.object(module, name,
                                    side_effect=getattr(module, name))
        self.addCleanup(patcher.stop)
        return patcher.start()

    def test_restore_reads_every_backup_file_once(self):
        copies = self._spy(filecopy, 'copy_fd')
        hashes = self._spy(filecopy, 'hash_fd')
        verify = self._spy(verify_tree, 'verify')
        self.do_restore(self.backup, self.restore_to)
        treecompare.assert_same_tree(self, self.source, self.restore_to)
        self.assertEqual(self.files, copies.call_count)
        hashes.assert_not_called()
        verify.assert_not_called()
        self.assertEqual([], _leftovers(self.restore_to))

    def test_restore_progress_never_decreases_and_ends_at_100(self):
        calls = []
        self.do_restore(self.backup, self.restore_to, calls)
        self.assertEqual(sorted(calls), calls)
        self.assertEqual(100, calls[-1])

    def test_restore_without_room_verifies_whole_backup_first(self):
        verify = self._spy(verify_tree, 'verify')
        stage = self._spy(stage_tree, 'stage')
        with mock.patch.object(restore_tree, '_ROOM_SLACK', 1 << 62):
            self.do_restore(self.backup, self.restore_to)
        verify.assert_called_once()
        stage.assert_not_called()
        treecompare.assert_same_tree(self, self.source, self.restore_to)

    def test_restore_without_room_still_refuses_damage_untouched(self):
        os.truncate(self.data_path(self.backup, self.paths['big']), 10)
        before = treecompare.describe(self.restore_to)
        with mock.patch.object(restore_tree, '_ROOM_SLACK', 1 << 62):
            exc = self.assertRaises(base.BackupCorrupted, self.do_restore,
                                    self.backup, self.restore_to)
        self.assertIs(True, exc.target_untouched)
        self.assertEqual(before, treecompare.describe(self.restore_to))

    def test_staging_out_of_space_falls_back_to_verify_then_copy(self):
        real_stage = stage_tree.stage

        def full_after_some(data_root, manifest, threads, progress,
                            staging_fd, meta, limit):
            real_stage(data_root, manifest, threads, progress, staging_fd,
                       meta, limit)
            raise OSError(errno.ENOSPC, 'No space left on device')

        verify = self._spy(verify_tree, 'verify')
        calls = []
        with mock.patch.object(stage_tree, 'stage',
                               side_effect=full_after_some):
            self.do_restore(self.backup, self.restore_to, calls)
        verify.assert_called_once()
        treecompare.assert_same_tree(self, self.source, self.restore_to)
        self.assertEqual([], _leftovers(self.restore_to))
        self.assertEqual(sorted(calls), calls)

    def test_staging_error_other_than_space_leaves_target_untouched(self):
        before = treecompare.describe(self.restore_to)
        with mock.patch.object(stage_tree, 'stage', side_effect=OSError(
                errno.EIO, 'Input/output error')):
            exc = self.assertRaises(OSError, self.do_restore, self.backup,
                                    self.restore_to)
        self.assertEqual(errno.EIO, exc.errno)
        self.assertIs(True, exc.target_untouched)
        self.assertEqual(before, treecompare.describe(self.restore_to))

    def test_staged_file_crossing_file_systems_is_copied(self):
        real_rename = os.rename
        crossed = []

        def rename(src, dst, *, src_dir_fd=None, dst_dir_fd=None):
            if src_dir_fd is not None and src_dir_fd != dst_dir_fd:
                crossed.append(src)
                raise OSError(errno.EXDEV, 'Invalid cross-device link')
            return real_rename(src, dst, src_dir_fd=src_dir_fd,
                               dst_dir_fd=dst_dir_fd)

        with mock.patch.object(restore_tree.os, 'rename',
                               side_effect=rename):
            self.do_restore(self.backup, self.restore_to)
        self.assertEqual(self.files, len(crossed))
        treecompare.assert_same_tree(self, self.source, self.restore_to)
        self.assertEqual([], _leftovers(self.restore_to))

    def test_failure_after_staging_removes_staging_directory(self):
        with mock.patch.object(restore_tree.RestoreRun, '_apply_dir_meta',
                               side_effect=OSError(errno.EIO, 'boom')):
            exc = self.assertRaises(OSError, self.do_restore, self.backup,
                                    self.restore_to)
        self.assertIs(False, exc.target_untouched)
        self.assertEqual([], _leftovers(self.restore_to))
