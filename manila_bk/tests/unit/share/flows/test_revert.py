"""revert_to_snapshot flow with the fake driver (seed 003)."""

from unittest import mock

from manila_bk.db import api as db
from manila_bk.message import message_field as mf
from manila_bk.share.flows import common
from manila_bk.share.flows import revert
from manila_bk.tests.unit.share.flows import base


class RevertTestCase(base.FlowTestCase):

    def _start(self, share_size=1, snap_size=1):
        share = self.make_share(on_backend=True, size=snap_size)
        self.driver.write_file(share.id, 'f', b'old')
        snap = self.make_snapshot(share, status='restoring',
                                  on_backend=True)
        self.driver.write_file(share.id, 'f', b'new')
        self.driver.write_file(share.id, 'later', b'x')
        db.share_update(self.ctx, share.id, {'status': 'reverting',
                                             'size': share_size})
        return share, snap

    def test_revert_success_restores_data_and_statuses(self):
        share, snap = self._start()
        revert.revert_to_snapshot(self.ctx, self.driver, share.id, snap.id)
        self.assertEqual({'f': b'old'}, self.driver.read_tree(share.id))
        self.assertEqual('available', self.share(share.id).status)
        self.assertEqual('available', self.snapshot(snap.id).status)
        self.assertEqual('False', self.snapshot(snap.id).deleted)
        self.assert_message(share.id, mf.Action.REVERT_TO_SNAPSHOT,
                            common.DETAIL_REVERT_SUCCEEDED, level='INFO')

    def test_revert_share_grown_since_snapshot_releases_difference(self):
        self.set_usage(gigabytes=5)
        share, snap = self._start(share_size=3, snap_size=1)
        revert.revert_to_snapshot(self.ctx, self.driver, share.id, snap.id)
        self.assertEqual(1, self.share(share.id).size)
        self.assertEqual(3, self.usage('gigabytes'))

    def test_revert_share_shrunk_since_snapshot_keeps_charged_growth(self):
        # The API charged the growth (2 GiB) before the cast.
        self.set_usage(gigabytes=4)
        share, snap = self._start(share_size=1, snap_size=3)
        revert.revert_to_snapshot(self.ctx, self.driver, share.id, snap.id)
        self.assertEqual(3, self.share(share.id).size)
        self.assertEqual(4, self.usage('gigabytes'))

    def test_revert_failure_sets_reverting_error_and_releases_growth(self):
        self.set_usage(gigabytes=4)
        share, snap = self._start(share_size=1, snap_size=3)
        self.driver.fail_operations.add('revert_to_snapshot')
        revert.revert_to_snapshot(self.ctx, self.driver, share.id, snap.id)
        share = self.share(share.id)
        self.assertEqual('reverting_error', share.status)
        self.assertEqual(1, share.size)
        self.assertEqual('available', self.snapshot(snap.id).status)
        self.assertEqual(2, self.usage('gigabytes'))
        self.assertEqual({'f': b'new', 'later': b'x'},
                         self.driver.read_tree(share.id))
        self.assert_message(share.id, mf.Action.REVERT_TO_SNAPSHOT,
                            mf.Detail.DRIVER_FAILED_REVERT)

    def test_revert_passes_active_rules_to_driver(self):
        share, snap = self._start()
        rule = self.make_rule(share, state='active')
        self.make_rule(share, state='error', access_to='10.0.0.9')
        with mock.patch.object(self.driver, 'revert_to_snapshot') as rev:
            revert.revert_to_snapshot(self.ctx, self.driver, share.id,
                                      snap.id)
        args = rev.call_args[0]
        self.assertIsNone(args[0])
        self.assertEqual(snap.id, args[1].id)
        self.assertEqual([rule.id], [r.id for r in args[2]])

    def test_revert_wrong_status_does_nothing(self):
        share, snap = self._start()
        db.share_snapshot_update(self.ctx, snap.id, {'status': 'available'})
        revert.revert_to_snapshot(self.ctx, self.driver, share.id, snap.id)
        self.assertEqual('reverting', self.share(share.id).status)
        self.assertNotIn('revert_to_snapshot', self.driver.calls)

    def test_revert_snapshot_of_other_share_does_nothing(self):
        share, snap = self._start()
        other, other_snap = self._start()
        revert.revert_to_snapshot(self.ctx, self.driver, share.id,
                                  other_snap.id)
        self.assertEqual('reverting', self.share(share.id).status)
        self.assertNotIn('revert_to_snapshot', self.driver.calls)
