"""Backup retention: restic-style selection, order, schedule, the pass.

The selection tests are tables with fixed timestamps.  The pass runs on a
real SQLite database through the real ``backup.api`` (its data service
RPC API is a mock that records the casts).
"""

import datetime
import random
import threading
import time
from unittest import mock

from manila_bk.backup import api as backup_api
from manila_bk.common import states
from manila_bk.data.flows import retention
from manila_bk.data import manager
from manila_bk.db import api as db
from manila_bk import quota
from manila_bk.tests import base
from manila_bk.tests.unit.backup import fakes
from manila_bk.tests.unit.data import base as data_base

C = retention.Candidate
R = retention.Rules
HOST = 'data-a'
NO_SUCH_SHARE = '99999999-9999-4999-8999-999999999999'
OTHER = 'data-b'


def _t(text):
    return datetime.datetime.strptime(text, '%Y-%m-%d %H:%M')


def _cands(*rows):
    """Candidates from (id, 'YYYY-mm-dd HH:MM'[, parent id]) rows."""
    return [C(row[0], _t(row[1]), row[2] if len(row) > 2 else None)
            for row in rows]


# 2024-03-04 is a Monday; ISO week 10 runs 03-04 .. 03-10.
NOW = _t('2024-03-20 12:00')
SUNDAYS = _cands(*[('s%02d' % i, (datetime.datetime(2019, 9, 1, 11) +
                                  datetime.timedelta(weeks=i)).strftime(
                                      '%Y-%m-%d %H:%M'))
                   for i in range(12)])
SPREAD = _cands(('a', '2024-03-01 09:00'), ('b', '2024-03-01 18:00'),
                ('c', '2024-03-05 08:00'), ('d', '2024-03-09 07:00'),
                ('e', '2024-03-09 22:00'), ('f', '2024-03-10 23:59'),
                ('g', '2024-03-11 00:00'), ('h', '2024-03-19 10:00'))

# (what, candidates, rules, now, kept ids newest first with reasons,
#  expired ids in deletion order)
SELECT_CASES = [
    ('empty policy keeps everything', SPREAD, R(), NOW,
     [(i, (retention.REASON_EMPTY,)) for i in 'hgfedcba'], []),
    ('keep last 2', SPREAD, R(keep_last=2), NOW,
     [('h', ('last',)), ('g', ('last',))], list('fedcba')),
    ('keep last more than there are', SPREAD[:3], R(keep_last=5), NOW,
     [('c', ('last',)), ('b', ('last',)), ('a', ('last',))], []),
    ('keep daily 3: newest of each of the last 3 days with backups',
     SPREAD, R(keep_daily=3), NOW,
     [('h', ('daily',)), ('g', ('daily',)), ('f', ('daily',))],
     list('edcba')),
    ('days without backups do not count', SPREAD, R(keep_daily=6), NOW,
     [('h', ('daily',)), ('g', ('daily',)), ('f', ('daily',)),
      ('e', ('daily',)), ('c', ('daily',)), ('b', ('daily',))],
     ['d', 'a']),
    ('keep weekly 2: ISO weeks, Sunday 23:59 and Monday 00:00 differ',
     SPREAD, R(keep_weekly=2), NOW,
     [('h', ('weekly',)), ('g', ('weekly',))], list('fedcba')),
    ('keep weekly 3 reaches the week of Sunday 03-10',
     SPREAD, R(keep_weekly=3), NOW,
     [('h', ('weekly',)), ('g', ('weekly',)), ('f', ('weekly',))],
     list('edcba')),
    ('rules are ORed and share backups', SPREAD,
     R(keep_last=1, keep_daily=2, keep_weekly=4), NOW,
     [('h', ('last', 'daily', 'weekly')), ('g', ('daily', 'weekly')),
      ('f', ('weekly',)), ('b', ('weekly',))], list('edca')),
    ('restic example: one backup every Sunday, keep daily 4', SUNDAYS,
     R(keep_daily=4), _t('2019-11-20 00:00'),
     [('s11', ('daily',)), ('s10', ('daily',)), ('s09', ('daily',)),
      ('s08', ('daily',))], ['s%02d' % i for i in range(7, -1, -1)]),
    ('counts left after the oldest keep the oldest too',
     _cands(('x', '2024-03-19 01:00'), ('y', '2024-03-19 02:00'),
            ('z', '2024-03-19 03:00')), R(keep_daily=7), NOW,
     [('z', ('daily',)), ('x', ('oldest daily',))], ['y']),
    ('no counts left: the oldest is not kept',
     _cands(('x', '2024-03-18 01:00'), ('y', '2024-03-19 02:00')),
     R(keep_daily=1), NOW, [('y', ('daily',))], ['x']),
    ('a single backup stays', _cands(('only', '2024-03-01 00:00')),
     R(keep_weekly=1), NOW, [('only', ('weekly',))], []),
    ('a backup dated in the future is kept and counts for nothing',
     _cands(('old', '2024-03-18 10:00'), ('new', '2024-03-19 10:00'),
            ('skew', '2024-03-21 10:00')), R(keep_last=1), NOW,
     [('skew', (retention.REASON_FUTURE,)), ('new', ('last',))], ['old']),
    ('equal times: the higher id is the newer',
     _cands(('b1', '2024-03-19 10:00'), ('b2', '2024-03-19 10:00')),
     R(keep_last=1), NOW, [('b2', ('last',))], ['b1']),
    ('no backups', [], R(keep_last=3), NOW, [], []),
]


class SelectTestCase(base.TestCase):

    def test_select_table(self):
        for what, cands, rules, now, kept, expired in SELECT_CASES:
            shuffled = list(cands)
            random.Random(7).shuffle(shuffled)
            got = retention.select(shuffled, rules, now)
            self.assertEqual(kept, [(c.id, reasons)
                                    for c, reasons in got.keep], what)
            self.assertEqual(expired, [c.id for c in got.expire], what)

    def test_select_any_rule_keeps_newest_and_partitions(self):
        rng = random.Random(1234)
        start = _t('2024-01-01 00:00')
        for _ in range(300):
            cands = [C('b%03d' % i, start + datetime.timedelta(
                minutes=rng.randrange(60 * 24 * 90)))
                for i in range(rng.randrange(1, 40))]
            rules = R(*(rng.choice((0, 0, 1, 2, 5)) for _ in range(3)))
            if rules.empty():
                rules = R(keep_weekly=1)
            got = retention.select(cands, rules, _t('2024-06-01 00:00'))
            kept = {c.id for c, _r in got.keep}
            gone = {c.id for c in got.expire}
            self.assertEqual(set(), kept & gone)
            self.assertEqual({c.id for c in cands}, kept | gone)
            newest = max(cands, key=lambda c: (c.created_at, c.id))
            self.assertIn(newest.id, kept, rules)

    def test_rules_describe_themselves(self):
        self.assertEqual('keep 2 last, 7 daily',
                         str(R(keep_last=2, keep_daily=7)))
        self.assertEqual('keep all (no keep rule)', str(R()))
        self.assertTrue(R().empty())
        self.assertFalse(R(keep_weekly=1).empty())


class DeletionOrderTestCase(base.TestCase):

    def test_chain_children_before_parents(self):
        chain = _cands(('full', '2024-03-01 00:00'),
                       ('inc1', '2024-03-02 00:00', 'full'),
                       ('inc2', '2024-03-03 00:00', 'inc1'),
                       ('other', '2024-03-02 12:00'))
        order = [c.id for c in retention.deletion_order(chain)]
        self.assertEqual(['inc2', 'other', 'inc1', 'full'], order)

    def test_parent_newer_than_child_still_after_it(self):
        # Imported records may carry parents dated after their children.
        odd = _cands(('child', '2024-03-01 00:00', 'parent'),
                     ('parent', '2024-03-05 00:00'),
                     ('loner', '2024-03-03 00:00'))
        order = [c.id for c in retention.deletion_order(odd)]
        self.assertEqual(['loner', 'child', 'parent'], order)

    def test_parent_outside_the_set_is_ignored(self):
        cands = _cands(('a', '2024-03-01 00:00', 'kept-parent'),
                       ('b', '2024-03-02 00:00', 'a'))
        self.assertEqual(['b', 'a'], [
            c.id for c in retention.deletion_order(cands)])

    def test_cycle_ends(self):
        loop = _cands(('p', '2024-03-01 00:00', 'q'),
                      ('q', '2024-03-02 00:00', 'p'))
        self.assertEqual(['q', 'p'], [
            c.id for c in retention.deletion_order(loop)])


def _policy(**kw):
    values = {'backup_interval': None, 'last_scheduled_at': None,
              'keep_last': 0, 'keep_daily': 0, 'keep_weekly': 0,
              'incremental': False}
    values.update(kw)
    return mock.Mock(**values)


def _backup(status, created):
    return mock.Mock(status=status, created_at=_t(created))


class BackupDueTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.flags(backup_schedule_min_interval=60)

    def test_due_cases(self):
        hour = 3600
        cases = [
            ('no schedule', _policy(), [], False),
            ('nothing yet', _policy(backup_interval=hour), [], True),
            ('recent available backup', _policy(backup_interval=hour),
             [_backup('available', '2024-03-20 11:30')], False),
            ('backup just old enough', _policy(backup_interval=hour),
             [_backup('available', '2024-03-20 11:00')], True),
            ('a failed backup does not count',
             _policy(backup_interval=hour),
             [_backup('error', '2024-03-20 11:59')], True),
            ('a backup being made counts', _policy(backup_interval=hour),
             [_backup('creating', '2024-03-20 11:59')], False),
            ('a recent scheduled request counts',
             _policy(backup_interval=hour,
                     last_scheduled_at=_t('2024-03-20 11:30')),
             [_backup('error', '2024-03-20 11:30')], False),
            ('the minimum interval wins',
             _policy(backup_interval=10,
                     last_scheduled_at=NOW - datetime.timedelta(
                         seconds=30)), [], False),
        ]
        for what, policy, backups, due in cases:
            self.assertEqual(due, retention.backup_due(policy, backups, NOW),
                             what)

    def test_interval_raised_to_minimum(self):
        self.flags(backup_schedule_min_interval=900)
        self.assertEqual(900, retention.backup_interval(
            _policy(backup_interval=30)))
        self.assertEqual(7200, retention.backup_interval(
            _policy(backup_interval=7200)))
        self.assertIsNone(retention.backup_interval(_policy()))


class ApplyPoliciesTestCase(data_base.DataTestCase):
    """One pass on a real database through the real backup.api."""

    def setUp(self):
        super().setUp()
        self.api = backup_api.API()
        self.rpc = mock.Mock()
        self.api.data_rpcapi = self.rpc
        fakes.data_service(self.ctx, host=HOST)
        self.sh = self.make_share()
        self.clock = mock.Mock(return_value=NOW)

    def run_pass(self, host=HOST):
        return retention.apply_policies(self.ctx, host, api=self.api,
                                        clock=self.clock)

    def add(self, status, created, **kw):
        backup = fakes.backup(self.ctx, self.sh, status=status,
                              created_at=_t(created), host=HOST, **kw)
        quota.consume(self.ctx, self.sh.project_id,
                      {'backups': 1, 'backup_gigabytes': 1})
        return backup

    def policy(self, **values):
        return db.backup_retention_policy_set(self.ctx, self.sh.id,
                                              values)

    def statuses(self, *backups):
        return [self.backup(b.id).status for b in backups]

    def deleted_ids(self):
        return [c.args[1] for c in self.rpc.delete_backup.call_args_list]

    def test_prune_deletes_expired_available_children_first(self):
        full = self.add('available', '2024-03-15 10:00')
        inc1 = self.add('available', '2024-03-16 10:00', parent_id=full.id,
                        backup_type='incremental')
        inc2 = self.add('available', '2024-03-17 10:00', parent_id=inc1.id,
                        backup_type='incremental')
        keep1 = self.add('available', '2024-03-18 10:00', parent_id=inc2.id,
                         backup_type='incremental')
        keep2 = self.add('available', '2024-03-19 10:00')
        failed = self.add('error', '2024-03-10 10:00')
        restoring = self.add('restoring', '2024-03-11 10:00')
        self.policy(keep_last=2)
        self.assertEqual(1, self.run_pass())
        self.assertEqual(['deleting'] * 3 + ['available'] * 2 +
                         ['error', 'restoring'],
                         self.statuses(inc2, inc1, full, keep1, keep2,
                                       failed, restoring))
        self.assertEqual([inc2.id, inc1.id, full.id], self.deleted_ids())
        policy = db.backup_retention_policy_get(self.ctx, self.sh.id)
        self.assertEqual((NOW, None, None),
                         (policy.last_applied_at, policy.last_error,
                          policy.claimed_by))

    def test_prune_never_touches_a_backup_that_changed_status(self):
        old = self.add('available', '2024-03-15 10:00')
        new = self.add('available', '2024-03-19 10:00')
        self.policy(keep_last=1)
        real = retention.share_backups

        def listed_then_restored(context, share_id):
            rows = real(context, share_id)
            db.share_backup_update(self.ctx, old.id,
                                   {'status': states.STATUS_ERROR})
            return rows

        with mock.patch.object(retention, 'share_backups',
                               side_effect=listed_then_restored):
            self.run_pass()
        self.assertEqual(['error', 'available'], self.statuses(old, new))
        self.rpc.delete_backup.assert_not_called()

    def test_empty_keep_rules_never_prune(self):
        backups = [self.add('available', '2024-03-%d 10:00' % day)
                   for day in (10, 11, 12)]
        self.policy(backup_interval=86400)
        self.add('creating', '2024-03-20 11:59')
        self.run_pass()
        self.assertEqual(['available'] * 3, self.statuses(*backups))
        self.rpc.delete_backup.assert_not_called()
        self.rpc.create_backup.assert_not_called()

    def test_schedule_creates_incremental_backup_for_the_project(self):
        self.flags(backup_schedule_min_interval=60)
        self.add('available', '2024-03-20 10:00')
        self.policy(backup_interval=3600, incremental=True, keep_last=5)
        self.run_pass()
        created = db.share_backup_get_all(
            self.ctx, filters={'share_id': self.sh.id,
                               'status': 'creating'}, project_only=False)
        self.assertEqual(1, len(created))
        backup = created[0]
        self.assertEqual(('incremental', self.sh.project_id, None),
                         (backup.backup_type, backup.project_id,
                          backup.user_id))
        self.assertTrue(backup.display_name.startswith('scheduled-'))
        self.assertEqual('backup_creating', self.share(self.sh.id).status)
        self.rpc.create_backup.assert_called_once_with(mock.ANY, backup.id)
        self.assertEqual(2, self.usage('backups'))
        policy = db.backup_retention_policy_get(self.ctx, self.sh.id)
        self.assertEqual((backup.id, NOW), (policy.last_scheduled_backup_id,
                                            policy.last_scheduled_at))
        # Not due again at once: the request (and the backup) are recent.
        db.share_update(self.ctx, self.sh.id, {'status': 'available'})
        db.share_backup_update(self.ctx, backup.id, {'status': 'error'})
        self.run_pass()
        self.rpc.create_backup.assert_called_once()

    def test_schedule_full_when_not_incremental(self):
        self.policy(backup_interval=86400)
        self.run_pass()
        [backup] = db.share_backup_get_all(
            self.ctx, filters={'share_id': self.sh.id},
            project_only=False)
        self.assertEqual('full', backup.backup_type)

    def test_schedule_refused_records_reason_and_retries(self):
        self.policy(backup_interval=86400, keep_last=1)
        db.share_update(self.ctx, self.sh.id, {'status': 'extending'})
        self.run_pass()
        policy = db.backup_retention_policy_get(self.ctx, self.sh.id)
        self.assertIn('Scheduled backup refused', policy.last_error)
        self.assertIn('extending', policy.last_error)
        self.assertIsNone(policy.last_scheduled_at)
        self.assertEqual(0, self.usage('backups'))
        db.share_update(self.ctx, self.sh.id, {'status': 'available'})
        self.run_pass()
        policy = db.backup_retention_policy_get(self.ctx, self.sh.id)
        self.assertIsNone(policy.last_error)
        self.rpc.create_backup.assert_called_once()

    def test_schedule_over_quota_refused(self):
        db.quota_create_or_update(self.ctx, self.sh.project_id,
                                  'backups', 0)
        self.policy(backup_interval=86400)
        self.run_pass()
        policy = db.backup_retention_policy_get(self.ctx, self.sh.id)
        self.assertIn('Maximum number of backups', policy.last_error)
        self.assertEqual('available', self.share(self.sh.id).status)

    def test_schedule_waits_for_a_backup_being_made(self):
        self.policy(backup_interval=86400)
        self.add('creating', '2024-03-01 00:00')
        self.run_pass()
        self.rpc.create_backup.assert_not_called()
        self.assertIsNone(db.backup_retention_policy_get(
            self.ctx, self.sh.id).last_error)

    def test_policy_held_by_another_service_is_skipped(self):
        old = self.add('available', '2024-03-15 10:00')
        self.add('available', '2024-03-19 10:00')
        policy = self.policy(keep_last=1)
        self.assertIsNotNone(db.backup_retention_policy_claim(
            self.ctx, policy.id, OTHER, 600, now=NOW))
        self.assertEqual(0, self.run_pass())
        self.assertEqual(['available'], self.statuses(old))
        # The other service died: its lease runs out and we take over.
        self.clock.return_value = NOW + datetime.timedelta(seconds=601)
        self.assertEqual(1, self.run_pass())
        self.assertEqual(['deleting'], self.statuses(old))
        self.assertIsNone(db.backup_retention_policy_get(
            self.ctx, self.sh.id).claimed_by)

    def test_policy_of_a_deleted_share_is_removed(self):
        self.policy(keep_last=1)
        db.share_delete(self.ctx, self.sh.id)
        self.assertIsNone(db.backup_retention_policy_get(self.ctx,
                                                         self.sh.id))
        # A policy whose share went another way is removed by the pass.
        db.backup_retention_policy_set(self.ctx, NO_SUCH_SHARE,
                                       {'keep_last': 1})
        self.run_pass()
        self.assertEqual([], db.backup_retention_policy_get_all(self.ctx))

    def test_one_failing_policy_does_not_stop_the_pass(self):
        second = self.make_share()
        db.backup_retention_policy_set(self.ctx, second.id,
                                       {'keep_last': 1})
        self.policy(keep_last=1)
        real = retention.apply_policy

        def boom(context, policy, api, now):
            if policy.share_id == self.sh.id:
                raise RuntimeError('database hiccup')
            return real(context, policy, api, now)

        with mock.patch.object(retention, 'apply_policy', side_effect=boom):
            self.assertEqual(2, self.run_pass())
        failed = db.backup_retention_policy_get(self.ctx, self.sh.id)
        self.assertIn('database hiccup', failed.last_error)
        self.assertIsNone(failed.claimed_by)
        fine = db.backup_retention_policy_get(self.ctx, second.id)
        self.assertEqual(NOW, fine.last_applied_at)

    def test_preview_matches_the_pass(self):
        self.add('available', '2024-03-15 10:00')
        keep = self.add('available', '2024-03-19 10:00')
        policy = self.policy(keep_daily=1)
        selection = retention.preview(self.ctx, policy, now=NOW)
        self.assertEqual([keep.id], [c.id for c, _r in selection.keep])
        self.assertEqual(1, len(selection.expire))


class ManagerHookTestCase(data_base.DataTestCase):
    """DataManager._apply_backup_retention: interval, back end, one pass."""

    def setUp(self):
        super().setUp()
        self.passes = []
        self.done = threading.Event()

        def fake_pass(context, host):
            self.passes.append(host)
            self.done.set()

        patcher = mock.patch.object(retention, 'apply_policies',
                                    side_effect=fake_pass)
        patcher.start()
        self.addCleanup(patcher.stop)

    def manager(self):
        mgr = manager.DataManager(self.host)
        mgr.init_host()
        self.addCleanup(mgr.cleanup_host)
        return mgr

    def test_pass_runs_once_per_interval(self):
        self.flags(backup_retention_interval=3600)
        mgr = self.manager()
        mgr._apply_backup_retention(self.ctx)
        self.assertTrue(self.done.wait(10))
        deadline = time.monotonic() + 10
        while mgr._retaining.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertFalse(mgr._retaining.is_set())
        # Not due yet: the interval counts from the previous pass.
        mgr._apply_backup_retention(self.ctx)
        mgr.cleanup_host(timeout=10)
        self.assertEqual([self.host], self.passes)

    def test_interval_zero_or_no_backend_never_runs(self):
        self.flags(backup_retention_interval=0)
        self.manager()._apply_backup_retention(self.ctx)
        self.flags(backup_retention_interval=1, enabled_backup_backend=None)
        mgr = self.manager()
        self.assertIsNone(mgr.driver)
        mgr._apply_backup_retention(self.ctx)
        mgr.cleanup_host(timeout=10)
        self.assertEqual([], self.passes)
