"""Creating a share from a backup (share API create, source_backup_id)."""

from unittest import mock

from manila_bk.db import api as db
from manila_bk import exception
from manila_bk import quota
from manila_bk.share import _errors
from manila_bk.share import api as share_api
from manila_bk.tests import base
from manila_bk.tests.unit.backup import fakes as backup_fakes
from manila_bk.tests.unit.share import api_fakes as fakes

NO_SUCH_ID = '99999999-9999-4999-8999-999999999999'


class CreateFromBackupTestCase(base.DBTestCase):

    def setUp(self):
        super().setUp()
        self.api = share_api.API()
        # One mock for both services, to see the order of the casts.
        self.casts = mock.Mock()
        self.api.share_rpcapi = self.casts.share
        self.api.backup_api.data_rpcapi = self.casts.data
        self.user = self.user_context('project-a')
        fakes.service(self.ctx)
        fakes.share_type(self.ctx)
        backup_fakes.data_service(self.ctx)
        source = fakes.share(self.ctx, size=3)
        self.backup = backup_fakes.backup(self.ctx, source)
        self.start = self.usage()

    def usage(self):
        return {r: v['in_use'] for r, v in quota.get_project_quotas(
            self.ctx, 'project-a', usages=True).items()}

    def backup_row(self):
        return db.share_backup_get(self.ctx, self.backup.id)

    def test_create_from_backup_default_size_marks_and_casts(self):
        share = self.api.create(self.user, 'nfs', None,
                                source_backup_id=self.backup.id)
        self.assertEqual(('creating', 3, self.backup.id, '0%'),
                         (share.status, share.size, share.source_backup_id,
                          share.progress))
        backup = self.backup_row()
        self.assertEqual(('restoring', share.id),
                         (backup.status, backup.restore_share_id))
        # The data service is asked first: if that fails nothing exists.
        self.assertEqual(
            [mock.call.data.restore_backup(self.user, self.backup.id,
                                           share.id),
             mock.call.share.create_share(self.user, share.id,
                                          'node1@local#pool1')],
            self.casts.mock_calls)
        usage = self.usage()
        self.assertEqual((self.start['shares'] + 1,
                          self.start['gigabytes'] + 3),
                         (usage['shares'], usage['gigabytes']))

    def test_create_from_backup_larger_size(self):
        share = self.api.create(self.user, 'NFS', 5,
                                source_backup_id=self.backup.id)
        self.assertEqual(5, share.size)

    def test_create_smaller_than_backup_400_nothing_changed(self):
        exc = self.assertRaises(exception.InvalidInput, self.api.create,
                                self.user, 'NFS', 2,
                                source_backup_id=self.backup.id)
        self.assertIn('backup size', exc.msg)
        self._assert_nothing_changed()

    def test_create_from_backup_and_snapshot_400(self):
        exc = self.assertRaises(exception.InvalidInput, self.api.create,
                                self.user, 'NFS', 3, snapshot_id=NO_SUCH_ID,
                                source_backup_id=self.backup.id)
        self.assertIn('not both', exc.msg)
        self._assert_nothing_changed()

    def test_create_from_unknown_or_foreign_backup_400(self):
        other = backup_fakes.backup(self.ctx, fakes.share(
            self.ctx, project_id='project-b'), project_id='project-b')
        for backup_id in (NO_SUCH_ID, other.id):
            exc = self.assertRaises(exception.Invalid, self.api.create,
                                    self.user, 'NFS', None,
                                    source_backup_id=backup_id)
            self.assertEqual(400, exc.code)
        self._assert_nothing_changed()

    def test_create_from_unavailable_backup_400(self):
        db.share_backup_update(self.ctx, self.backup.id,
                               {'status': 'creating'})
        self.assertRaises(exception.InvalidShareBackup, self.api.create,
                          self.user, 'NFS', None,
                          source_backup_id=self.backup.id)
        self._assert_nothing_changed(backup_status='creating')

    def test_create_from_backup_over_quota_413(self):
        self.flags(gigabytes=self.start['gigabytes'] + 2, group='quota')
        exc = self.assertRaises(_errors.ShareSizeExceedsAvailableQuota,
                                self.api.create, self.user, 'NFS', None,
                                source_backup_id=self.backup.id)
        self.assertEqual(413, exc.code)
        self._assert_nothing_changed()

    def test_data_cast_failure_leaves_nothing(self):
        self.casts.data.restore_backup.side_effect = RuntimeError('down')
        self.assertRaises(RuntimeError, self.api.create, self.user, 'NFS',
                          None, source_backup_id=self.backup.id)
        self._assert_nothing_changed(cast=True)
        self.casts.share.create_share.assert_not_called()

    def test_no_valid_host_share_error_backup_left_to_data_service(self):
        db.service_update(self.ctx, db.service_get_all(
            self.ctx, {'binary': 'manila-bk-share'})[0].id,
            {'disabled': True})
        share = self.api.create(self.user, 'NFS', None,
                                source_backup_id=self.backup.id)
        self.assertEqual('error', share.status)
        # The data service sees the error and gives the backup back.
        self.casts.data.restore_backup.assert_called_once_with(
            self.user, self.backup.id, share.id)
        self.casts.share.create_share.assert_not_called()

    def _assert_nothing_changed(self, backup_status='available',
                                cast=False):
        self.assertEqual(backup_status, self.backup_row().status)
        self.assertEqual([], db.share_get_all(
            self.ctx, filters={'source_backup_id': self.backup.id}))
        self.assertEqual(self.start, self.usage())
        if not cast:
            self.casts.data.restore_backup.assert_not_called()
