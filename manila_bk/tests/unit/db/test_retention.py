"""manila_bk.db.impl.retention on SQLite: one live policy, leases, delete.

``functional/test_backup_retention.py`` runs these again on MariaDB and
PostgreSQL.
"""

import datetime
import threading

from manila_bk.db import api as db
from manila_bk.tests import base

SHARE_A = '11111111-1111-4111-8111-111111111111'
SHARE_B = '22222222-2222-4222-8222-222222222222'
T0 = datetime.datetime(2024, 3, 20, 12, 0, 0, 123456)


class RetentionPolicyDBTestCase(base.DBTestCase):

    def set(self, share_id=SHARE_A, **values):
        return db.backup_retention_policy_set(self.ctx, share_id, values)

    def test_get_without_policy_is_none(self):
        self.assertIsNone(db.backup_retention_policy_get(self.ctx, SHARE_A))
        self.assertEqual([], db.backup_retention_policy_get_all(self.ctx))

    def test_set_creates_then_changes_only_given_fields(self):
        first = self.set(keep_last=3, backup_interval=3600,
                         incremental=True, project_id='project-a')
        self.assertEqual((3, 0, 0, 3600, True, 'project-a', 'False'),
                         (first.keep_last, first.keep_daily,
                          first.keep_weekly, first.backup_interval,
                          first.incremental, first.project_id,
                          first.deleted))
        second = self.set(keep_daily=7, incremental=False)
        self.assertEqual(first.id, second.id)
        self.assertEqual((3, 7, 3600, False),
                         (second.keep_last, second.keep_daily,
                          second.backup_interval, second.incremental))

    def test_set_ignores_bookkeeping_fields_and_clears_error(self):
        policy = self.set(keep_last=1)
        self.assertIsNotNone(db.backup_retention_policy_claim(
            self.ctx, policy.id, 'host-a', 60, now=T0))
        db.backup_retention_policy_update_claimed(
            self.ctx, policy.id, 'host-a', {'last_error': 'quota'},
            release=True)
        again = self.set(keep_last=2, claimed_by='intruder',
                         last_scheduled_at=T0)
        self.assertEqual((2, None, None, None),
                         (again.keep_last, again.last_error,
                          again.claimed_by, again.last_scheduled_at))

    def test_one_live_policy_per_share_and_delete(self):
        self.set(keep_last=1)
        self.set(SHARE_B, keep_weekly=4)
        self.assertEqual([SHARE_A, SHARE_B], [
            p.share_id for p in db.backup_retention_policy_get_all(
                self.ctx)])
        old = db.backup_retention_policy_get(self.ctx, SHARE_A)
        self.assertTrue(db.backup_retention_policy_delete(self.ctx,
                                                          SHARE_A))
        self.assertFalse(db.backup_retention_policy_delete(self.ctx,
                                                           SHARE_A))
        self.assertIsNone(db.backup_retention_policy_get(self.ctx, SHARE_A))
        renewed = self.set(keep_daily=2)
        self.assertNotEqual(old.id, renewed.id)
        self.assertEqual((0, 2), (renewed.keep_last, renewed.keep_daily))
        ghost = db.backup_retention_policy_get(
            self.ctx.with_read_deleted('only'), SHARE_A)
        self.assertEqual((old.id, old.id), (ghost.id, ghost.deleted))

    def test_concurrent_first_sets_leave_one_policy(self):
        errors = []

        def worker(n):
            try:
                self.set(keep_last=n)
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(n,))
                   for n in range(1, 7)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual([], errors)
        policies = db.backup_retention_policy_get_all(self.ctx)
        self.assertEqual(1, len(policies))
        self.assertIn(policies[0].keep_last, range(1, 7))

    def test_claim_is_exclusive_until_the_lease_ends(self):
        policy = self.set(keep_last=1)
        won = db.backup_retention_policy_claim(self.ctx, policy.id,
                                               'host-a', 600, now=T0)
        self.assertEqual(('host-a', T0 + datetime.timedelta(seconds=600)),
                         (won.claimed_by, won.claimed_until))
        later = T0 + datetime.timedelta(seconds=599)
        self.assertIsNone(db.backup_retention_policy_claim(
            self.ctx, policy.id, 'host-b', 600, now=later))
        # The holder may renew its own lease.
        self.assertIsNotNone(db.backup_retention_policy_claim(
            self.ctx, policy.id, 'host-a', 600, now=later))
        expired = later + datetime.timedelta(seconds=601)
        taken = db.backup_retention_policy_claim(self.ctx, policy.id,
                                                 'host-b', 600, now=expired)
        self.assertEqual('host-b', taken.claimed_by)

    def test_concurrent_claims_have_one_winner(self):
        policy = self.set(keep_last=1)
        results = {}

        def claim(host):
            results[host] = db.backup_retention_policy_claim(
                self.ctx, policy.id, host, 600, now=T0)

        threads = [threading.Thread(target=claim, args=('host-%d' % n,))
                   for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        winners = [h for h, row in results.items() if row is not None]
        self.assertEqual(1, len(winners), results)
        self.assertEqual(winners[0], db.backup_retention_policy_get(
            self.ctx, SHARE_A).claimed_by)

    def test_update_claimed_needs_the_lease(self):
        policy = self.set(keep_last=1)
        self.assertIsNone(db.backup_retention_policy_update_claimed(
            self.ctx, policy.id, 'host-a', {'last_applied_at': T0}))
        db.backup_retention_policy_claim(self.ctx, policy.id, 'host-a', 60,
                                         now=T0)
        self.assertIsNone(db.backup_retention_policy_update_claimed(
            self.ctx, policy.id, 'host-b', {'last_applied_at': T0}))
        kept = db.backup_retention_policy_update_claimed(
            self.ctx, policy.id, 'host-a',
            {'last_applied_at': T0, 'last_scheduled_at': T0})
        self.assertEqual(('host-a', T0, T0),
                         (kept.claimed_by, kept.last_applied_at,
                          kept.last_scheduled_at))
        released = db.backup_retention_policy_update_claimed(
            self.ctx, policy.id, 'host-a', {'last_error': None},
            release=True)
        self.assertEqual((None, None), (released.claimed_by,
                                        released.claimed_until))

    def test_deleted_policy_cannot_be_claimed(self):
        policy = self.set(keep_last=1)
        db.backup_retention_policy_delete(self.ctx, SHARE_A)
        self.assertIsNone(db.backup_retention_policy_claim(
            self.ctx, policy.id, 'host-a', 60, now=T0))

    def test_share_delete_removes_its_policy(self):
        share = db.share_create(self.ctx, {
            'size': 1, 'share_proto': 'NFS', 'status': 'available',
            'project_id': 'project-a'})
        self.set(share.id, keep_last=2)
        self.set(SHARE_B, keep_last=2)
        db.share_delete(self.ctx, share.id)
        self.assertIsNone(db.backup_retention_policy_get(self.ctx, share.id))
        self.assertIsNotNone(db.backup_retention_policy_get(self.ctx,
                                                            SHARE_B))
