"""Backup retention policies end to end, and their database on servers.

``RetentionTestCase`` runs ``manila-bk-all`` (SQLite) with passes every
second and ``backup_schedule_min_interval = 1`` so that ``--every-hours
0.001`` (4 seconds) is allowed: the test-only shortening is that option,
set in the deployment's manila.conf.  A policy ``--keep-last 2
--incremental`` makes scheduled incremental backups of a share whose tree
changes between them; the test watches them appear and the expired ones
(a manual backup first, then the oldest members of the incremental chain)
get deleted from the API and the target, while a backup in ``error``
stays; the survivors restore exactly the trees they were taken of.

To know which tree each backup holds, the test changes the tree only
while the schedule is off (``set --every-hours 0``) and no pass is
applying the policy, and turns it on again afterwards.

``*RetentionPolicyDBTestCase`` run the database tests of
``unit/db/test_retention.py`` (CAS leases, concurrent sets and claims) on
MariaDB and PostgreSQL.
"""

import json
import os
import subprocess
import uuid

import testtools

from manila_bk.tests.functional import fixtures as ffx
from manila_bk.tests.functional import test_backup
from manila_bk.tests.functional import test_backup_incremental
from manila_bk.tests.functional import test_db_backends
from manila_bk.tests.unit.data.backup import sample_tree
from manila_bk.tests.unit.data.backup import treecompare
from manila_bk.tests.unit.db import test_retention as db_retention

EVERY_HOURS = '0.001'
SCHEDULED = 3


class RetentionTestCase(testtools.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.deployment = ffx.Deployment('all', 'sqlite', extra_config={
            'DEFAULT': {'periodic_interval': '1',
                        'backup_retention_interval': '1',
                        'backup_schedule_min_interval': '1'}})
        try:
            cls.deployment.start()
        except Exception:
            cls.deployment.cleanup()
            raise
        cls.http = test_backup.BackupHTTP(cls.deployment.endpoint)

    @classmethod
    def tearDownClass(cls):
        cls.deployment.cleanup()
        super().tearDownClass()

    # -- helpers -------------------------------------------------------------

    def manage(self, *args, expect=0):
        proc = subprocess.run(
            [os.path.join(ffx.BIN, 'manila-bk-manage'), '--config-file',
             self.deployment.config_file, 'backup', 'retention'] +
            list(args), capture_output=True, text=True, timeout=120,
            stdin=subprocess.DEVNULL)
        self.assertEqual(expect, proc.returncode, '%s\n%s\n%s' % (
            args, proc.stdout, proc.stderr))
        return proc

    def show(self, share_id):
        return json.loads(self.manage('show', share_id, '--format',
                                      'json').stdout)

    def backups(self, share_id):
        resp = self.http.call('GET', '/share-backups/detail?share_id=%s'
                              % share_id)
        return {b['id']: b for b in resp.json()['share_backups']}

    @property
    def backup_root(self):
        return os.path.join(self.deployment.workdir, 'state', 'backups')

    def quiesce(self, share_id):
        """Wait until no pass holds the policy and no backup is running."""
        def quiet():
            if self.show(share_id)['applying_host']:
                return False
            busy = [b for b in self.backups(share_id).values()
                    if b['status'] not in ('available', 'error')]
            share = self.http.share(share_id)
            return not busy and share['status'] == 'available'

        ffx.wait_for(quiet, 120, interval=0.5, what='a quiet share')

    def wait_survivors(self, share_id, expected):
        """Wait until the available backups are exactly ``expected``."""
        def settled():
            available = {i for i, b in self.backups(share_id).items()
                         if b['status'] == 'available'}
            return available == set(expected)

        ffx.wait_for(settled, 120, interval=0.5,
                     what='available backups %s' % sorted(expected))

    def restore_and_compare(self, backup_id, share, path, reference):
        self.http.restore(backup_id)
        self.http.wait_backup(backup_id, ('available',),
                              condition=lambda b: b['restore_progress'] ==
                              '100')
        restored = self.http.wait_share(share['id'], (
            'available', 'backup_restoring_error'))
        self.assertEqual('available', restored['status'])
        facts = treecompare.describe(path)
        wrong = sorted(rel for rel in set(facts) | set(reference)
                       if facts.get(rel) != reference.get(rel))
        self.assertEqual([], wrong, 'backup %s' % backup_id)

    def assert_gone(self, backup_id):
        self.assertIsNone(self.http.backup(backup_id))
        self.assertEqual([], test_backup.find_backup_dirs(
            self.backup_root, backup_id))

    # -- tests ---------------------------------------------------------------

    def test_set_refuses_bad_policies(self):
        share, _path = self.http.create_share('ret-bad-%s'
                                              % uuid.uuid4().hex[:6])
        short = self.manage('set', share['id'], '--keep-last', '1',
                            '--every-hours', '0.0001', expect=2)
        self.assertIn('backup_schedule_min_interval', short.stderr)
        nothing = self.manage('set', share['id'], '--keep-last', '0',
                              expect=2)
        self.assertIn('neither keep nor schedule', nothing.stderr)
        unknown = self.manage('set', 'no-such-share', '--keep-last', '1',
                              expect=2)
        self.assertIn('no share with ID or name no-such-share',
                      unknown.stderr)
        self.manage('set', share['id'], '--keep-last', '-1', expect=2)
        self.manage('show', share['id'], expect=2)
        self.manage('unset', share['id'], expect=2)
        # A schedule without keep rules is allowed, with a warning.
        warned = self.manage('set', share['id'], '--every-hours', '24')
        self.assertIn('Warning: no keep rule', warned.stdout)
        self.assertEqual((0, 24.0, False), tuple(
            self.show(share['id'])[k] for k in ('keep_last', 'every_hours',
                                                'incremental')))
        self.manage('unset', share['id'])
        self.manage('show', share['id'], expect=2)

    def test_scheduled_incremental_backups_pruned_survivors_restore(self):
        tag = uuid.uuid4().hex[:6]
        share, path = self.http.create_share('ret-%s' % tag)
        sample_tree.build(path, big_size=1024 * 1024 + 17)
        current = treecompare.describe(path)
        trees = {}
        manual = self.http.create_backup(share['id'], 'manual-%s' % tag)
        manual = self.http.wait_backup(manual['id'], ('available',))
        broken = self.http.create_backup(share['id'], 'broken-%s' % tag)
        self.http.wait_backup(broken['id'], ('available',))
        self.http.call('POST', '/share-backups/%s/action' % broken['id'],
                       {'reset_status': {'status': 'error'}})
        trees[manual['id']] = current
        seen = {manual['id']: manual}

        # By name: set resolves a unique share name.
        out = self.manage('set', share['name'], '--keep-last', '2',
                          '--every-hours', EVERY_HOURS, '--incremental')
        self.assertIn('keep 2 last; incremental backup every 0.0011 hours '
                      '(4 seconds)', out.stdout)
        scheduled = []
        for step in range(1, SCHEDULED + 1):
            known = set(trees) | {broken['id']}
            new = ffx.wait_for(
                lambda: [i for i, b in self.backups(share['id']).items()
                         if i not in known and b['status'] == 'available'],
                120, interval=0.5, what='scheduled backup %d' % step)
            self.manage('set', share['id'], '--every-hours', '0')
            self.quiesce(share['id'])
            for backup_id, backup in self.backups(share['id']).items():
                if backup_id not in known:
                    trees[backup_id] = current
                    seen[backup_id] = backup
                    scheduled.append(backup_id)
            self.assertIn(new[0], scheduled)
            # keep-last 2 over every available backup, manual ones too.
            newest_two = sorted(trees, key=lambda i: seen[i]['created_at'])
            self.wait_survivors(share['id'], newest_two[-2:])
            if step < SCHEDULED:
                test_backup_incremental._change(path, step)
                current = treecompare.describe(path)
                self.manage('set', share['id'], '--every-hours',
                            EVERY_HOURS)

        self.assertGreaterEqual(len(scheduled), SCHEDULED)
        for backup_id in scheduled:
            self.assertEqual(('incremental', 'scheduled-'), (
                seen[backup_id]['backup_type'],
                seen[backup_id]['name'][:len('scheduled-')]))
        listing = self.backups(share['id'])
        survivors = sorted(i for i in listing
                           if listing[i]['status'] == 'available')
        self.assertEqual(2, len(survivors))
        self.assertTrue(set(survivors) <= set(scheduled))
        for backup_id in set(trees) - set(survivors):
            self.assert_gone(backup_id)
        # Never pruned: not available.
        self.assertEqual('error', listing[broken['id']]['status'])

        policy = self.show(share['id'])
        self.assertEqual((2, None, True, None),
                         (policy['keep_last'], policy['every_hours'],
                          policy['incremental'], policy['last_error']))
        self.assertIn(policy['last_scheduled_backup_id'], scheduled)
        self.assertEqual(sorted(survivors),
                         sorted(k['id'] for k in policy['keep']))
        self.assertEqual([], policy['expire'])
        listed = self.manage('show').stdout
        self.assertIn(share['id'], listed)

        # Both survivors restore exactly; the older one first, as keep-last
        # 1 then deletes it: it is the parent of the newer one, which still
        # restores exactly.
        older, newer = sorted(survivors, key=lambda i: seen[i]['created_at'])
        self.restore_and_compare(older, share, path, trees[older])
        self.manage('set', share['id'], '--keep-last', '1')
        self.wait_survivors(share['id'], [newer])
        ffx.wait_for(lambda: self.http.backup(older) is None, 60,
                     what='backup %s deleted' % older)
        self.assert_gone(older)
        self.restore_and_compare(newer, share, path, trees[newer])

        self.manage('unset', share['id'])
        self.manage('show', share['id'], expect=2)
        self.assertNotIn(share['id'], self.manage('show').stdout)
        self.assertEqual('error', self.http.backup(broken['id'])['status'])


class MariaDBRetentionPolicyDBTestCase(
        test_db_backends.ServerDatabaseMixin,
        db_retention.RetentionPolicyDBTestCase):
    db_kind = 'mysql'


class PostgreSQLRetentionPolicyDBTestCase(
        test_db_backends.ServerDatabaseMixin,
        db_retention.RetentionPolicyDBTestCase):
    db_kind = 'postgresql'
