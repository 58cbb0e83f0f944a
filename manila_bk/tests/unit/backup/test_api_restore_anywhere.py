"""Restores into shares of another size and into new shares (API side).

Real (SQLite) database; the data service RPC API is a mock.  What the data
service then does is tested in tests/unit/data/flows/test_restore_target.
"""

from unittest import mock

from manila_bk.backup import api as backup_api
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk import quota
from manila_bk.tests import base
from manila_bk.tests.unit.backup import fakes
from manila_bk.tests.unit.share import api_fakes

NO_SUCH_ID = '99999999-9999-4999-8999-999999999999'


class RestoreAnywhereTestCase(base.DBTestCase):

    def setUp(self):
        super().setUp()
        self.api = backup_api.API()
        self.rpc = mock.Mock()
        self.api.data_rpcapi = self.rpc
        self.user = self.user_context('project-a')
        self.admin = fakes.admin_context()
        self.source = api_fakes.share(self.ctx, size=4)
        self.backup = fakes.backup(self.ctx, self.source)

    def gigabytes(self, project='project-a'):
        return quota.get_project_quotas(self.ctx, project,
                                        usages=True)['gigabytes']['in_use']

    def status(self, row):
        return db.share_get(self.ctx, row.id).status

    def backup_row(self):
        return db.share_backup_get(self.ctx, self.backup.id)


class RestoreIntoSmallerShareTestCase(RestoreAnywhereTestCase):

    def test_smaller_target_accepted_quota_charged_later(self):
        db.quota_usage_set(self.ctx, 'project-a', 'gigabytes', 5)
        target = api_fakes.share(self.ctx, size=1)
        result = self.api.restore(self.user, self.backup.id, target.id)
        self.assertEqual(target.id, result['share_id'])
        self.assertEqual('backup_restoring', self.status(target))
        self.assertEqual(('restoring', target.id),
                         (self.backup_row().status,
                          self.backup_row().restore_share_id))
        # The data service charges the extension when it asks for it.
        self.assertEqual(5, self.gigabytes())
        self.assertEqual(1, db.share_get(self.ctx, target.id).size)

    def test_source_share_shrunk_since_backup_accepted(self):
        db.share_update(self.ctx, self.source.id, {'size': 2})
        self.api.restore(self.user, self.backup.id)
        self.assertEqual('backup_restoring', self.status(self.source))
        self.rpc.restore_backup.assert_called_once_with(
            self.user, self.backup.id, self.source.id)

    def test_extension_over_gigabytes_quota_413_nothing_changed(self):
        self.flags(gigabytes=10, group='quota')
        db.quota_usage_set(self.ctx, 'project-a', 'gigabytes', 8)
        target = api_fakes.share(self.ctx, size=1)
        exc = self.assertRaises(backup_api.RestoreExtendOverQuota,
                                self.api.restore, self.user, self.backup.id,
                                target.id)
        self.assertEqual(413, exc.code)
        self.assertIn('from 1G to 4G', exc.msg)
        self.assertIn('8G of 10G', exc.msg)
        self.assertEqual('available', self.status(target))
        self.assertEqual('available', self.backup_row().status)
        self.assertEqual(8, self.gigabytes())
        self.rpc.restore_backup.assert_not_called()

    def test_extension_that_just_fits_is_accepted(self):
        self.flags(gigabytes=10, group='quota')
        db.quota_usage_set(self.ctx, 'project-a', 'gigabytes', 7)
        target = api_fakes.share(self.ctx, size=1)
        self.api.restore(self.user, self.backup.id, target.id)
        self.assertEqual('backup_restoring', self.status(target))

    def test_extension_over_per_share_limit_413(self):
        self.flags(per_share_gigabytes=3, group='quota')
        target = api_fakes.share(self.ctx, size=1)
        exc = self.assertRaises(exception.ShareSizeExceedsLimit,
                                self.api.restore, self.user, self.backup.id,
                                target.id)
        self.assertEqual(413, exc.code)
        self.assertEqual('available', self.status(target))

    def test_larger_target_needs_no_quota(self):
        self.flags(gigabytes=1, group='quota')
        db.quota_usage_set(self.ctx, 'project-a', 'gigabytes', 50)
        target = api_fakes.share(self.ctx, size=6)
        self.api.restore(self.user, self.backup.id, target.id)
        self.assertEqual('backup_restoring', self.status(target))

    def test_admin_restore_charges_the_target_project(self):
        self.flags(gigabytes=10, group='quota')
        db.quota_usage_set(self.ctx, 'project-b', 'gigabytes', 9)
        target = api_fakes.share(self.ctx, project_id='project-b', size=1)
        self.assertRaises(backup_api.RestoreExtendOverQuota,
                          self.api.restore, self.admin, self.backup.id,
                          target.id)
        bigger = api_fakes.share(self.ctx, project_id='project-b', size=4)
        self.api.restore(self.admin, self.backup.id, bigger.id)


class SourceBackupTestCase(RestoreAnywhereTestCase):

    def setUp(self):
        super().setUp()
        fakes.data_service(self.ctx)

    def test_source_backup_returns_available_backup(self):
        found = self.api.source_backup(self.user, self.backup.id)
        self.assertEqual(self.backup.id, found.id)

    def test_unknown_or_other_projects_backup_400(self):
        other = fakes.backup(self.ctx, api_fakes.share(
            self.ctx, project_id='project-b'), project_id='project-b')
        for backup_id in (NO_SUCH_ID, other.id):
            exc = self.assertRaises(exception.Invalid,
                                    self.api.source_backup, self.user,
                                    backup_id)
            self.assertEqual(400, exc.code)
            self.assertIn('No backup exists with ID %s' % backup_id,
                          exc.msg)
        self.assertEqual(other.id,
                         self.api.source_backup(self.admin, other.id).id)

    def test_backup_not_available_400(self):
        for status in ('creating', 'error', 'restoring', 'deleting'):
            db.share_backup_update(self.ctx, self.backup.id,
                                   {'status': status})
            exc = self.assertRaises(exception.InvalidShareBackup,
                                    self.api.source_backup, self.user,
                                    self.backup.id)
            self.assertEqual(400, exc.code)

    def test_no_backup_back_end_400(self):
        db.service_update(self.ctx, db.service_get_all(self.ctx)[0].id,
                          {'disabled': True})
        self.assertRaises(backup_api.BackupBackendUnavailable,
                          self.api.source_backup, self.user, self.backup.id)


class RestoreToNewShareTestCase(RestoreAnywhereTestCase):

    def setUp(self):
        super().setUp()
        self.new = api_fakes.share(self.ctx, status='creating', size=4,
                                   source_backup_id=self.backup.id,
                                   progress='0%', host=None)

    def test_claims_backup_for_the_new_share_and_casts(self):
        self.api.restore_to_new_share(self.user, self.backup, self.new)
        backup = self.backup_row()
        self.assertEqual(('restoring', self.new.id, '0'),
                         (backup.status, backup.restore_share_id,
                          backup.restore_progress))
        self.rpc.restore_backup.assert_called_once_with(
            self.user, self.backup.id, self.new.id)
        self.assertEqual('creating', self.status(self.new))

    def test_backup_taken_meanwhile_400(self):
        db.share_backup_update(self.ctx, self.backup.id,
                               {'status': 'deleting'})
        exc = self.assertRaises(exception.InvalidShareBackup,
                                self.api.restore_to_new_share, self.user,
                                self.backup, self.new)
        self.assertIn('deleting', exc.msg)
        self.rpc.restore_backup.assert_not_called()

    def test_cast_failure_gives_the_backup_back(self):
        self.rpc.restore_backup.side_effect = RuntimeError('broker down')
        self.assertRaises(RuntimeError, self.api.restore_to_new_share,
                          self.user, self.backup, self.new)
        backup = self.backup_row()
        self.assertEqual(('available', None),
                         (backup.status, backup.restore_share_id))
