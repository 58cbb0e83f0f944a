"""Restore: exact mirror, another share, damaged backups, failure phases."""

import os
import shutil
from unittest import mock

from manila_bk.data.backup import base as driver_base
from manila_bk.data.flows import backup as backup_flow
from manila_bk.data.flows import common
from manila_bk.data.flows import restore as restore_flow
from manila_bk.db import api as db
from manila_bk.message import message_field as mf
from manila_bk.tests.unit.data import base
from manila_bk.tests.unit.data.backup import sample_tree
from manila_bk.tests.unit.data.backup import treecompare


class RestoreTestCase(base.DataTestCase):

    def _backed_up(self, build=None):
        share = self.make_share(status='backup_creating')
        if build:
            build(self.share_path(share))
        else:
            self.write(share, 'keep.txt', b'original')
        backup = self.make_backup(share, host=self.host)
        backup_flow.create_backup(self.ctx, self.driver, backup.id,
                                  self.host)
        self.reference = treecompare.describe(self.share_path(share))
        return share, self.backup(backup.id)

    def assert_restored(self, path):
        facts = treecompare.describe(path)
        wrong = sorted(rel for rel in set(facts) | set(self.reference)
                       if facts.get(rel) != self.reference.get(rel))
        self.assertEqual([], wrong)

    def _restore(self, backup, share, driver='default'):
        driver = self.driver if driver == 'default' else driver
        db.share_backup_update(self.ctx, backup.id, {'status': 'restoring',
                                                     'restore_share_id':
                                                         share.id})
        db.share_update(self.ctx, share.id, {'status': 'backup_restoring'})
        restore_flow.restore_backup(self.ctx, driver, backup.id, share.id,
                                    self.host)
        return self.backup(backup.id), self.share(share.id)

    def test_restore_damaged_share_back_to_exact_tree(self):
        share, backup = self._backed_up(sample_tree.build)
        root = self.share_path(share)
        with open(os.path.join(root, 'docs', 'readme.txt'), 'ab') as f:
            f.write(b'changed')
        os.unlink(os.path.join(root, 'zero'))
        self.write(share, 'added-later', b'new')
        backup, share = self._restore(backup, share)
        self.assertEqual(('available', '100'),
                         (backup.status, backup.restore_progress))
        self.assertEqual('available', share.status)
        self.assert_restored(root)

    def test_restore_into_other_share(self):
        share, backup = self._backed_up(sample_tree.build)
        other = self.make_share()
        self.write(other, 'stray', b'x')
        backup, other = self._restore(backup, other)
        self.assertEqual('available', other.status)
        self.assert_restored(self.share_path(other))
        self.assertEqual('available', self.share(share.id).status)

    def test_restore_altered_backup_fails_without_touching_share(self):
        share, backup = self._backed_up()
        data = os.path.join(self.backup_dir(backup), 'data', 'keep.txt')
        with open(data, 'r+b') as f:
            f.write(b'ORIGINAL')
        self.write(share, 'keep.txt', b'changed since')
        self.write(share, 'new.txt', b'new')
        before = treecompare.describe(self.share_path(share))
        backup, share = self._restore(backup, share)
        self.assertEqual('available', share.status)
        self.assertEqual(before, treecompare.describe(self.share_path(share)))
        self.assertEqual('error', backup.status)
        self.assertIn('damaged', backup.fail_reason)
        self.assert_message(share.id, mf.Action.RESTORE_BACKUP,
                            common.DETAIL_BACKUP_DAMAGED)
        self.assert_message(backup.id, mf.Action.RESTORE_BACKUP,
                            common.DETAIL_BACKUP_DAMAGED)

    def test_restore_backup_missing_on_target_backup_error(self):
        share, backup = self._backed_up()
        shutil.rmtree(self.backup_dir(backup))
        backup, share = self._restore(backup, share)
        self.assertEqual('available', share.status)
        self.assertEqual('error', backup.status)
        self.assertIn('no complete copy', backup.fail_reason)

    def test_restore_failure_while_writing_share_restoring_error(self):
        share, backup = self._backed_up()
        driver = mock.Mock(wraps=self.driver)
        driver.restore.side_effect = OSError(5, 'Input/output error')
        backup, share = self._restore(backup, share, driver)
        self.assertEqual('backup_restoring_error', share.status)
        self.assertEqual('available', backup.status)
        self.assertIsNone(backup.fail_reason)
        self.assert_message(share.id, mf.Action.RESTORE_BACKUP,
                            mf.Detail.RESTORE_FAILED)

    def test_restore_corruption_flagged_touched_restoring_error(self):
        share, backup = self._backed_up()
        driver = mock.Mock(wraps=self.driver)
        exc = driver_base.BackupCorrupted(backup_id=backup.id, reason='x')
        exc.target_untouched = False
        driver.restore.side_effect = exc
        backup, share = self._restore(backup, share, driver)
        self.assertEqual('backup_restoring_error', share.status)
        self.assertEqual('error', backup.status)

    def test_restore_share_unreachable_share_available_again(self):
        share, backup = self._backed_up()
        os.rename(self.share_path(share), self.share_path(share) + '.gone')
        backup, share = self._restore(backup, share)
        self.assertEqual('available', share.status)
        self.assertEqual('available', backup.status)
        self.assertEqual(1, len(self.messages(share.id)))

    def test_restore_without_driver_share_available_again(self):
        share, backup = self._backed_up()
        backup, share = self._restore(backup, share, None)
        self.assertEqual(('available', 'available'),
                         (share.status, backup.status))
        self.assertEqual(1, len(self.messages(share.id)))

    def test_restore_share_not_backup_restoring_untouched(self):
        share, backup = self._backed_up()
        self.write(share, 'keep.txt', b'changed')
        db.share_backup_update(self.ctx, backup.id, {'status': 'restoring'})
        db.share_update(self.ctx, share.id, {'status': 'extending'})
        restore_flow.restore_backup(self.ctx, self.driver, backup.id,
                                    share.id, self.host)
        with open(os.path.join(self.share_path(share), 'keep.txt'),
                  'rb') as f:
            self.assertEqual(b'changed', f.read())
        self.assertEqual('extending', self.share(share.id).status)
        self.assertEqual('available', self.backup(backup.id).status)
