"""create_snapshot / delete_snapshot flows with the fake driver."""

from manila_bk.message import message_field as mf
from manila_bk.share.flows import snapshots
from manila_bk.tests.unit.share.flows import base


class CreateSnapshotTestCase(base.FlowTestCase):

    def _start(self):
        share = self.make_share(status='snapshotting', on_backend=True)
        return share, self.make_snapshot(share, status='creating')

    def test_create_snapshot_success_sets_both_available(self):
        share, snap = self._start()
        snapshots.create_snapshot(self.ctx, self.driver, snap.id)
        snap = self.snapshot(snap.id)
        self.assertEqual('available', snap.status)
        self.assertEqual('100%', snap.progress)
        self.assertEqual('fake-snapshot-%s' % snap.id,
                         snap.provider_location)
        self.assertTrue(self.driver.snapshot_exists(snap.id))
        self.assertEqual('available', self.share(share.id).status)

    def test_create_snapshot_failure_sets_error_and_frees_share(self):
        share, snap = self._start()
        self.driver.fail_operations.add('create_snapshot')
        snapshots.create_snapshot(self.ctx, self.driver, snap.id)
        self.assertEqual('error', self.snapshot(snap.id).status)
        self.assertEqual('available', self.share(share.id).status)
        self.assert_message(snap.id, mf.Action.CREATE,
                            mf.Detail.DRIVER_FAILED_SNAPSHOT)

    def test_create_snapshot_not_creating_does_nothing(self):
        share = self.make_share(on_backend=True)
        snap = self.make_snapshot(share, status='error')
        snapshots.create_snapshot(self.ctx, self.driver, snap.id)
        self.assertEqual('error', self.snapshot(snap.id).status)
        self.assertNotIn('create_snapshot', self.driver.calls)


class DeleteSnapshotTestCase(base.FlowTestCase):

    def _start(self):
        share = self.make_share(on_backend=True, size=2)
        return self.make_snapshot(share, status='deleting', on_backend=True)

    def test_delete_snapshot_success_deletes_and_releases_quota(self):
        self.set_usage(snapshots=3, snapshot_gigabytes=10)
        snap = self._start()
        snapshots.delete_snapshot(self.ctx, self.driver, snap.id)
        self.assertEqual('deleted', self.snapshot(snap.id).status)
        self.assertFalse(self.driver.snapshot_exists(snap.id))
        self.assertEqual(2, self.usage('snapshots'))
        self.assertEqual(8, self.usage('snapshot_gigabytes'))

    def test_delete_snapshot_failure_sets_error_deleting(self):
        self.set_usage(snapshots=1)
        snap = self._start()
        self.driver.fail_operations.add('delete_snapshot')
        snapshots.delete_snapshot(self.ctx, self.driver, snap.id)
        self.assertEqual('error_deleting', self.snapshot(snap.id).status)
        self.assert_message(snap.id, mf.Action.DELETE,
                            mf.Detail.UNKNOWN_ERROR)
        self.assertEqual(1, self.usage('snapshots'))

    def test_delete_snapshot_force_ignores_driver_failure(self):
        snap = self._start()
        self.driver.fail_operations.add('delete_snapshot')
        snapshots.delete_snapshot(self.ctx, self.driver, snap.id, force=True)
        self.assertEqual('deleted', self.snapshot(snap.id).status)
