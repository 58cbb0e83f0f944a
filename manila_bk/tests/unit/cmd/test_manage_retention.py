"""manila-bk-manage backup retention set|show|unset on a SQLite database.

The commands against a running deployment are in
tests/functional/test_backup_retention.py.
"""

import argparse
import datetime
import io
import json
import types

import fixtures

from manila_bk.cmd import manage_retention
from manila_bk.common import utils
from manila_bk.db import api as db
from manila_bk.tests import base
from manila_bk.tests.unit.backup import fakes as backup_fakes
from manila_bk.tests.unit.share import api_fakes


def set_args(share, **values):
    defaults = {'share': share, 'keep_last': None, 'keep_daily': None,
                'keep_weekly': None, 'every_hours': None,
                'incremental': None}
    defaults.update(values)
    return types.SimpleNamespace(**defaults)


def show_args(share=None, fmt='json'):
    return types.SimpleNamespace(share=share, format=fmt)


class RetentionCommandTestCase(base.DBTestCase):

    def setUp(self):
        super().setUp()
        self.stdout = self.useFixture(fixtures.MockPatch(
            'sys.stdout', new_callable=io.StringIO)).mock
        self.stderr = self.useFixture(fixtures.MockPatch(
            'sys.stderr', new_callable=io.StringIO)).mock
        self.flags(backup_schedule_min_interval=900)
        self.share = api_fakes.share(self.ctx, project_id='project-b',
                                     display_name='web-data')

    def fails(self, func, args, needle):
        exc = self.assertRaises(SystemExit, func, args)
        self.assertEqual(2, exc.code)
        self.assertIn(needle, self.stderr.getvalue())

    def policy(self):
        return db.backup_retention_policy_get(self.ctx, self.share.id)

    def show(self, share=None):
        self.stdout.truncate(0)
        self.stdout.seek(0)
        manage_retention._show(show_args(share))
        return json.loads(self.stdout.getvalue())

    def test_set_by_name_creates_then_merges(self):
        manage_retention._set(set_args('web-data', keep_last=3,
                                       every_hours=1.5, incremental=True))
        policy = self.policy()
        self.assertEqual((3, 0, 5400, True, 'project-b'),
                         (policy.keep_last, policy.keep_daily,
                          policy.backup_interval, policy.incremental,
                          policy.project_id))
        self.assertIn('keep 3 last; incremental backup every 1.5 hours '
                      '(5400 seconds)', self.stdout.getvalue())
        manage_retention._set(set_args(self.share.id, keep_weekly=4,
                                       incremental=False))
        policy = self.policy()
        self.assertEqual((3, 4, 5400, False),
                         (policy.keep_last, policy.keep_weekly,
                          policy.backup_interval, policy.incremental))
        manage_retention._set(set_args(self.share.id, every_hours=0))
        self.assertIsNone(self.policy().backup_interval)

    def test_set_refusals(self):
        self.fails(manage_retention._set,
                   set_args(self.share.id, keep_last=1, every_hours=0.2),
                   'shorter than [DEFAULT] backup_schedule_min_interval')
        self.fails(manage_retention._set, set_args(self.share.id),
                   'neither keep nor schedule')
        self.fails(manage_retention._set,
                   set_args('nothing-like-it', keep_last=1),
                   'no share with ID or name nothing-like-it')
        api_fakes.share(self.ctx, display_name='web-data')
        self.fails(manage_retention._set, set_args('web-data', keep_last=1),
                   '2 shares are named web-data')
        self.assertIsNone(self.policy())
        # Turning off the last rule of an existing policy is refused too.
        manage_retention._set(set_args(self.share.id, keep_daily=2))
        self.fails(manage_retention._set,
                   set_args(self.share.id, keep_daily=0), 'use "unset"')
        self.assertEqual(2, self.policy().keep_daily)

    def test_schedule_without_keep_rules_warns(self):
        manage_retention._set(set_args(self.share.id, every_hours=24))
        self.assertIn('Warning: no keep rule', self.stdout.getvalue())

    def test_argument_types(self):
        self.assertEqual(0, manage_retention._count('0'))
        for bad in ('-1', 'x', '100001', '1.5'):
            self.assertRaises(argparse.ArgumentTypeError,
                              manage_retention._count, bad)
        self.assertEqual(0.25, manage_retention._hours('0.25'))
        for bad in ('-0.5', 'soon', '9000'):
            self.assertRaises(argparse.ArgumentTypeError,
                              manage_retention._hours, bad)

    def test_show_lists_and_previews(self):
        self.assertEqual([], self.show())
        self.fails(manage_retention._show, show_args(self.share.id),
                   'has no backup retention policy')
        now = utils.utcnow()
        old = backup_fakes.backup(self.ctx, self.share,
                                  created_at=now - datetime.timedelta(days=3))
        new = backup_fakes.backup(self.ctx, self.share,
                                  created_at=now - datetime.timedelta(days=1))
        backup_fakes.backup(self.ctx, self.share, status='error')
        manage_retention._set(set_args(self.share.id, keep_last=1))
        listed = self.show()
        self.assertEqual([(self.share.id, 1, None)],
                         [(p['share_id'], p['keep_last'], p['every_hours'])
                          for p in listed])
        one = self.show(self.share.id)
        self.assertEqual([(new.id, ['last'])],
                         [(k['id'], k['reasons']) for k in one['keep']])
        self.assertEqual([old.id], [e['id'] for e in one['expire']])
        self.stdout.truncate(0)
        self.stdout.seek(0)
        manage_retention._show(show_args(self.share.id, fmt='table'))
        text = self.stdout.getvalue()
        self.assertIn('kept now (1)', text)
        self.assertIn('next pass deletes (1):\n  %s' % old.id, text)

    def test_unset_removes_and_refuses_twice(self):
        manage_retention._set(set_args(self.share.id, keep_last=1))
        manage_retention._unset(types.SimpleNamespace(share=self.share.id))
        self.assertIsNone(self.policy())
        self.assertIn('removed; its backups stay', self.stdout.getvalue())
        self.fails(manage_retention._unset,
                   types.SimpleNamespace(share=self.share.id),
                   'has no backup retention policy')
