"""Rules of manila_bk.backup.api on a real (SQLite) database.

The data service RPC API is a mock: these tests check what the API side
decides and writes before it casts.
"""

import contextlib
from unittest import mock

from manila_bk.backup import api as backup_api
from manila_bk.common import states
from manila_bk import coordination
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk import quota
from manila_bk.tests import base
from manila_bk.tests.unit.backup import fakes
from manila_bk.tests.unit.share import api_fakes

NO_SUCH_ID = '99999999-9999-4999-8999-999999999999'


class BackupAPITestCase(base.DBTestCase):

    def setUp(self):
        super().setUp()
        self.api = backup_api.API()
        self.rpc = mock.Mock()
        self.api.data_rpcapi = self.rpc
        self.user = self.user_context('project-a')
        self.admin = fakes.admin_context()

    def usage(self, project='project-a'):
        usages = quota.get_project_quotas(self.ctx, project, usages=True)
        return (usages['backups']['in_use'],
                usages['backup_gigabytes']['in_use'])

    def status(self, share):
        return db.share_get(self.ctx, share.id).status

    def backup_status(self, backup):
        return db.share_backup_get(self.ctx, backup.id).status

    def patch_lock(self, on_enter):
        """Run ``on_enter`` once the share lock is held (a racing peer)."""
        real = coordination.share_lock

        @contextlib.contextmanager
        def lock(share_id, timeout=None):
            with real(share_id, timeout):
                on_enter()
                yield

        patcher = mock.patch.object(coordination, 'share_lock',
                                    side_effect=lock)
        self.addCleanup(patcher.stop)
        return patcher.start()


class CreateTestCase(BackupAPITestCase):

    def setUp(self):
        super().setUp()
        fakes.data_service(self.ctx)

    def test_create_sets_statuses_counts_quota_and_casts(self):
        share = api_fakes.share(self.ctx, size=3)
        backup = self.api.create(self.user, share.id, name='b1',
                                 description='d1')
        self.assertEqual(
            ('creating', 3, 'b1', 'd1', share.id, 'project-a', 'user-a',
             'nova', 'manila-bk-data', '0', '0', 'full', None),
            (backup.status, backup.size, backup.display_name,
             backup.display_description, backup.share_id,
             backup.project_id, backup.user_id, backup.availability_zone,
             backup.topic, backup.progress, backup.restore_progress,
             backup.backup_type, backup.host))
        self.assertEqual('backup_creating', self.status(share))
        self.assertEqual((1, 3), self.usage())
        self.rpc.create_backup.assert_called_once_with(self.user, backup.id)

    def test_create_holds_the_share_lock_for_the_cas(self):
        share = api_fakes.share(self.ctx)
        seen = []
        lock = self.patch_lock(lambda: seen.append(self.status(share)))
        self.api.create(self.user, share.id)
        lock.assert_called_once_with(share.id)
        self.assertEqual(['available'], seen)

    def test_create_incremental_option_is_stored(self):
        share = api_fakes.share(self.ctx)
        backup = self.api.create(self.user, share.id, backup_options={
            'backup_type': 'Incremental', 'other': 'ignored'})
        self.assertEqual('incremental', backup.backup_type)

    def test_create_bad_backup_options_400_nothing_changed(self):
        share = api_fakes.share(self.ctx)
        for options in ({'backup_type': 'differential'}, ['full'],
                        {'backup_type': 3}):
            exc = self.assertRaises(exception.InvalidInput, self.api.create,
                                    self.user, share.id,
                                    backup_options=options)
            self.assertEqual(400, exc.code)
        self.assertEqual('available', self.status(share))
        self.assertEqual((0, 0), self.usage())
        self.assertEqual([], db.share_backup_get_all(self.ctx))

    def test_create_unknown_or_invisible_share_404(self):
        self.assertRaises(exception.ShareNotFound, self.api.create,
                          self.user, NO_SUCH_ID)
        other = api_fakes.share(self.ctx, project_id='project-b')
        exc = self.assertRaises(exception.ShareNotFound, self.api.create,
                                self.user, other.id)
        self.assertEqual(404, exc.code)

    def test_create_public_share_of_other_project_403(self):
        other = api_fakes.share(self.ctx, project_id='project-b',
                                is_public=True)
        exc = self.assertRaises(backup_api.BackupShareForbidden,
                                self.api.create, self.user, other.id)
        self.assertEqual(403, exc.code)
        self.assertEqual('available', self.status(other))

    def test_create_by_admin_belongs_to_and_charges_share_project(self):
        share = api_fakes.share(self.ctx, project_id='project-b', size=2)
        backup = self.api.create(self.admin, share.id)
        self.assertEqual(('project-b', 'admin'),
                         (backup.project_id, backup.user_id))
        self.assertEqual((1, 2), self.usage('project-b'))
        self.assertEqual((0, 0), self.usage('admin-project'))

    def test_create_soft_deleted_share_403(self):
        share = api_fakes.share(self.ctx, is_soft_deleted=True)
        exc = self.assertRaises(backup_api.BackupShareForbidden,
                                self.api.create, self.user, share.id)
        self.assertIn('soft deleted', exc.msg)

    def test_create_share_with_task_409(self):
        share = api_fakes.share(self.ctx, task_state='migration_starting')
        exc = self.assertRaises(backup_api.ShareBusyWithTask,
                                self.api.create, self.user, share.id)
        self.assertEqual(409, exc.code)

    def test_create_share_not_available_400(self):
        statuses = states.SHARE_BUSY + (
            states.STATUS_ERROR, states.STATUS_BACKUP_RESTORING_ERROR,
            states.STATUS_REVERTING_ERROR)
        for status in statuses:
            share = api_fakes.share(self.ctx, status=status)
            exc = self.assertRaises(exception.InvalidShare, self.api.create,
                                    self.user, share.id)
            self.assertEqual(400, exc.code)
            self.assertIn(status, exc.msg)
            self.assertEqual(status, self.status(share))
        self.assertEqual((0, 0), self.usage())
        self.rpc.create_backup.assert_not_called()

    def test_create_share_with_snapshots_400(self):
        share = api_fakes.share(self.ctx)
        api_fakes.snapshot(self.ctx, share)
        exc = self.assertRaises(exception.InvalidShare, self.api.create,
                                self.user, share.id)
        self.assertIn('snapshots', exc.msg)
        self.assertEqual((0, 0), self.usage())

    def test_create_snapshot_taken_before_lock_400_and_undone(self):
        share = api_fakes.share(self.ctx)
        self.patch_lock(lambda: api_fakes.snapshot(self.ctx, share))
        self.assertRaises(exception.InvalidShare, self.api.create,
                          self.user, share.id)
        self.assertEqual('available', self.status(share))
        self.assertEqual((0, 0), self.usage())
        self.assertEqual([], db.share_backup_get_all(self.ctx))

    def test_create_share_changed_before_cas_409_and_undone(self):
        share = api_fakes.share(self.ctx)
        self.patch_lock(lambda: db.share_update(
            self.ctx, share.id, {'status': 'extending'}))
        exc = self.assertRaises(exception.ShareBusy, self.api.create,
                                self.user, share.id)
        self.assertEqual(409, exc.code)
        self.assertEqual('extending', self.status(share))
        self.assertEqual((0, 0), self.usage())
        self.assertEqual([], db.share_backup_get_all(self.ctx))
        self.rpc.create_backup.assert_not_called()

    def test_create_cast_failure_undoes_everything(self):
        share = api_fakes.share(self.ctx)
        self.rpc.create_backup.side_effect = RuntimeError('broker down')
        self.assertRaises(RuntimeError, self.api.create, self.user,
                          share.id)
        self.assertEqual('available', self.status(share))
        self.assertEqual((0, 0), self.usage())
        self.assertEqual([], db.share_backup_get_all(self.ctx))
        self.assertEqual(0, db.share_backup_count(self.ctx, share.id))

    def test_create_over_backups_quota_413(self):
        share = api_fakes.share(self.ctx)
        quota.update_project_quotas(self.ctx, 'project-a', {'backups': 0})
        exc = self.assertRaises(backup_api.BackupLimitExceeded,
                                self.api.create, self.user, share.id)
        self.assertEqual(413, exc.code)
        self.assertEqual('overLimit', exc.fault_name)
        self.assertIn('(0)', exc.msg)
        self.assertEqual('available', self.status(share))
        self.assertEqual([], db.share_backup_get_all(self.ctx))

    def test_create_over_backup_gigabytes_quota_413(self):
        share = api_fakes.share(self.ctx, size=5)
        quota.update_project_quotas(self.ctx, 'project-a',
                                    {'backup_gigabytes': 4})
        exc = self.assertRaises(
            backup_api.ShareBackupSizeExceedsAvailableQuota,
            self.api.create, self.user, share.id)
        self.assertEqual(413, exc.code)
        self.assertIn('Requested 5G, quota is 4G and 0G', exc.msg)
        self.assertEqual((0, 0), self.usage())

    def test_create_lock_timeout_409_releases_quota(self):
        share = api_fakes.share(self.ctx)
        with mock.patch.object(coordination, 'share_lock',
                               side_effect=exception.LockTimeout(
                                   share_id=share.id)):
            exc = self.assertRaises(exception.LockTimeout, self.api.create,
                                    self.user, share.id)
        self.assertEqual(409, exc.code)
        self.assertEqual((0, 0), self.usage())


class BackendCheckTestCase(BackupAPITestCase):

    def assertNoBackend(self):
        share = api_fakes.share(self.ctx)
        exc = self.assertRaises(backup_api.BackupBackendUnavailable,
                                self.api.create, self.user, share.id)
        self.assertEqual(400, exc.code)
        self.assertIn('no backup back end is enabled', exc.msg)
        self.assertEqual((0, 0), self.usage())
        self.assertEqual('available', self.status(share))

    def test_no_data_service_400(self):
        self.assertNoBackend()

    def test_data_service_down_400(self):
        self.flags(service_down_time=60)
        fakes.data_service(self.ctx, age=120)
        self.assertNoBackend()

    def test_data_service_disabled_400(self):
        fakes.data_service(self.ctx, disabled=True)
        self.assertNoBackend()

    def test_data_service_without_backup_backend_400(self):
        fakes.data_service(self.ctx, capabilities={})
        fakes.data_service(self.ctx, host='data2', capabilities='not json')
        self.assertNoBackend()

    def test_share_service_is_not_a_backup_backend(self):
        api_fakes.service(self.ctx, pools=fakes.BACKEND_CAPS)
        self.assertNoBackend()

    def test_one_good_data_service_is_enough(self):
        fakes.data_service(self.ctx, capabilities={})
        fakes.data_service(self.ctx, host='data2')
        self.assertEqual('data2',
                         backup_api.backup_backend_service(self.user).host)


class RestoreTestCase(BackupAPITestCase):

    def setUp(self):
        super().setUp()
        self.share = api_fakes.share(self.ctx, size=2)
        self.backup = fakes.backup(self.ctx, self.share)

    def test_restore_to_source_share(self):
        result = self.api.restore(self.user, self.backup.id)
        self.assertEqual({'backup_id': self.backup.id,
                          'share_id': self.share.id}, result)
        share = db.share_get(self.ctx, self.share.id)
        self.assertEqual(('backup_restoring', self.backup.id),
                         (share.status, share.source_backup_id))
        backup = db.share_backup_get(self.ctx, self.backup.id)
        self.assertEqual(('restoring', self.share.id, '0'),
                         (backup.status, backup.restore_share_id,
                          backup.restore_progress))
        self.rpc.restore_backup.assert_called_once_with(
            self.user, self.backup.id, self.share.id)

    def test_restore_to_another_share(self):
        target = api_fakes.share(self.ctx, size=5)
        result = self.api.restore(self.user, self.backup.id, target.id)
        self.assertEqual(target.id, result['share_id'])
        self.assertEqual('backup_restoring', self.status(target))
        self.assertEqual('available', self.status(self.share))
        self.rpc.restore_backup.assert_called_once_with(
            self.user, self.backup.id, target.id)

    def test_restore_holds_the_target_share_lock(self):
        target = api_fakes.share(self.ctx, size=2)
        lock = self.patch_lock(lambda: None)
        self.api.restore(self.user, self.backup.id, target.id)
        lock.assert_called_once_with(target.id)

    def test_restore_backup_not_available_400(self):
        for status in ('creating', 'deleting', 'error', 'error_deleting',
                       'restoring'):
            db.share_backup_update(self.ctx, self.backup.id,
                                   {'status': status})
            exc = self.assertRaises(exception.InvalidShareBackup,
                                    self.api.restore, self.user,
                                    self.backup.id)
            self.assertEqual(400, exc.code)
            self.assertEqual(status, self.backup_status(self.backup))
        self.assertEqual('available', self.status(self.share))
        self.rpc.restore_backup.assert_not_called()

    def test_restore_unknown_backup_404(self):
        self.assertRaises(exception.ShareBackupNotFound, self.api.restore,
                          self.user, NO_SUCH_ID)
        other = fakes.backup(self.ctx, self.share, project_id='project-b')
        self.assertRaises(exception.ShareBackupNotFound, self.api.restore,
                          self.user, other.id)

    def test_restore_unknown_target_404(self):
        exc = self.assertRaises(exception.ShareNotFound, self.api.restore,
                                self.user, self.backup.id, NO_SUCH_ID)
        self.assertEqual(404, exc.code)
        hidden = api_fakes.share(self.ctx, project_id='project-b', size=9)
        self.assertRaises(exception.ShareNotFound, self.api.restore,
                          self.user, self.backup.id, hidden.id)
        self.assertEqual('available', self.backup_status(self.backup))

    def test_restore_public_target_of_other_project_403(self):
        target = api_fakes.share(self.ctx, project_id='project-b',
                                 is_public=True, size=9)
        exc = self.assertRaises(backup_api.BackupShareForbidden,
                                self.api.restore, self.user, self.backup.id,
                                target.id)
        self.assertEqual(403, exc.code)
        self.assertEqual('available', self.status(target))

    def test_restore_by_admin_into_other_project_share(self):
        target = api_fakes.share(self.ctx, project_id='project-b', size=2)
        self.api.restore(self.admin, self.backup.id, target.id)
        self.assertEqual('backup_restoring', self.status(target))

    def test_restore_target_soft_deleted_403(self):
        target = api_fakes.share(self.ctx, is_soft_deleted=True, size=2)
        self.assertRaises(backup_api.BackupShareForbidden, self.api.restore,
                          self.user, self.backup.id, target.id)

    def test_restore_target_with_task_409(self):
        target = api_fakes.share(self.ctx, task_state='migrating', size=2)
        self.assertRaises(backup_api.ShareBusyWithTask, self.api.restore,
                          self.user, self.backup.id, target.id)

    def test_restore_target_not_available_400(self):
        for status in states.SHARE_BUSY + (
                states.STATUS_ERROR, states.STATUS_BACKUP_RESTORING_ERROR):
            target = api_fakes.share(self.ctx, status=status, size=2)
            exc = self.assertRaises(exception.InvalidShare,
                                    self.api.restore, self.user,
                                    self.backup.id, target.id)
            self.assertIn(status, exc.msg)
            self.assertEqual(status, self.status(target))
        self.assertEqual('available', self.backup_status(self.backup))

    def test_restore_target_smaller_than_backup_is_accepted(self):
        # The data service extends it first (test_api_restore_anywhere).
        target = api_fakes.share(self.ctx, size=1)
        self.api.restore(self.user, self.backup.id, target.id)
        self.assertEqual('backup_restoring', self.status(target))
        self.rpc.restore_backup.assert_called_once_with(
            self.user, self.backup.id, target.id)

    def test_restore_source_grown_since_backup_is_allowed(self):
        db.share_update(self.ctx, self.share.id, {'size': 4})
        self.api.restore(self.user, self.backup.id)
        self.assertEqual('backup_restoring', self.status(self.share))

    def test_restore_share_changed_before_cas_409_backup_kept(self):
        self.patch_lock(lambda: db.share_update(
            self.ctx, self.share.id, {'status': 'extending'}))
        exc = self.assertRaises(exception.ShareBusy, self.api.restore,
                                self.user, self.backup.id)
        self.assertEqual(409, exc.code)
        self.assertEqual('available', self.backup_status(self.backup))
        self.rpc.restore_backup.assert_not_called()

    def test_restore_backup_changed_before_cas_400(self):
        self.patch_lock(lambda: db.share_backup_update(
            self.ctx, self.backup.id, {'status': 'deleting'}))
        self.assertRaises(exception.InvalidShareBackup, self.api.restore,
                          self.user, self.backup.id)
        self.assertEqual('available', self.status(self.share))

    def test_restore_cast_failure_undoes_both(self):
        old = fakes.backup(self.ctx, self.share)
        db.share_update(self.ctx, self.share.id,
                        {'source_backup_id': old.id})
        self.rpc.restore_backup.side_effect = RuntimeError('broker down')
        self.assertRaises(RuntimeError, self.api.restore, self.user,
                          self.backup.id)
        share = db.share_get(self.ctx, self.share.id)
        self.assertEqual(('available', old.id),
                         (share.status, share.source_backup_id))
        backup = db.share_backup_get(self.ctx, self.backup.id)
        self.assertEqual(('available', None),
                         (backup.status, backup.restore_share_id))


class DeleteTestCase(BackupAPITestCase):

    def setUp(self):
        super().setUp()
        self.share = api_fakes.share(self.ctx)

    def test_delete_available_or_error_moves_to_deleting_and_casts(self):
        for status, host in (('available', 'data1'), ('error', None)):
            backup = fakes.backup(self.ctx, self.share, status=status,
                                  host=host)
            self.api.delete(self.user, backup.id)
            self.assertEqual('deleting', self.backup_status(backup))
            self.rpc.delete_backup.assert_called_with(self.user, backup.id,
                                                      host=host)
        self.assertEqual(2, self.rpc.delete_backup.call_count)

    def test_delete_other_statuses_400(self):
        for status in ('creating', 'deleting', 'restoring',
                       'error_deleting'):
            backup = fakes.backup(self.ctx, self.share, status=status)
            exc = self.assertRaises(exception.InvalidShareBackup,
                                    self.api.delete, self.user, backup.id)
            self.assertEqual(400, exc.code)
            self.assertEqual(status, self.backup_status(backup))
        self.rpc.delete_backup.assert_not_called()

    def test_delete_status_changed_before_cas_400(self):
        backup = fakes.backup(self.ctx, self.share)
        real_get = self.api.get
        calls = []

        def get(ctx, backup_id):
            row = real_get(ctx, backup_id)
            if not calls:
                db.share_backup_update(self.ctx, backup_id,
                                       {'status': 'restoring'})
            calls.append(backup_id)
            return row

        with mock.patch.object(self.api, 'get', side_effect=get):
            exc = self.assertRaises(exception.InvalidShareBackup,
                                    self.api.delete, self.user, backup.id)
        self.assertIn('restoring', exc.msg)
        self.assertEqual('restoring', self.backup_status(backup))
        self.rpc.delete_backup.assert_not_called()

    def test_delete_cast_failure_restores_status(self):
        backup = fakes.backup(self.ctx, self.share, status='error')
        self.rpc.delete_backup.side_effect = RuntimeError('broker down')
        self.assertRaises(RuntimeError, self.api.delete, self.user,
                          backup.id)
        self.assertEqual('error', self.backup_status(backup))

    def test_delete_other_project_404(self):
        backup = fakes.backup(self.ctx, self.share, project_id='project-b')
        self.assertRaises(exception.ShareBackupNotFound, self.api.delete,
                          self.user, backup.id)
        self.api.delete(self.admin, backup.id)
        self.assertEqual('deleting', self.backup_status(backup))


class UpdateResetTestCase(BackupAPITestCase):

    def setUp(self):
        super().setUp()
        self.share = api_fakes.share(self.ctx)
        self.backup = fakes.backup(self.ctx, self.share, status='creating',
                                   display_name='old')

    def test_update_name_and_description_only(self):
        backup = self.api.update(self.user, self.backup.id, {
            'display_name': 'new', 'display_description': None,
            'status': 'available', 'size': 99})
        self.assertEqual(('new', None, 'creating', 1),
                         (backup.display_name, backup.display_description,
                          backup.status, backup.size))

    def test_update_nothing_returns_backup(self):
        backup = self.api.update(self.user, self.backup.id, {'x': 1})
        self.assertEqual('old', backup.display_name)

    def test_update_other_project_404(self):
        other = fakes.backup(self.ctx, self.share, project_id='project-b')
        self.assertRaises(exception.ShareBackupNotFound, self.api.update,
                          self.user, other.id, {'display_name': 'x'})

    def test_reset_status_every_allowed_status(self):
        for status in backup_api.RESET_STATUSES:
            backup = self.api.reset_status(self.admin, self.backup.id,
                                           status)
            self.assertEqual(status, backup.status)

    def test_reset_status_invalid_400(self):
        for status in ('deleted', 'bogus', ''):
            exc = self.assertRaises(exception.InvalidInput,
                                    self.api.reset_status, self.admin,
                                    self.backup.id, status)
            self.assertEqual(400, exc.code)
        self.assertEqual('creating', self.backup_status(self.backup))


class GetAllTestCase(BackupAPITestCase):

    def setUp(self):
        super().setUp()
        self.share_a = api_fakes.share(self.ctx)
        self.share_b = api_fakes.share(self.ctx, project_id='project-b')
        self.mine = fakes.backup(self.ctx, self.share_a, display_name='one',
                                 display_description='first', host='h1')
        self.mine2 = fakes.backup(self.ctx, self.share_a, status='error',
                                  display_name='two', host='h2')
        self.theirs = fakes.backup(self.ctx, self.share_b,
                                   display_name='three')
        self.admins = fakes.backup(self.ctx, self.share_a,
                                   project_id='admin-project',
                                   display_name='four')

    def names(self, ctx, **kw):
        return sorted(b.display_name for b in self.api.get_all(ctx, **kw))

    def test_member_sees_own_project_even_asking_for_all(self):
        self.assertEqual(['one', 'two'], self.names(self.user))
        self.assertEqual(['one', 'two'], self.names(
            self.user, search_opts={'all_tenants': True,
                                    'project_id': 'project-b'}))

    def test_admin_scope(self):
        self.assertEqual(['four'], self.names(self.admin))
        self.assertEqual(['four', 'one', 'three', 'two'], self.names(
            self.admin, search_opts={'all_tenants': '1'}))
        self.assertEqual(['three'], self.names(
            self.admin, search_opts={'project_id': 'project-b'}))

    def test_filters_are_renamed(self):
        def names(**opts):
            return self.names(self.user, search_opts=opts)
        self.assertEqual(['one'], names(name='one'))
        self.assertEqual(['one', 'two'], names(**{'name~': 'o'}))
        self.assertEqual(['one'], names(description='first'))
        self.assertEqual(['one'], names(**{'description~': 'irs'}))
        self.assertEqual(['two'], names(status='error'))
        self.assertEqual(['one', 'two'], names(share_id=self.share_a.id))
        self.assertEqual([], names(backup_type='incremental'))

    def test_host_filter_for_admins_only(self):
        self.assertEqual(['one', 'two'], self.names(
            self.user, search_opts={'host': 'h1'}))
        self.assertEqual(['one'], self.names(
            self.admin, search_opts={'host': 'h1', 'all_tenants': True}))

    def test_unknown_share_filter_400(self):
        exc = self.assertRaises(exception.Invalid, self.api.get_all,
                                self.user,
                                search_opts={'share_id': self.share_b.id})
        self.assertEqual(400, exc.code)
        self.assertIn('No share exists', exc.msg)

    def test_sort_and_paging(self):
        backups = self.api.get_all(self.user, sort_key='name',
                                   sort_dir='asc')
        self.assertEqual(['one', 'two'], [b.display_name for b in backups])
        backups = self.api.get_all(self.user, sort_key='name',
                                   sort_dir='desc', limit=1)
        self.assertEqual(['two'], [b.display_name for b in backups])
        backups = self.api.get_all(self.user, sort_key='name',
                                   sort_dir='desc', marker=backups[0].id)
        self.assertEqual(['one'], [b.display_name for b in backups])
        self.assertRaises(exception.InvalidSortKey, self.api.get_all,
                          self.user, sort_key='bogus')

    def test_get_is_project_scoped(self):
        self.assertEqual(self.mine.id,
                         self.api.get(self.user, self.mine.id).id)
        self.assertRaises(exception.ShareBackupNotFound, self.api.get,
                          self.user, self.theirs.id)
        self.assertEqual(self.theirs.id,
                         self.api.get(self.admin, self.theirs.id).id)
