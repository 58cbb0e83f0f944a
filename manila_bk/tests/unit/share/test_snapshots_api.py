"""Snapshot and revert rules of manila_bk.share.api (seed 003)."""

import multiprocessing
import os
import threading
from unittest import mock

from manila_bk import coordination
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk import quota
from manila_bk.share import _errors
from manila_bk.share import api as share_api
from manila_bk.tests import base
from manila_bk.tests.unit.share import api_fakes as fakes


class SnapshotTestCase(base.DBTestCase):

    def setUp(self):
        super().setUp()
        self.api = share_api.API()
        self.rpc = mock.Mock()
        self.api.share_rpcapi = self.rpc
        self.user = self.user_context('project-a')

    def usage(self, resource):
        return quota.get_project_quotas(self.ctx, 'project-a',
                                        usages=True)[resource]['in_use']


class CreateSnapshotTestCase(SnapshotTestCase):

    def test_create_snapshot_share_snapshotting_row_creating_cast(self):
        share = fakes.share(self.ctx, size=3)
        snap = self.api.create_snapshot(self.user, share.id, name='s')
        self.assertEqual(('creating', 3, 3, 'NFS', 'project-a', 'user-a'),
                         (snap.status, snap.size, snap.share_size,
                          snap.share_proto, snap.project_id, snap.user_id))
        self.assertEqual('snapshotting',
                         db.share_get(self.ctx, share.id).status)
        self.rpc.create_snapshot.assert_called_once_with(
            self.user, snap.id, share.host)
        self.assertEqual((1, 3), (self.usage('snapshots'),
                                  self.usage('snapshot_gigabytes')))

    def test_create_snapshot_without_support_422(self):
        share = fakes.share(self.ctx, snapshot_support=False)
        exc = self.assertRaises(_errors.ShareActionUnprocessable,
                                self.api.create_snapshot, self.user,
                                share.id)
        self.assertEqual(422, exc.code)

    def test_create_snapshot_share_not_available_400(self):
        share = fakes.share(self.ctx, status='extending')
        exc = self.assertRaises(exception.InvalidShare,
                                self.api.create_snapshot, self.user,
                                share.id)
        self.assertEqual(400, exc.code)
        self.assertEqual(0, self.usage('snapshots'))

    def test_create_snapshot_over_quota_413(self):
        self.flags(snapshots=0, group='quota')
        share = fakes.share(self.ctx)
        exc = self.assertRaises(_errors.SnapshotLimitExceeded,
                                self.api.create_snapshot, self.user,
                                share.id)
        self.assertEqual(413, exc.code)
        self.assertEqual('available', db.share_get(self.ctx, share.id).status)

    def test_create_snapshot_lost_race_409_releases_quota(self):
        share = fakes.share(self.ctx)
        real = db.share_update_if

        def racing(ctx, share_id, values, expected_status, **kw):
            # Another request took the share between check and CAS.
            real(ctx, share_id, {'status': 'extending'}, None)
            return real(ctx, share_id, values, expected_status, **kw)

        with mock.patch.object(db, 'share_update_if', side_effect=racing):
            exc = self.assertRaises(exception.ShareBusy,
                                    self.api.create_snapshot, self.user,
                                    share.id)
        self.assertEqual(409, exc.code)
        self.assertEqual(0, self.usage('snapshots'))
        self.assertEqual([], db.share_snapshot_get_all(self.ctx))

    def test_create_snapshot_lock_timeout_409(self):
        share = fakes.share(self.ctx)
        self.flags(lock_acquire_timeout=1, group='coordination')
        held, release = threading.Event(), threading.Event()

        def holder():
            with coordination.share_lock(share.id):
                held.set()
                release.wait(10)

        thread = threading.Thread(target=holder)
        thread.start()
        self.addCleanup(thread.join)
        self.addCleanup(release.set)
        held.wait(5)
        exc = self.assertRaises(exception.LockTimeout,
                                self.api.create_snapshot, self.user,
                                share.id)
        self.assertEqual(409, exc.code)
        self.assertEqual('available', db.share_get(self.ctx, share.id).status)
        self.assertEqual(0, self.usage('snapshots'))


class DeleteSnapshotTestCase(SnapshotTestCase):

    def test_delete_snapshot_deleting_and_cast(self):
        share = fakes.share(self.ctx)
        snap = fakes.snapshot(self.ctx, share)
        self.api.delete_snapshot(self.user, snap.id)
        self.assertEqual('deleting',
                         db.share_snapshot_get(self.ctx, snap.id).status)
        self.rpc.delete_snapshot.assert_called_once_with(
            self.user, snap.id, share.host, force=False)

    def test_delete_snapshot_busy_400_force_allowed(self):
        share = fakes.share(self.ctx)
        snap = fakes.snapshot(self.ctx, share, status='restoring')
        self.assertRaises(exception.InvalidShareSnapshot,
                          self.api.delete_snapshot, self.user, snap.id)
        self.api.delete_snapshot(self.ctx, snap.id, force=True)
        self.assertEqual('deleting',
                         db.share_snapshot_get(self.ctx, snap.id).status)

    def test_delete_snapshot_share_without_host_deletes_row(self):
        db.quota_usage_change(self.ctx, 'project-a',
                              {'snapshots': 1, 'snapshot_gigabytes': 2}, {})
        share = fakes.share(self.ctx, host=None, status='error', size=2)
        snap = fakes.snapshot(self.ctx, share, status='error')
        self.api.delete_snapshot(self.user, snap.id)
        self.assertRaises(exception.ShareSnapshotNotFound,
                          db.share_snapshot_get, self.ctx, snap.id)
        self.assertEqual(0, self.usage('snapshot_gigabytes'))

    def test_get_snapshot_other_project_404(self):
        share = fakes.share(self.ctx, project_id='project-b')
        snap = fakes.snapshot(self.ctx, share)
        self.assertRaises(exception.ShareSnapshotNotFound,
                          self.api.get_snapshot, self.user, snap.id)

    def test_get_all_snapshots_filters(self):
        share = fakes.share(self.ctx)
        other = fakes.share(self.ctx)
        fakes.snapshot(self.ctx, share, display_name='one')
        wanted = fakes.snapshot(self.ctx, other, display_name='two')
        found = self.api.get_all_snapshots(self.user, {'share_id': other.id})
        self.assertEqual([wanted.id], [s.id for s in found])
        found = self.api.get_all_snapshots(self.user, {'name~': 'tw'})
        self.assertEqual([wanted.id], [s.id for s in found])

    def test_reset_snapshot_status(self):
        snap = fakes.snapshot(self.ctx, fakes.share(self.ctx),
                              status='creating')
        self.assertRaises(exception.InvalidInput,
                          self.api.reset_snapshot_status, self.ctx, snap.id,
                          'bogus')
        self.api.reset_snapshot_status(self.ctx, snap.id, 'error')
        self.assertEqual('error',
                         db.share_snapshot_get(self.ctx, snap.id).status)


class RevertTestCase(SnapshotTestCase):

    def test_revert_latest_sets_statuses_and_casts(self):
        share = fakes.share(self.ctx)
        fakes.snapshot(self.ctx, share)
        latest = fakes.snapshot(self.ctx, share)
        self.api.revert_to_snapshot(self.user, share.id, latest.id)
        self.assertEqual('reverting', db.share_get(self.ctx, share.id).status)
        self.assertEqual('restoring',
                         db.share_snapshot_get(self.ctx, latest.id).status)
        self.rpc.revert_to_snapshot.assert_called_once_with(
            self.user, share.id, latest.id, share.host)

    def test_revert_share_missing_404(self):
        self.assertRaises(exception.ShareNotFound,
                          self.api.revert_to_snapshot, self.user,
                          'f5f8ac4e-7a8f-4c35-9f4e-1a2b3c4d5e6f', 'x')

    def test_revert_snapshot_missing_400(self):
        share = fakes.share(self.ctx)
        exc = self.assertRaises(_errors.RevertSnapshotNotFound,
                                self.api.revert_to_snapshot, self.user,
                                share.id, 'nope')
        self.assertEqual(400, exc.code)

    def test_revert_snapshot_of_other_share_400(self):
        share = fakes.share(self.ctx)
        snap = fakes.snapshot(self.ctx, fakes.share(self.ctx))
        exc = self.assertRaises(exception.InvalidShareSnapshot,
                                self.api.revert_to_snapshot, self.user,
                                share.id, snap.id)
        self.assertEqual(400, exc.code)

    def test_revert_without_support_400(self):
        share = fakes.share(self.ctx, revert_to_snapshot_support=False)
        snap = fakes.snapshot(self.ctx, share)
        exc = self.assertRaises(exception.InvalidShare,
                                self.api.revert_to_snapshot, self.user,
                                share.id, snap.id)
        self.assertEqual(400, exc.code)

    def test_revert_not_latest_409_even_if_latest_in_error(self):
        share = fakes.share(self.ctx)
        older = fakes.snapshot(self.ctx, share)
        latest = fakes.snapshot(self.ctx, share, status='error')
        exc = self.assertRaises(_errors.ShareActionConflict,
                                self.api.revert_to_snapshot, self.user,
                                share.id, older.id)
        self.assertEqual(409, exc.code)
        self.assertIn(latest.id, exc.msg)
        self.rpc.revert_to_snapshot.assert_not_called()

    def test_revert_share_or_snapshot_not_available_409(self):
        share = fakes.share(self.ctx, status='extending')
        snap = fakes.snapshot(self.ctx, share)
        exc = self.assertRaises(_errors.ShareActionConflict,
                                self.api.revert_to_snapshot, self.user,
                                share.id, snap.id)
        self.assertEqual(409, exc.code)
        share = fakes.share(self.ctx)
        snap = fakes.snapshot(self.ctx, share, status='creating')
        self.assertRaises(_errors.ShareActionConflict,
                          self.api.revert_to_snapshot, self.user, share.id,
                          snap.id)

    def test_revert_busy_task_409(self):
        share = fakes.share(self.ctx, task_state='migration_in_progress')
        snap = fakes.snapshot(self.ctx, share)
        self.assertRaises(_errors.ShareActionConflict,
                          self.api.revert_to_snapshot, self.user, share.id,
                          snap.id)

    def test_revert_pending_access_rules_409(self):
        share = fakes.share(self.ctx)
        snap = fakes.snapshot(self.ctx, share)
        db.share_access_create(self.ctx, {
            'share_id': share.id, 'access_type': 'ip',
            'access_to': '10.0.0.1', 'access_level': 'rw',
            'state': 'queued_to_apply'})
        self.assertRaises(_errors.ShareActionConflict,
                          self.api.revert_to_snapshot, self.user, share.id,
                          snap.id)

    def test_revert_larger_snapshot_consumes_quota(self):
        share = fakes.share(self.ctx, size=2)
        snap = fakes.snapshot(self.ctx, share, size=5)
        self.api.revert_to_snapshot(self.user, share.id, snap.id)
        self.assertEqual(3, self.usage('gigabytes'))

    def test_revert_over_quota_403_nothing_changed(self):
        self.flags(gigabytes=2, group='quota')
        share = fakes.share(self.ctx, size=1)
        snap = fakes.snapshot(self.ctx, share, size=4)
        exc = self.assertRaises(_errors.ShareGigabytesQuotaForbidden,
                                self.api.revert_to_snapshot, self.user,
                                share.id, snap.id)
        self.assertEqual(403, exc.code)
        self.assertEqual('available', db.share_get(self.ctx, share.id).status)
        self.assertEqual('available',
                         db.share_snapshot_get(self.ctx, snap.id).status)

    def test_revert_snapshot_created_meanwhile_409_and_quota_back(self):
        share = fakes.share(self.ctx, size=1)
        snap = fakes.snapshot(self.ctx, share, size=3)
        real = self.api._check_latest
        calls = []

        def newer_snapshot_then_check(ctx, share_, snapshot):
            calls.append(1)
            if len(calls) == 2:  # inside the lock
                fakes.snapshot(self.ctx, share)
            return real(ctx, share_, snapshot)

        with mock.patch.object(self.api, '_check_latest',
                               side_effect=newer_snapshot_then_check):
            self.assertRaises(_errors.ShareActionConflict,
                              self.api.revert_to_snapshot, self.user,
                              share.id, snap.id)
        self.assertEqual(2, len(calls))
        self.assertEqual('available', db.share_get(self.ctx, share.id).status)
        self.assertEqual(0, self.usage('gigabytes'))

    def test_revert_soft_deleted_403(self):
        share = fakes.share(self.ctx, is_soft_deleted=True)
        snap = fakes.snapshot(self.ctx, share)
        exc = self.assertRaises(_errors.ShareActionForbidden,
                                self.api.revert_to_snapshot, self.user,
                                share.id, snap.id)
        self.assertEqual(403, exc.code)

    def test_concurrent_snapshot_and_revert_one_wins(self):
        share = fakes.share(self.ctx)
        snap = fakes.snapshot(self.ctx, share)
        results = []

        def run(fn, *args):
            try:
                fn(*args)
                results.append('ok')
            except exception.ManilaBkException as exc:
                results.append(exc.code)

        threads = [
            threading.Thread(target=run, args=(
                self.api.revert_to_snapshot, self.user, share.id, snap.id)),
            threading.Thread(target=run, args=(
                self.api.create_snapshot, self.user, share.id))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        self.assertEqual(['ok'], [r for r in results if r == 'ok'])
        self.assertEqual(1, len([r for r in results if r in (409, 400)]))

    def test_revert_failed_cast_restores_statuses_and_quota(self):
        share = fakes.share(self.ctx, size=1)
        snap = fakes.snapshot(self.ctx, share, size=2)
        self.rpc.revert_to_snapshot.side_effect = RuntimeError('broker')
        self.assertRaises(RuntimeError, self.api.revert_to_snapshot,
                          self.user, share.id, snap.id)
        self.assertEqual('available', db.share_get(self.ctx, share.id).status)
        self.assertEqual('available',
                         db.share_snapshot_get(self.ctx, snap.id).status)
        self.assertEqual(0, self.usage('gigabytes'))

    def test_revert_growth_charged_from_size_seen_by_cas(self):
        share = fakes.share(self.ctx, size=1)
        snap = fakes.snapshot(self.ctx, share, size=3)
        stale = db.share_get(self.ctx, share.id)
        db.share_update(self.ctx, share.id, {'size': 2})  # extended since
        with mock.patch.object(self.api, 'get', return_value=stale):
            self.api.revert_to_snapshot(self.user, share.id, snap.id)
        self.assertEqual(1, self.usage('gigabytes'))

    def test_revert_over_quota_found_at_cas_403_statuses_back(self):
        self.flags(gigabytes=1, group='quota')
        share = fakes.share(self.ctx, size=1)
        snap = fakes.snapshot(self.ctx, share, size=3)
        stale = db.share_get(self.ctx, share.id)
        db.share_update(self.ctx, share.id, {'size': 3})
        stale_big = db.share_get(self.ctx, share.id)
        db.share_update(self.ctx, share.id, {'size': 1})
        with mock.patch.object(self.api, 'get',
                               side_effect=[stale_big, stale]):
            exc = self.assertRaises(_errors.ShareGigabytesQuotaForbidden,
                                    self.api.revert_to_snapshot, self.user,
                                    share.id, snap.id)
        self.assertEqual(403, exc.code)
        self.assertEqual('available', db.share_get(self.ctx, share.id).status)
        self.assertEqual('available',
                         db.share_snapshot_get(self.ctx, snap.id).status)
        self.assertEqual(0, self.usage('gigabytes'))
        self.rpc.revert_to_snapshot.assert_not_called()

    def test_revert_snapshot_busy_at_cas_409_share_and_quota_back(self):
        share = fakes.share(self.ctx, size=1)
        snap = fakes.snapshot(self.ctx, share, size=2)
        real = db.share_snapshot_update_if

        def deleted_meanwhile(ctx, snap_id, values, expected_status=None):
            if values.get('status') == 'restoring':
                db.share_snapshot_update(ctx, snap_id,
                                         {'status': 'deleting'})
            return real(ctx, snap_id, values,
                        expected_status=expected_status)

        with mock.patch.object(db, 'share_snapshot_update_if',
                               side_effect=deleted_meanwhile):
            exc = self.assertRaises(exception.ShareSnapshotIsBusy,
                                    self.api.revert_to_snapshot, self.user,
                                    share.id, snap.id)
        self.assertEqual(409, exc.code)
        self.assertEqual('available', db.share_get(self.ctx, share.id).status)
        self.assertEqual(0, self.usage('gigabytes'))


def _hold_lock(share_id, held, release):
    try:
        with coordination.share_lock(share_id, timeout=10):
            held.set()
            release.wait(30)
    finally:
        coordination.stop()


class _CrossProcessLockTests:
    """Revert, snapshot create and delete wait for another process's lock.

    The lock is the one coordination.share_lock gives: a file lock, or a
    tooz lock on Redis when [coordination] backend_url is set.
    """

    def setUp(self):
        super().setUp()
        self.addCleanup(coordination.stop)
        self.flags(lock_acquire_timeout=1, group='coordination')
        self.share = fakes.share(self.ctx, size=1)
        self.older = fakes.snapshot(self.ctx, self.share)
        self.latest = fakes.snapshot(self.ctx, self.share)

    def _held_elsewhere(self):
        mp = multiprocessing.get_context('fork')
        held, release = mp.Event(), mp.Event()
        proc = mp.Process(target=_hold_lock,
                          args=(self.share.id, held, release))
        proc.start()
        self.addCleanup(proc.join, 30)
        self.addCleanup(release.set)
        self.assertTrue(held.wait(20))
        return proc, release

    def test_share_operations_time_out_while_other_process_holds_lock(self):
        proc, release = self._held_elsewhere()
        for call, args in (
                (self.api.revert_to_snapshot, (self.share.id,
                                               self.latest.id)),
                (self.api.create_snapshot, (self.share.id,)),
                (self.api.delete_snapshot, (self.older.id,))):
            exc = self.assertRaises(exception.LockTimeout, call, self.user,
                                    *args)
            self.assertEqual(409, exc.code)
        self.assertEqual('available',
                         db.share_get(self.ctx, self.share.id).status)
        self.assertEqual(
            {'available'},
            {s.status for s in db.share_snapshot_get_all(self.ctx)})
        release.set()
        proc.join(30)
        self.assertEqual(0, proc.exitcode)
        self.api.revert_to_snapshot(self.user, self.share.id, self.latest.id)
        self.assertEqual('reverting',
                         db.share_get(self.ctx, self.share.id).status)


class FileLockRevertTestCase(_CrossProcessLockTests, SnapshotTestCase):
    pass


class RedisLockRevertTestCase(_CrossProcessLockTests, SnapshotTestCase):

    def setUp(self):
        super().setUp()
        self.flags(backend_url=os.environ.get('MANILA_BK_TEST_REDIS_URL',
                                              'redis://127.0.0.1:6379'),
                   group='coordination')
