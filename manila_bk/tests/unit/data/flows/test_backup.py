"""Backup creation: success, every failure phase, statuses and messages."""

import os
from unittest import mock

from manila_bk.data.backup import base as driver_base
from manila_bk.data.flows import backup as backup_flow
from manila_bk.data.flows import common
from manila_bk.db import api as db
from manila_bk.message import message_field as mf
from manila_bk.tests.unit.data import base
from manila_bk.tests.unit.data.backup import treecompare


class CreateBackupTestCase(base.DataTestCase):

    def _run(self, backup, driver='default'):
        driver = self.driver if driver == 'default' else driver
        backup_flow.create_backup(self.ctx, driver, backup.id, self.host)
        return self.backup(backup.id)

    def test_create_backup_copies_tree_share_and_backup_available(self):
        share = self.make_share(status='backup_creating')
        self.write(share, 'a.txt', b'alpha')
        os.mkdir(os.path.join(self.share_path(share), 'sub'))
        self.write(share, 'sub/b.txt', b'beta')
        backup = self._run(self.make_backup(share, host=self.host))
        self.assertEqual(('available', '100', 'full', None),
                         (backup.status, backup.progress,
                          backup.backup_type, backup.fail_reason))
        self.assertEqual('available', self.share(share.id).status)
        data = os.path.join(self.backup_dir(backup), 'data')
        treecompare.assert_same_tree(self, self.share_path(share), data)
        self.assertTrue(os.path.isfile(
            os.path.join(self.backup_dir(backup), 'manifest.json')))

    def test_create_backup_keeps_size_and_quota(self):
        self.set_usage(backups=1, backup_gigabytes=3)
        share = self.make_share(status='backup_creating', size=3)
        backup = self._run(self.make_backup(share, host=self.host))
        self.assertEqual(3, backup.size)
        self.assertEqual((1, 3), (self.usage('backups'),
                                  self.usage('backup_gigabytes')))

    def test_create_backup_incremental_without_parent_becomes_full(self):
        share = self.make_share(status='backup_creating')
        backup = self._run(self.make_backup(
            share, host=self.host, backup_type='incremental',
            parent_id='0f0f0f0f-0000-4000-8000-000000000000'))
        self.assertEqual(('available', 'full', None),
                         (backup.status, backup.backup_type,
                          backup.parent_id))

    def test_create_backup_records_progress(self):
        share = self.make_share(status='backup_creating')
        self.write(share, 'big', os.urandom(3 << 20))
        seen = []
        real = common.ProgressWriter.__call__

        def spy(writer, percent):
            seen.append(percent)
            return real(writer, percent)

        with mock.patch.object(common.ProgressWriter, '__call__', spy):
            backup = self._run(self.make_backup(share, host=self.host))
        self.assertEqual(100, seen[-1])
        self.assertEqual(sorted(seen), seen)
        self.assertEqual('100', backup.progress)

    def test_create_backup_driver_failure_error_reason_message(self):
        share = self.make_share(status='backup_creating')
        driver = mock.Mock(wraps=self.driver)
        driver.backup.side_effect = OSError(28, 'No space left on device',
                                            '/backups/x')
        backup = self._run(self.make_backup(share, host=self.host), driver)
        self.assertEqual('error', backup.status)
        self.assertIn('copying the share to the backup target',
                      backup.fail_reason)
        self.assertIn('No space left on device: /backups/x',
                      backup.fail_reason)
        self.assertEqual('available', self.share(share.id).status)
        self.assert_message(backup.id, mf.Action.CREATE_BACKUP,
                            mf.Detail.BACKUP_FAILED)
        driver.cleanup_partial.assert_called_once_with(backup.id)

    def test_create_backup_failure_keeps_quota_until_delete(self):
        self.set_usage(backups=1, backup_gigabytes=1)
        share = self.make_share(status='backup_creating')
        driver = mock.Mock(wraps=self.driver)
        driver.backup.side_effect = RuntimeError('boom')
        self._run(self.make_backup(share, host=self.host), driver)
        self.assertEqual((1, 1), (self.usage('backups'),
                                  self.usage('backup_gigabytes')))

    def test_create_backup_target_mount_failure_target_message(self):
        share = self.make_share(status='backup_creating')
        driver = mock.Mock(wraps=self.driver)
        driver.backup.side_effect = driver_base.BackupMountError(
            action='run', target='mount', reason='exit code 32')
        backup = self._run(self.make_backup(share, host=self.host), driver)
        self.assertEqual('error', backup.status)
        self.assert_message(backup.id, mf.Action.CREATE_BACKUP,
                            mf.Detail.BACKUP_TARGET_UNAVAILABLE)

    def test_create_backup_share_without_export_fails_cleanly(self):
        share = self.make_share(status='backup_creating')
        db.share_export_locations_update(self.ctx, share.id, [])
        backup = self._run(self.make_backup(share, host=self.host))
        self.assertEqual('error', backup.status)
        self.assertIn('no export location', backup.fail_reason)
        self.assertIn('mounting the share', backup.fail_reason)
        self.assertEqual('available', self.share(share.id).status)
        self.assertFalse(os.path.exists(self.backup_dir(backup)))

    def test_create_backup_missing_share_directory_fails(self):
        share = self.make_share(status='backup_creating')
        os.rmdir(self.share_path(share))
        backup = self._run(self.make_backup(share, host=self.host))
        self.assertEqual('error', backup.status)
        self.assertIn('mounting the share', backup.fail_reason)
        self.assertIn('no such directory', backup.fail_reason)

    def test_create_backup_without_driver_names_the_option(self):
        share = self.make_share(status='backup_creating')
        backup = self._run(self.make_backup(share, host=self.host), None)
        self.assertEqual('error', backup.status)
        self.assertIn('enabled_backup_backend', backup.fail_reason)
        self.assertIn(self.host, backup.fail_reason)
        self.assertEqual('available', self.share(share.id).status)

    def test_create_backup_reset_meanwhile_status_kept(self):
        share = self.make_share(status='backup_creating')
        backup = self.make_backup(share, host=self.host)
        driver = mock.Mock(wraps=self.driver)

        def reset(*args, **kwargs):
            db.share_backup_update(self.ctx, backup.id, {'status': 'error'})
            return self.driver.backup(*args, **kwargs)

        driver.backup.side_effect = reset
        self.assertEqual('error', self._run(backup, driver).status)

    def test_create_backup_unmount_failure_after_copy_still_available(self):
        share = self.make_share(status='backup_creating')
        real = common.local_share

        class _Ctx:
            def __init__(self, share):
                self.inner = real(share)

            def __enter__(self):
                return self.inner.__enter__()

            def __exit__(self, *exc):
                self.inner.__exit__(*exc)
                if exc[0] is None:
                    raise driver_base.BackupMountError(
                        action='unmount', target='x', reason='busy')

        with mock.patch.object(common, 'local_share', _Ctx):
            backup = self._run(self.make_backup(share, host=self.host))
        self.assertEqual('available', backup.status)
        self.assertEqual('available', self.share(share.id).status)

    def test_create_backup_share_not_backup_creating_refused(self):
        share = self.make_share(status='available')
        self.write(share, 'f', b'x')
        backup = self._run(self.make_backup(share, host=self.host))
        self.assertEqual('error', backup.status)
        self.assertIn('not backup_creating', backup.fail_reason)
        self.assertFalse(os.path.exists(self.backup_dir(backup)))
        self.assertEqual('available', self.share(share.id).status)

    def test_create_backup_incremental_builds_on_newest_backup(self):
        share = self.make_share(status='backup_creating')
        self.write(share, 'same', b'unchanged' * 1000)
        first = self._run(self.make_backup(share, host=self.host))
        db.share_update(self.ctx, share.id, {'status': 'backup_creating'})
        self.write(share, 'new', b'added')
        second = self._run(self.make_backup(share, host=self.host,
                                            backup_type='incremental'))
        self.assertEqual(('available', 'incremental', first.id),
                         (second.status, second.backup_type,
                          second.parent_id))
        st1 = os.stat(os.path.join(self.backup_dir(first), 'data', 'same'))
        st2 = os.stat(os.path.join(self.backup_dir(second), 'data', 'same'))
        self.assertEqual(st1.st_ino, st2.st_ino)
