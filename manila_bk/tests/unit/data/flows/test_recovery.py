"""Reconciliation of what a data service left unfinished."""

import datetime
import os
from unittest import mock

from manila_bk.common import utils
from manila_bk.data.backup import base as driver_base
from manila_bk.data.flows import access
from manila_bk.data.flows import common
from manila_bk.data.flows import recovery
from manila_bk.db import api as db
from manila_bk.message import message_field as mf
from manila_bk.tests.unit.data import base

INTERRUPTED = mf.Detail.INTERRUPTED_BY_RESTART


class ReconcileTestCase(base.DataTestCase):

    def setUp(self):
        super().setUp()
        self.flags(backup_reconcile_grace=0)

    def _reconcile(self, **kwargs):
        return recovery.reconcile_host(self.ctx, self.driver, self.host,
                                       **kwargs)

    def _age(self, backup, seconds):
        old = utils.utcnow() - datetime.timedelta(seconds=seconds)
        db.share_backup_update(self.ctx, backup.id,
                               {'created_at': old, 'updated_at': old})

    def test_creating_interrupted_partial_removed_error_message(self):
        share = self.make_share(status='backup_creating')
        backup = self.make_backup(share, host=self.host)
        partial = self.backup_dir(backup) + '.partial'
        os.makedirs(os.path.join(partial, 'data'))
        report = self._reconcile()
        backup = self.backup(backup.id)
        self.assertEqual('error', backup.status)
        self.assertIn('stopped before the work was finished',
                      backup.fail_reason)
        self.assertFalse(os.path.exists(partial))
        self.assertEqual('available', self.share(share.id).status)
        self.assert_message(backup.id, mf.Action.CREATE_BACKUP, INTERRUPTED)
        self.assertIn('partial data removed', ' '.join(report))

    def test_progress_counts_steps_and_backups_to_the_end(self):
        for _index in range(2):
            share = self.make_share(status='backup_creating')
            self.make_backup(share, host=self.host)
        calls = []
        self._reconcile(progress_cb=lambda done, total: calls.append(
            (done, total)))
        steps = 5   # mounts, backups, unclaimed, busy shares, access
        self.assertEqual((steps + 2, steps + 2), calls[-1])
        self.assertEqual(sorted(calls), calls)
        self.assertIn((1, steps + 2), calls)

    def test_creating_complete_on_target_finished_available(self):
        share = self.make_share(status='backup_creating')
        self.write(share, 'f', b'x')
        backup = self.make_backup(share, host=self.host)
        self.driver.backup(common.backup_spec(backup),
                           driver_base.ShareSource(share.id,
                                                   self.share_path(share)),
                           None)
        self._reconcile()
        backup = self.backup(backup.id)
        self.assertEqual(('available', '100'),
                         (backup.status, backup.progress))
        self.assertEqual('available', self.share(share.id).status)

    def test_creating_running_here_untouched(self):
        share = self.make_share(status='backup_creating')
        backup = self.make_backup(share, host=self.host)
        self._reconcile(running={backup.id})
        self.assertEqual('creating', self.backup(backup.id).status)
        self.assertEqual('backup_creating', self.share(share.id).status)

    def test_creating_other_host_untouched(self):
        share = self.make_share(status='backup_creating')
        backup = self.make_backup(share, host='other-node')
        self._reconcile()
        self.assertEqual('creating', self.backup(backup.id).status)
        self.assertEqual('backup_creating', self.share(share.id).status)

    def test_restoring_interrupted_share_error_backup_available(self):
        source = self.make_share()
        target = self.make_share(status='backup_restoring')
        backup = self.make_backup(source, status='restoring', host=self.host,
                                  restore_share_id=target.id)
        self._reconcile()
        self.assertEqual('available', self.backup(backup.id).status)
        self.assertEqual('backup_restoring_error',
                         self.share(target.id).status)
        self.assertEqual('available', self.share(source.id).status)
        self.assert_message(target.id, mf.Action.RESTORE_BACKUP,
                            INTERRUPTED)

    def test_deleting_run_again(self):
        self.set_usage(backups=1, backup_gigabytes=1)
        share = self.make_share()
        backup = self.make_backup(share, status='deleting', host=self.host)
        os.makedirs(self.backup_dir(backup) + '.deleting')
        self._reconcile()
        self.assertEqual('deleted', self.backup(backup.id).status)
        self.assertFalse(os.path.exists(self.backup_dir(backup) +
                                        '.deleting'))
        self.assertEqual(0, self.usage('backups'))

    def test_unclaimed_backup_after_timeout_error(self):
        self.flags(backup_unclaimed_timeout=60)
        share = self.make_share(status='backup_creating')
        old = self.make_backup(share)
        self._age(old, 120)
        fresh_share = self.make_share(status='backup_creating')
        fresh = self.make_backup(fresh_share)
        self._reconcile()
        old = self.backup(old.id)
        self.assertEqual('error', old.status)
        self.assertIn('No data service', old.fail_reason)
        self.assertEqual('available', self.share(share.id).status)
        self.assert_message(old.id, mf.Action.CREATE_BACKUP,
                            mf.Detail.BACKUP_FAILED)
        self.assertEqual('creating', self.backup(fresh.id).status)
        self.assertEqual('backup_creating',
                         self.share(fresh_share.id).status)

    def test_orphan_busy_shares_freed(self):
        creating = self.make_share(status='backup_creating')
        restoring = self.make_share(status='backup_restoring')
        self._reconcile()
        self.assertEqual('available', self.share(creating.id).status)
        self.assertEqual('backup_restoring_error',
                         self.share(restoring.id).status)
        self.assert_message(restoring.id, mf.Action.RESTORE_BACKUP,
                            INTERRUPTED)

    def test_orphan_busy_share_within_grace_untouched(self):
        self.flags(backup_reconcile_grace=600)
        share = self.make_share(status='backup_creating')
        self._reconcile()
        self.assertEqual('backup_creating', self.share(share.id).status)

    def test_busy_share_with_live_backup_elsewhere_untouched(self):
        share = self.make_share(status='backup_creating')
        self.make_backup(share, host='other-node')
        self._reconcile()
        self.assertEqual('backup_creating', self.share(share.id).status)

    def test_access_rules_of_interrupted_backup_revoked(self):
        share = self.make_share(status='backup_creating')
        backup = self.make_backup(share, host=self.host)
        db.share_access_create(self.ctx, {
            'share_id': share.id, 'access_type': 'ip',
            'access_to': '10.0.0.5', 'access_level': 'ro',
            'access_key': access.access_key(backup.id), 'state': 'active'})
        self._reconcile(local=False)
        self.assertEqual([], self.rules(share))

    def test_leftover_mounts_unmounted(self):
        root = os.path.join(self.state_path, 'mnt')
        point = os.path.join(root, 'share-x-1234')
        os.makedirs(point)
        with mock.patch.object(recovery.mount, 'find_leftover_mounts',
                               side_effect=[[point], []]), \
                mock.patch.object(recovery.mount, 'unmount') as unmount:
            report = self._reconcile()
        unmount.assert_called_once_with(point, 'umount %(path)s')
        self.assertFalse(os.path.exists(point))
        self.assertIn('leftover mount %s unmounted' % point, report)

    def test_leftover_mounts_kept_while_jobs_run(self):
        with mock.patch.object(recovery, 'cleanup_mounts') as cleanup:
            self._reconcile(running={'x'})
        cleanup.assert_not_called()

    def test_failing_step_reported_others_still_run(self):
        share = self.make_share(status='backup_creating')
        backup = self.make_backup(share, host=self.host)
        with mock.patch.object(recovery, 'free_orphan_shares',
                               side_effect=RuntimeError('db hiccup')):
            report = self._reconcile()
        self.assertIn('busy shares: failed: db hiccup', report)
        self.assertEqual('error', self.backup(backup.id).status)
