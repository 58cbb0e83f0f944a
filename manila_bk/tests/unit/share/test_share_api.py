"""Share lifecycle rules of manila_bk.share.api (create, list, delete...)."""

from unittest import mock

from manila_bk.common import states
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.message import api as message_api
from manila_bk import quota
from manila_bk.share import _errors
from manila_bk.share import api as share_api
from manila_bk.tests import base
from manila_bk.tests.unit.share import api_fakes as fakes


class ShareAPITestCase(base.DBTestCase):

    def setUp(self):
        super().setUp()
        self.api = share_api.API()
        self.rpc = mock.Mock()
        self.api.share_rpcapi = self.rpc
        self.user = self.user_context('project-a')

    def usage(self, project='project-a'):
        return {r: v['in_use'] for r, v in quota.get_project_quotas(
            self.ctx, project, usages=True).items()}


class CreateTestCase(ShareAPITestCase):

    def test_create_default_type_places_and_casts(self):
        fakes.service(self.ctx)
        fakes.share_type(self.ctx)
        share = self.api.create(self.user, 'nfs', 2, name='s1')
        self.assertEqual('creating', share.status)
        self.assertEqual('node1@local#pool1', share.host)
        self.assertEqual('nova', share.availability_zone)
        self.assertEqual('NFS', share.share_proto)
        self.assertEqual(('project-a', 'user-a'),
                         (share.project_id, share.user_id))
        self.assertTrue(share.revert_to_snapshot_support)
        self.assertFalse(share.mount_snapshot_support)
        self.rpc.create_share.assert_called_once_with(
            self.user, share.id, 'node1@local#pool1')
        usage = self.usage()
        self.assertEqual((1, 2), (usage['shares'], usage['gigabytes']))

    def test_create_type_without_capabilities_copies_false(self):
        fakes.service(self.ctx)
        share_type = fakes.share_type(self.ctx, name='plain',
                                      snapshot_support='False')
        share = self.api.create(self.user, 'NFS', 1,
                                share_type_id=share_type.id)
        self.assertFalse(share.snapshot_support)
        self.assertFalse(share.revert_to_snapshot_support)

    def test_create_no_default_type_400(self):
        exc = self.assertRaises(_errors.DefaultShareTypeNotConfigured,
                                self.api.create, self.user, 'NFS', 1)
        self.assertEqual(400, exc.code)
        self.assertEqual(0, self.usage()['shares'])

    def test_create_unknown_protocol_400(self):
        fakes.share_type(self.ctx)
        exc = self.assertRaises(exception.InvalidInput, self.api.create,
                                self.user, 'SMB3', 1)
        self.assertIn('Invalid share protocol provided: SMB3', exc.msg)

    def test_create_bad_sizes_400(self):
        fakes.share_type(self.ctx)
        for size in (0, -1, '1.5', 'x', None, True):
            self.assertRaises(exception.InvalidInput, self.api.create,
                              self.user, 'NFS', size)

    def test_create_over_gigabytes_quota_413_and_nothing_created(self):
        fakes.service(self.ctx)
        fakes.share_type(self.ctx)
        self.flags(gigabytes=5, group='quota')
        exc = self.assertRaises(_errors.ShareSizeExceedsAvailableQuota,
                                self.api.create, self.user, 'NFS', 6)
        self.assertEqual(413, exc.code)
        self.assertEqual([], db.share_get_all(self.ctx))

    def test_create_over_share_count_quota_413(self):
        fakes.service(self.ctx)
        fakes.share_type(self.ctx)
        self.flags(shares=1, group='quota')
        self.api.create(self.user, 'NFS', 1)
        exc = self.assertRaises(_errors.ShareLimitExceeded,
                                self.api.create, self.user, 'NFS', 1)
        self.assertIn('(1)', exc.msg)

    def test_create_over_per_share_gigabytes_413(self):
        fakes.share_type(self.ctx)
        self.flags(per_share_gigabytes=3, group='quota')
        exc = self.assertRaises(exception.ShareSizeExceedsLimit,
                                self.api.create, self.user, 'NFS', 4)
        self.assertEqual(413, exc.code)

    def test_create_no_service_sets_error_with_message(self):
        fakes.share_type(self.ctx)
        share = self.api.create(self.user, 'NFS', 1)
        self.assertEqual('error', share.status)
        self.assertIsNone(share.host)
        self.rpc.create_share.assert_not_called()
        messages = message_api.API().get_all(self.user)
        self.assertEqual(1, len(messages))
        self.assertEqual(('SHARE', share.id, '002', '028'),
                         (messages[0].resource_type, messages[0].resource_id,
                          messages[0].action_id, messages[0].detail_id))
        # As in Manila the share keeps its quota until it is deleted.
        self.assertEqual(1, self.usage()['shares'])

    def test_create_no_pool_with_capability_message_names_filter(self):
        fakes.service(self.ctx, pools=[fakes.pool(
            revert_to_snapshot_support=False)])
        fakes.share_type(self.ctx)
        share = self.api.create(self.user, 'NFS', 1)
        self.assertEqual('error', share.status)
        message = message_api.API().get_all(self.user)[0]
        self.assertEqual('008', message.detail_id)
        self.assertIn('Capabilities', message.user_message)

    def test_create_from_snapshot_uses_parent_host(self):
        share_type = fakes.share_type(self.ctx)
        parent = fakes.share(self.ctx, share_type_id=share_type.id,
                             host='other@be#p', size=2)
        snap = fakes.snapshot(self.ctx, parent)
        share = self.api.create(self.user, 'NFS', None, snapshot_id=snap.id)
        self.assertEqual(('other@be#p', 2, snap.id, share_type.id),
                         (share.host, share.size, share.snapshot_id,
                          share.share_type_id))
        self.rpc.create_share.assert_called_once_with(self.user, share.id,
                                                      'other@be#p')

    def test_create_from_unavailable_snapshot_400(self):
        share_type = fakes.share_type(self.ctx)
        parent = fakes.share(self.ctx, share_type_id=share_type.id)
        snap = fakes.snapshot(self.ctx, parent, status='creating')
        self.assertRaises(exception.InvalidShareSnapshot, self.api.create,
                          self.user, 'NFS', 1, snapshot_id=snap.id)

    def test_create_from_snapshot_smaller_than_snapshot_400(self):
        share_type = fakes.share_type(self.ctx)
        parent = fakes.share(self.ctx, share_type_id=share_type.id, size=3)
        snap = fakes.snapshot(self.ctx, parent)
        self.assertRaises(exception.InvalidInput, self.api.create,
                          self.user, 'NFS', 2, snapshot_id=snap.id)

    def test_create_from_snapshot_without_support_400(self):
        share_type = fakes.share_type(self.ctx)
        parent = fakes.share(self.ctx, share_type_id=share_type.id,
                             create_share_from_snapshot_support=False)
        snap = fakes.snapshot(self.ctx, parent)
        self.assertRaises(exception.InvalidInput, self.api.create,
                          self.user, 'NFS', 1, snapshot_id=snap.id)


class ReadTestCase(ShareAPITestCase):

    def test_get_other_project_404_but_public_visible(self):
        private = fakes.share(self.ctx, project_id='project-b')
        public = fakes.share(self.ctx, project_id='project-b',
                             is_public=True)
        self.assertRaises(exception.ShareNotFound, self.api.get, self.user,
                          private.id)
        self.assertEqual(public.id, self.api.get(self.user, public.id).id)

    def test_get_all_user_sees_own_not_soft_deleted(self):
        mine = fakes.share(self.ctx)
        fakes.share(self.ctx, is_soft_deleted=True)
        fakes.share(self.ctx, project_id='project-b')
        self.assertEqual([mine.id],
                         [s.id for s in self.api.get_all(self.user)])

    def test_get_all_is_soft_deleted_lists_recycle_bin(self):
        fakes.share(self.ctx)
        binned = fakes.share(self.ctx, is_soft_deleted=True)
        found = self.api.get_all(self.user, {'is_soft_deleted': 'True'})
        self.assertEqual([binned.id], [s.id for s in found])

    def test_get_all_is_public_adds_public_shares(self):
        mine = fakes.share(self.ctx)
        public = fakes.share(self.ctx, project_id='project-b',
                             is_public=True)
        found = self.api.get_all(self.user, {'is_public': 'true'})
        self.assertEqual({mine.id, public.id}, {s.id for s in found})

    def test_get_all_admin_own_project_unless_all_tenants(self):
        admin = self.user_context('admin-project', roles=('admin',))
        admin.is_admin = True
        fakes.share(self.ctx)
        own = fakes.share(self.ctx, project_id='admin-project')
        self.assertEqual([own.id], [s.id for s in self.api.get_all(admin)])
        self.assertEqual(2, len(self.api.get_all(admin,
                                                 {'all_tenants': '1'})))
        found = self.api.get_all(admin, {'project_id': 'project-a'})
        self.assertEqual(['project-a'], [s.project_id for s in found])

    def test_get_all_name_filters_and_sort(self):
        fakes.share(self.ctx, display_name='beta')
        fakes.share(self.ctx, display_name='alpha')
        fakes.share(self.ctx, display_name='gamma')
        found = self.api.get_all(self.user, {'name~': 'a'}, sort_key='name',
                                 sort_dir='asc')
        self.assertEqual(['alpha', 'beta', 'gamma'],
                         [s.display_name for s in found])
        found = self.api.get_all(self.user, {'name': 'beta'})
        self.assertEqual(['beta'], [s.display_name for s in found])

    def test_get_all_unknown_sort_key_400(self):
        self.assertRaises(exception.InvalidSortKey, self.api.get_all,
                          self.user, sort_key='nonsense')

    def test_update_changes_allowed_fields_only(self):
        share = fakes.share(self.ctx)
        updated = self.api.update(self.user, share.id,
                                  {'display_name': 'n', 'size': 99,
                                   'is_public': 'true'})
        self.assertEqual(('n', 1, True), (updated.display_name, updated.size,
                                          updated.is_public))


class DeleteTestCase(ShareAPITestCase):

    def test_delete_available_moves_to_deleting_and_casts(self):
        share = fakes.share(self.ctx)
        self.api.delete(self.user, share.id)
        self.assertEqual('deleting', db.share_get(self.ctx, share.id).status)
        self.rpc.delete_share.assert_called_once_with(
            self.user, share.id, share.host, force=False)

    def test_delete_error_statuses_allowed(self):
        for status in ('error', 'extending_error', 'reverting_error',
                       'backup_restoring_error'):
            share = fakes.share(self.ctx, status=status)
            self.api.delete(self.user, share.id)
            self.assertEqual('deleting',
                             db.share_get(self.ctx, share.id).status)

    def test_delete_busy_share_403(self):
        for status in states.SHARE_BUSY:
            share = fakes.share(self.ctx, status=status)
            exc = self.assertRaises(_errors.ShareForbidden, self.api.delete,
                                    self.user, share.id)
            self.assertEqual(403, exc.code)
            self.assertEqual(status, db.share_get(self.ctx, share.id).status)
        self.rpc.delete_share.assert_not_called()

    def test_delete_with_snapshots_403(self):
        share = fakes.share(self.ctx)
        fakes.snapshot(self.ctx, share)
        exc = self.assertRaises(_errors.ShareForbidden, self.api.delete,
                                self.user, share.id, force=True)
        self.assertIn('1 dependent snapshots', exc.msg)
        self.assertEqual('available', db.share_get(self.ctx, share.id).status)

    def test_delete_with_backups_403(self):
        share = fakes.share(self.ctx)
        with mock.patch.object(db, 'share_backup_count', create=True,
                               return_value=2):
            exc = self.assertRaises(_errors.ShareForbidden, self.api.delete,
                                    self.user, share.id)
        self.assertIn('2 dependent backups', exc.msg)

    def test_delete_soft_deleted_403(self):
        share = fakes.share(self.ctx, is_soft_deleted=True)
        self.assertRaises(_errors.ShareForbidden, self.api.delete,
                          self.user, share.id)

    def test_delete_without_host_deletes_row_and_releases_quota(self):
        db.quota_usage_change(self.ctx, 'project-a',
                              {'shares': 1, 'gigabytes': 3}, {})
        share = fakes.share(self.ctx, status='error', host=None, size=3)
        self.api.delete(self.user, share.id)
        self.assertRaises(exception.ShareNotFound, db.share_get, self.ctx,
                          share.id)
        self.assertEqual((0, 0), (self.usage()['shares'],
                                  self.usage()['gigabytes']))
        self.rpc.delete_share.assert_not_called()

    def test_force_delete_any_status(self):
        share = fakes.share(self.ctx, status='extending')
        self.api.delete(self.ctx, share.id, force=True)
        self.rpc.delete_share.assert_called_once_with(
            self.ctx, share.id, share.host, force=True)

    def test_delete_other_project_404(self):
        share = fakes.share(self.ctx, project_id='project-b')
        self.assertRaises(exception.ShareNotFound, self.api.delete,
                          self.user, share.id)

    def test_soft_delete_and_restore(self):
        share = fakes.share(self.ctx)
        self.api.soft_delete(self.user, share.id)
        row = db.share_get(self.ctx, share.id)
        self.assertTrue(row.is_soft_deleted)
        self.assertGreater((row.scheduled_to_be_deleted_at
                            - row.created_at).days, 6)
        self.assertRaises(_errors.ShareForbidden, self.api.soft_delete,
                          self.user, share.id)
        restored = self.api.restore(self.user, share.id)
        self.assertFalse(restored.is_soft_deleted)
        self.assertIsNone(restored.scheduled_to_be_deleted_at)

    def test_soft_delete_busy_or_with_snapshots_403(self):
        busy = fakes.share(self.ctx, status='extending')
        self.assertRaises(_errors.ShareForbidden, self.api.soft_delete,
                          self.user, busy.id)
        share = fakes.share(self.ctx)
        fakes.snapshot(self.ctx, share)
        self.assertRaises(_errors.ShareForbidden, self.api.soft_delete,
                          self.user, share.id)


class ResizeTestCase(ShareAPITestCase):

    def test_extend_consumes_quota_and_casts(self):
        share = fakes.share(self.ctx, size=2)
        self.api.extend(self.user, share.id, 5)
        self.assertEqual('extending', db.share_get(self.ctx, share.id).status)
        self.assertEqual(3, self.usage()['gigabytes'])
        self.rpc.extend_share.assert_called_once_with(
            self.user, share.id, share.host, 5)

    def test_extend_not_larger_400(self):
        share = fakes.share(self.ctx, size=2)
        for size in (2, 1, 'x'):
            self.assertRaises(exception.InvalidInput, self.api.extend,
                              self.user, share.id, size)

    def test_extend_not_available_400(self):
        share = fakes.share(self.ctx, status='error')
        exc = self.assertRaises(exception.InvalidShare, self.api.extend,
                                self.user, share.id, 3)
        self.assertEqual(400, exc.code)

    def test_extend_over_quota_403_status_unchanged(self):
        self.flags(gigabytes=3, group='quota')
        share = fakes.share(self.ctx, size=1)
        exc = self.assertRaises(_errors.ShareGigabytesQuotaForbidden,
                                self.api.extend, self.user, share.id, 5)
        self.assertEqual(403, exc.code)
        self.assertEqual('available', db.share_get(self.ctx, share.id).status)
        self.assertEqual(0, self.usage()['gigabytes'])

    def test_extend_failed_cast_restores_status_and_quota(self):
        share = fakes.share(self.ctx, size=1)
        self.rpc.extend_share.side_effect = RuntimeError('broker down')
        self.assertRaises(RuntimeError, self.api.extend, self.user,
                          share.id, 4)
        self.assertEqual('available', db.share_get(self.ctx, share.id).status)
        self.assertEqual(0, self.usage()['gigabytes'])

    def test_extend_size_changed_after_read_refused_quota_released(self):
        # A revert finishing between the read and the CAS changes the size
        # the quota delta was computed from: the CAS must refuse.
        share = fakes.share(self.ctx, size=2)
        real_get = self.api.get

        def get_then_shrink(context, share_id):
            row = real_get(context, share_id)
            db.share_update(self.ctx, share_id, {'size': 1})
            return row

        with mock.patch.object(self.api, 'get', side_effect=get_then_shrink):
            self.assertRaises(exception.ShareBusy, self.api.extend,
                              self.user, share.id, 5)
        self.assertEqual('available', db.share_get(self.ctx, share.id).status)
        self.assertEqual(0, self.usage()['gigabytes'])
        self.rpc.extend_share.assert_not_called()

    def test_extend_soft_deleted_403(self):
        share = fakes.share(self.ctx, is_soft_deleted=True)
        exc = self.assertRaises(_errors.ShareActionForbidden,
                                self.api.extend, self.user, share.id, 3)
        self.assertEqual(403, exc.code)

    def test_shrink_casts_and_checks_size(self):
        share = fakes.share(self.ctx, size=4)
        for size in (4, 5, 0, -1):
            self.assertRaises(exception.InvalidInput, self.api.shrink,
                              self.user, share.id, size)
        self.api.shrink(self.user, share.id, 2)
        self.assertEqual('shrinking', db.share_get(self.ctx, share.id).status)
        self.rpc.shrink_share.assert_called_once_with(
            self.user, share.id, share.host, 2)

    def test_shrink_busy_400(self):
        share = fakes.share(self.ctx, status='snapshotting', size=4)
        self.assertRaises(exception.InvalidShare, self.api.shrink,
                          self.user, share.id, 2)

    def test_reset_status(self):
        share = fakes.share(self.ctx, status='extending')
        self.assertRaises(exception.InvalidInput, self.api.reset_status,
                          self.ctx, share.id, 'bogus')
        self.api.reset_status(self.ctx, share.id, 'available')
        self.assertEqual('available', db.share_get(self.ctx, share.id).status)
