"""create_share / delete_share flows with the fake driver."""

from manila_bk.message import message_field as mf
from manila_bk.share.flows import create_delete
from manila_bk.tests.unit.share.flows import base


class CreateShareTestCase(base.FlowTestCase):

    def test_create_share_success_sets_available_with_exports(self):
        share = self.make_share(status='creating')
        create_delete.create_share(self.ctx, self.driver, share.id)
        share = self.share(share.id)
        self.assertEqual('available', share.status)
        self.assertIsNotNone(share.launched_at)
        self.assertTrue(self.driver.share_exists(share.id))
        self.assertEqual(['%s:/fake/share-%s' % (self.node, share.id)],
                         [loc.path for loc in share.export_locations])
        self.assert_no_message(share.id)

    def test_create_share_driver_failure_sets_error_and_keeps_quota(self):
        self.set_usage(shares=1, gigabytes=1)
        self.driver.fail_operations.add('create_share')
        share = self.make_share(status='creating')
        create_delete.create_share(self.ctx, self.driver, share.id)
        self.assertEqual('error', self.share(share.id).status)
        self.assert_message(share.id, mf.Action.CREATE,
                            mf.Detail.UNKNOWN_ERROR)
        self.assertEqual(1, self.usage('shares'))
        self.assertEqual(1, self.usage('gigabytes'))

    def test_create_share_from_snapshot_copies_snapshot_data(self):
        parent = self.make_share(on_backend=True)
        self.driver.write_file(parent.id, 'a.txt', b'hello')
        snap = self.make_snapshot(parent, on_backend=True)
        share = self.make_share(status='creating', snapshot_id=snap.id)
        create_delete.create_share(self.ctx, self.driver, share.id)
        self.assertEqual('available', self.share(share.id).status)
        self.assertEqual({'a.txt': b'hello'},
                         self.driver.read_tree(share.id))

    def test_create_share_from_snapshot_failure_uses_snapshot_detail(self):
        parent = self.make_share(on_backend=True)
        snap = self.make_snapshot(parent)  # not on the back end
        share = self.make_share(status='creating', snapshot_id=snap.id)
        create_delete.create_share(self.ctx, self.driver, share.id)
        self.assertEqual('error', self.share(share.id).status)
        self.assert_message(share.id, mf.Action.CREATE,
                            mf.Detail.DRIVER_FAILED_CREATING_FROM_SNAP)

    def test_create_share_not_creating_does_nothing(self):
        share = self.make_share(status='error')
        create_delete.create_share(self.ctx, self.driver, share.id)
        self.assertEqual('error', self.share(share.id).status)
        self.assertFalse(self.driver.share_exists(share.id))


class DeleteShareTestCase(base.FlowTestCase):

    def test_delete_share_success_deletes_row_and_releases_quota(self):
        self.set_usage(shares=2, gigabytes=5)
        share = self.make_share(status='deleting', size=3, on_backend=True)
        create_delete.delete_share(self.ctx, self.driver, share.id)
        share = self.share(share.id)
        self.assertEqual('deleted', share.status)
        self.assertNotEqual('False', share.deleted)
        self.assertFalse(self.driver.share_exists(share.id))
        self.assertEqual(1, self.usage('shares'))
        self.assertEqual(2, self.usage('gigabytes'))

    def test_delete_share_driver_failure_sets_error_deleting(self):
        self.set_usage(shares=1, gigabytes=1)
        share = self.make_share(status='deleting', on_backend=True)
        self.driver.fail_operations.add('delete_share')
        create_delete.delete_share(self.ctx, self.driver, share.id)
        self.assertEqual('error_deleting', self.share(share.id).status)
        self.assert_message(share.id, mf.Action.DELETE,
                            mf.Detail.UNKNOWN_ERROR)
        self.assertEqual(1, self.usage('shares'))

    def test_delete_share_force_ignores_driver_failure(self):
        self.set_usage(shares=1, gigabytes=1)
        share = self.make_share(status='deleting', on_backend=True)
        self.driver.fail_operations.add('delete_share')
        create_delete.delete_share(self.ctx, self.driver, share.id,
                                   force=True)
        self.assertEqual('deleted', self.share(share.id).status)
        self.assertEqual(0, self.usage('shares'))

    def test_delete_share_not_deleting_does_nothing(self):
        share = self.make_share(status='available', on_backend=True)
        create_delete.delete_share(self.ctx, self.driver, share.id)
        self.assertEqual('available', self.share(share.id).status)
        self.assertTrue(self.driver.share_exists(share.id))
