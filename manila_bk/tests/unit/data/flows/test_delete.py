"""Backup deletion: idempotent, quota released once, failures reported."""

import os
from unittest import mock

from manila_bk.data.flows import backup as backup_flow
from manila_bk.data.flows import delete as delete_flow
from manila_bk.db import api as db
from manila_bk.message import message_field as mf
from manila_bk.tests.unit.data import base


class DeleteBackupTestCase(base.DataTestCase):

    def _available(self):
        share = self.make_share(status='backup_creating', size=2)
        self.write(share, 'f', b'content')
        backup = self.make_backup(share, host=self.host)
        backup_flow.create_backup(self.ctx, self.driver, backup.id,
                                  self.host)
        db.share_backup_update(self.ctx, backup.id, {'status': 'deleting'})
        return self.backup(backup.id)

    def test_delete_backup_removes_tree_row_and_quota(self):
        self.set_usage(backups=1, backup_gigabytes=2)
        backup = self._available()
        self.assertTrue(os.path.isdir(self.backup_dir(backup)))
        delete_flow.delete_backup(self.ctx, self.driver, backup.id,
                                  self.host)
        self.assertFalse(os.path.exists(self.backup_dir(backup)))
        self.assertEqual('deleted', self.backup(backup.id).status)
        self.assertEqual((0, 0), (self.usage('backups'),
                                  self.usage('backup_gigabytes')))

    def test_delete_backup_absent_on_target_succeeds(self):
        self.set_usage(backups=1, backup_gigabytes=1)
        share = self.make_share()
        backup = self.make_backup(share, status='deleting', host=self.host)
        delete_flow.delete_backup(self.ctx, self.driver, backup.id,
                                  self.host)
        self.assertEqual('deleted', self.backup(backup.id).status)
        self.assertEqual(0, self.usage('backups'))

    def test_delete_backup_twice_releases_quota_once(self):
        self.set_usage(backups=2, backup_gigabytes=4)
        backup = self._available()
        for _ in range(2):
            delete_flow.delete_backup(self.ctx, self.driver, backup.id,
                                      self.host)
        self.assertEqual((1, 2), (self.usage('backups'),
                                  self.usage('backup_gigabytes')))

    def test_delete_backup_driver_failure_error_deleting(self):
        self.set_usage(backups=1, backup_gigabytes=2)
        backup = self._available()
        driver = mock.Mock(wraps=self.driver)
        driver.delete.side_effect = PermissionError(13, 'Permission denied',
                                                    '/backups')
        delete_flow.delete_backup(self.ctx, driver, backup.id, self.host)
        backup = self.backup(backup.id)
        self.assertEqual('error_deleting', backup.status)
        self.assertIn('Permission denied: /backups', backup.fail_reason)
        self.assert_message(backup.id, mf.Action.DELETE_BACKUP,
                            mf.Detail.UNKNOWN_ERROR)
        self.assertEqual(1, self.usage('backups'))

    def test_delete_backup_without_driver_error_deleting(self):
        share = self.make_share()
        backup = self.make_backup(share, status='deleting', host=self.host)
        delete_flow.delete_backup(self.ctx, None, backup.id, self.host)
        backup = self.backup(backup.id)
        self.assertEqual('error_deleting', backup.status)
        self.assertIn('enabled_backup_backend', backup.fail_reason)
