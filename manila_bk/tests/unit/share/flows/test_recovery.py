"""Start-up reconciliation of every transitional status."""

from manila_bk.db import api as db
from manila_bk.message import message_field as mf
from manila_bk.share.flows import recovery
from manila_bk.tests.unit.share.flows import base

INTERRUPTED = mf.Detail.INTERRUPTED_BY_RESTART


class ReconcileSharesTestCase(base.FlowTestCase):

    def _reconcile(self):
        recovery.reconcile_host(self.ctx, self.driver, self.host)

    def test_reconcile_creating_share_on_backend_becomes_available(self):
        share = self.make_share(status='creating', on_backend=True)
        self._reconcile()
        share = self.share(share.id)
        self.assertEqual('available', share.status)
        self.assertIsNotNone(share.launched_at)
        self.assertEqual(1, len(share.export_locations))

    def test_reconcile_creating_share_missing_becomes_error(self):
        share = self.make_share(status='creating')
        self._reconcile()
        self.assertEqual('error', self.share(share.id).status)
        self.assert_message(share.id, mf.Action.CREATE, INTERRUPTED)

    def test_reconcile_deleting_share_finishes_delete(self):
        self.set_usage(shares=1, gigabytes=1)
        share = self.make_share(status='deleting', on_backend=True)
        self._reconcile()
        self.assertEqual('deleted', self.share(share.id).status)
        self.assertFalse(self.driver.share_exists(share.id))
        self.assertEqual(0, self.usage('shares'))

    def test_reconcile_extending_share_becomes_extending_error(self):
        share = self.make_share(status='extending', on_backend=True)
        self._reconcile()
        self.assertEqual('extending_error', self.share(share.id).status)
        self.assert_message(share.id, mf.Action.EXTEND, INTERRUPTED)

    def test_reconcile_shrinking_share_becomes_shrinking_error(self):
        share = self.make_share(status='shrinking', on_backend=True)
        self._reconcile()
        self.assertEqual('shrinking_error', self.share(share.id).status)
        self.assert_message(share.id, mf.Action.SHRINK, INTERRUPTED)

    def test_reconcile_snapshotting_share_frees_share_snapshot_error(self):
        share = self.make_share(status='snapshotting', on_backend=True)
        snap = self.make_snapshot(share, status='creating')
        self._reconcile()
        self.assertEqual('available', self.share(share.id).status)
        self.assertEqual('error', self.snapshot(snap.id).status)
        self.assert_message(snap.id, mf.Action.CREATE, INTERRUPTED)

    def test_reconcile_deleting_snapshot_finishes_delete(self):
        share = self.make_share(on_backend=True)
        snap = self.make_snapshot(share, status='deleting', on_backend=True)
        self._reconcile()
        self.assertEqual('deleted', self.snapshot(snap.id).status)
        self.assertFalse(self.driver.snapshot_exists(snap.id))

    def test_reconcile_restoring_snapshot_of_available_share_freed(self):
        share = self.make_share(on_backend=True)
        snap = self.make_snapshot(share, status='restoring')
        self._reconcile()
        self.assertEqual('available', self.snapshot(snap.id).status)

    def test_reconcile_other_host_untouched(self):
        share = self.make_share(status='creating',
                                host='other@fake1#fake_pool')
        self._reconcile()
        self.assertEqual('creating', self.share(share.id).status)

    def test_reconcile_backup_statuses_left_to_data_service(self):
        share = self.make_share(status='backup_creating', on_backend=True)
        self._reconcile()
        self.assertEqual('backup_creating', self.share(share.id).status)

    def test_reconcile_available_share_refreshes_exports_and_access(self):
        share = self.make_share(on_backend=True)
        db.share_export_locations_update(self.ctx, share.id,
                                         [{'path': 'stale:/old'}])
        self.make_rule(share, state='active', access_to='10.0.0.1')
        self.make_rule(share, state='queued_to_apply', access_to='10.0.0.2')
        self._reconcile()
        paths = [loc.path for loc in self.share(share.id).export_locations]
        self.assertEqual(['%s:/fake/share-%s' % (self.node, share.id)],
                         paths)
        self.assertEqual(['10.0.0.1', '10.0.0.2'], sorted(
            r.access_to for r in self.driver.get_access_rules(share.id)))
        states = {r.state for r in
                  db.share_access_get_all_for_share(self.ctx, share.id)}
        self.assertEqual({'active'}, states)

    def test_reconcile_error_share_applies_queued_access(self):
        share = self.make_share(status='error', on_backend=True)
        rule = self.make_rule(share, state='queued_to_apply')
        self._reconcile()
        self.assertEqual('active', db.share_access_get(self.ctx,
                                                       rule.id).state)
        self.assertNotIn('ensure_share', self.driver.calls)


class ReconcileRevertTestCase(base.FlowTestCase):

    def _start(self):
        share = self.make_share(on_backend=True, size=1)
        self.driver.write_file(share.id, 'f', b'old')
        snap = self.make_snapshot(share, status='restoring', on_backend=True)
        self.driver.write_file(share.id, 'f', b'new')
        db.share_update(self.ctx, share.id, {'status': 'reverting',
                                             'size': 2})
        self.set_usage(gigabytes=2)
        return share, snap

    def test_reconcile_reverting_completed_records_success(self):
        share, snap = self._start()
        self.driver.set_recovery_outcome(share.id, 'completed')
        recovery.reconcile_host(self.ctx, self.driver, self.host)
        self.assertEqual(('available', 1), (self.share(share.id).status,
                                            self.share(share.id).size))
        self.assertEqual('available', self.snapshot(snap.id).status)
        self.assertEqual(1, self.usage('gigabytes'))
        self.assertNotIn('revert_to_snapshot', self.driver.calls)

    def test_reconcile_reverting_clean_runs_revert_again(self):
        share, snap = self._start()
        recovery.reconcile_host(self.ctx, self.driver, self.host)
        self.assertIn('revert_to_snapshot', self.driver.calls)
        self.assertEqual({'f': b'old'}, self.driver.read_tree(share.id))
        self.assertEqual('available', self.share(share.id).status)
        self.assertEqual('available', self.snapshot(snap.id).status)

    def test_reconcile_reverting_rolled_back_runs_revert_again(self):
        share, snap = self._start()
        self.driver.set_recovery_outcome(share.id, 'rolled_back')
        recovery.reconcile_host(self.ctx, self.driver, self.host)
        self.assertIn('revert_to_snapshot', self.driver.calls)
        self.assertEqual({'f': b'old'}, self.driver.read_tree(share.id))
        self.assertEqual('available', self.share(share.id).status)
        self.assertEqual('available', self.snapshot(snap.id).status)
        self.assert_message(share.id, mf.Action.REVERT_TO_SNAPSHOT,
                            mf.Detail.REVERT_SUCCEEDED, level='INFO')

    def test_reconcile_reverting_rolled_back_rerun_fails_reverting_error(self):
        share, snap = self._start()
        self.driver.set_recovery_outcome(share.id, 'rolled_back')
        self.driver.fail_operations.add('revert_to_snapshot')
        recovery.reconcile_host(self.ctx, self.driver, self.host)
        self.assertEqual('reverting_error', self.share(share.id).status)
        self.assertEqual('available', self.snapshot(snap.id).status)
        self.assertEqual({'f': b'new'}, self.driver.read_tree(share.id))
        self.assert_message(share.id, mf.Action.REVERT_TO_SNAPSHOT,
                            mf.Detail.DRIVER_FAILED_REVERT)

    def test_reconcile_reverting_unknown_outcome_sets_reverting_error(self):
        share, snap = self._start()
        self.driver.set_recovery_outcome(share.id, 'failed')
        recovery.reconcile_host(self.ctx, self.driver, self.host)
        self.assertNotIn('revert_to_snapshot', self.driver.calls)
        self.assertEqual('reverting_error', self.share(share.id).status)
        self.assertEqual('available', self.snapshot(snap.id).status)
        self.assertEqual({'f': b'new'}, self.driver.read_tree(share.id))
        self.assert_message(share.id, mf.Action.REVERT_TO_SNAPSHOT,
                            INTERRUPTED)

    def test_reconcile_reverting_recovery_failure_sets_reverting_error(self):
        share, snap = self._start()
        self.driver.fail_operations.add('recover')
        recovery.reconcile_host(self.ctx, self.driver, self.host)
        self.assertEqual('reverting_error', self.share(share.id).status)
        self.assertEqual('available', self.snapshot(snap.id).status)

    def test_reconcile_reverting_without_restoring_snapshot_errors(self):
        share, snap = self._start()
        db.share_snapshot_update(self.ctx, snap.id, {'status': 'available'})
        recovery.reconcile_host(self.ctx, self.driver, self.host)
        self.assertEqual('reverting_error', self.share(share.id).status)
