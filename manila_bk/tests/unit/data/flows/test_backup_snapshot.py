"""Backups from a temporary snapshot (``backup_from_snapshot``).

The data flow runs against the real share-side flow and a real local
share driver whose root is the tests' share directory: the stand-in for
the share service's RPC calls only forwards them (or plays a share
service that does not answer).
"""

import datetime
import json
import os
from unittest import mock

import oslo_messaging as messaging

from manila_bk.common import utils
from manila_bk.data.flows import backup as backup_flow
from manila_bk.data.flows import backup_snapshot
from manila_bk.data.flows import recovery
from manila_bk.db import api as db
from manila_bk.message import message_field as mf
from manila_bk.share.flows import backup_snapshots as share_flow
from manila_bk.tests.unit.data import base
from manila_bk.tests.unit.share.drivers import local_helpers

SHARE_HOST = 'node@local1'


def read_files(top):
    """{relative path: content} of the regular files below ``top``."""
    found = {}
    for dirpath, _dirs, files in os.walk(top):
        for name in files:
            path = os.path.join(dirpath, name)
            with open(path, 'rb') as f:
                found[os.path.relpath(path, top)] = f.read()
    return found


class SnapshotShareService:
    """Forwards backup snapshot calls to the share flow on a local driver.

    ``mode``: 'ok'; 'timeout' (no answer: MessagingTimeout); 'unsupported'
    (a driver without backup snapshots).  ``share_status`` records the
    share's status when each snapshot was requested.
    """

    def __init__(self, test):
        self.test = test
        self.mode = 'ok'
        self.share_status = []
        self.deletes = []

    def create_backup_snapshot(self, context, share_id, backup_id, host,
                               access_to=(), timeout=None):
        self.test.assertEqual(SHARE_HOST + '#pool', host)
        self.share_status.append(self.test.share(share_id).status)
        if self.mode == 'timeout':
            raise messaging.MessagingTimeout('no answer')
        if self.mode == 'unsupported':
            return share_flow.create_backup_snapshot(
                context, self.test.fake_driver, share_id, backup_id,
                access_to)
        return share_flow.create_backup_snapshot(
            context, self.test.local, share_id, backup_id, access_to)

    def delete_backup_snapshot(self, context, share_id, backup_id, host,
                               wait=True, timeout=None):
        self.deletes.append((backup_id, wait))
        if self.mode == 'timeout':
            raise messaging.MessagingTimeout('no answer')
        answer = share_flow.delete_backup_snapshot(
            context, self.test.local, share_id, backup_id)
        return answer if wait else None


class SnapshotTestBase(base.DataTestCase):
    """A local share driver on the share directory, snapshots enabled."""

    def setUp(self):
        super().setUp()
        self.flags(backup_from_snapshot=True, group=base.SECTION)
        self.local = local_helpers.make_local_driver(
            self, local_share_root=self.shares_root)
        self.local.do_setup()
        self.fake_driver = mock.Mock(spec=object)
        self.snapshots = SnapshotShareService(self)
        self.share_service.create_backup_snapshot = \
            self.snapshots.create_backup_snapshot
        self.share_service.delete_backup_snapshot = \
            self.snapshots.delete_backup_snapshot
        self.service = self.share_capabilities(snapshot_support=True)

    def share_capabilities(self, **caps):
        pool = dict({'pool_name': 'pool'}, **caps)
        return db.service_create(self.ctx, {
            'host': SHARE_HOST, 'binary': 'manila-bk-share',
            'topic': 'share', 'capabilities': json.dumps([pool])})

    def make_share(self, status='backup_creating', **values):
        values.setdefault('host', SHARE_HOST + '#pool')
        return super().make_share(status=status, **values)

    def run_backup(self, backup, driver=None):
        backup_flow.create_backup(self.ctx, driver or self.driver, backup.id,
                                  self.host)
        return self.backup(backup.id)

    def data_tree(self, backup):
        return os.path.join(self.backup_dir(backup), 'data')

    def copying(self, action):
        """A backup driver that runs ``action()`` before copying."""
        driver = mock.Mock(wraps=self.driver)
        real = self.driver.backup

        def backup(spec, source, progress):
            action(source)
            return real(spec, source, progress)

        driver.backup.side_effect = backup
        return driver


class BackupSnapshotTestCase(SnapshotTestBase):

    def test_share_free_during_copy_backup_holds_snapshot_time_data(self):
        share = self.make_share()
        self.write(share, 'a', b'before')
        os.mkdir(os.path.join(self.share_path(share), 'd'))
        self.write(share, 'd/b', b'nested')
        seen = {}

        def write_during_copy(source):
            seen['status'] = self.share(share.id).status
            seen['path'] = source.path
            self.write(share, 'a', b'written during the copy')
            self.write(share, 'new', b'new')

        backup = self.run_backup(self.make_backup(share, host=self.host),
                                 self.copying(write_during_copy))
        self.assertEqual(('available', '100', None),
                         (backup.status, backup.progress,
                          backup.fail_reason))
        self.assertEqual(['backup_creating'], self.snapshots.share_status)
        self.assertEqual('available', seen['status'])
        self.assertNotEqual(self.share_path(share), seen['path'])
        self.assertEqual({'a': b'before', 'd/b': b'nested'},
                         read_files(self.data_tree(backup)))
        self.assertEqual('available', self.share(share.id).status)
        self.assertTrue(backup.from_snapshot)
        self.assertIsNone(backup.temp_snapshot_host)
        self.assertEqual([], self.local.list_backup_snapshots())
        self.assertEqual([(backup.id, True)], self.snapshots.deletes)

    def test_copy_failure_snapshot_deleted_other_holder_keeps_share(self):
        share = self.make_share()
        self.write(share, 'a', b'x')
        other = {}

        def another_backup_takes_share(source):
            db.share_update(self.ctx, share.id,
                            {'status': 'backup_creating'})
            other['backup'] = self.make_backup(share)

        driver = self.copying(another_backup_takes_share)
        real = driver.backup.side_effect

        def fail(spec, source, progress):
            real(spec, source, progress)
            raise OSError(28, 'No space left on device', '/backups/x')

        driver.backup.side_effect = fail
        backup = self.run_backup(self.make_backup(share, host=self.host),
                                 driver)
        self.assertEqual('error', backup.status)
        self.assertIn('No space left on device', backup.fail_reason)
        self.assertEqual([], self.local.list_backup_snapshots())
        self.assertEqual('backup_creating', self.share(share.id).status)
        self.assert_message(backup.id, mf.Action.CREATE_BACKUP,
                            mf.Detail.BACKUP_FAILED)

    def test_snapshot_failure_backup_error_reason_share_freed(self):
        share = self.make_share()
        with mock.patch.object(self.local, 'create_backup_snapshot',
                               side_effect=OSError(28, 'No space left')):
            backup = self.run_backup(self.make_backup(share, host=self.host))
        self.assertEqual('error', backup.status)
        self.assertIn('taking the temporary snapshot of the share',
                      backup.fail_reason)
        self.assertIn('No space left', backup.fail_reason)
        self.assertEqual('available', self.share(share.id).status)
        self.assertEqual([], self.local.list_backup_snapshots())
        self.assertIsNone(backup.temp_snapshot_host)
        self.assert_message(backup.id, mf.Action.CREATE_BACKUP,
                            mf.Detail.BACKUP_FAILED)

    def test_share_service_timeout_error_delete_requested_not_awaited(self):
        self.snapshots.mode = 'timeout'
        share = self.make_share()
        backup = self.run_backup(self.make_backup(share, host=self.host))
        self.assertEqual('error', backup.status)
        self.assertIn('backup_snapshot_timeout', backup.fail_reason)
        self.assertEqual('available', self.share(share.id).status)
        self.assertEqual([(backup.id, False)], self.snapshots.deletes)
        # Left for the share service's sweep, which knows the host.
        self.assertEqual(SHARE_HOST + '#pool', backup.temp_snapshot_host)

    def test_driver_without_backup_snapshots_reads_live_share(self):
        self.snapshots.mode = 'unsupported'
        share = self.make_share()
        self.write(share, 'a', b'live')
        seen = {}

        def look(source):
            seen['status'] = self.share(share.id).status
            seen['path'] = source.path

        backup = self.run_backup(self.make_backup(share, host=self.host),
                                 self.copying(look))
        self.assertEqual('available', backup.status)
        self.assertEqual('backup_creating', seen['status'])
        self.assertEqual(self.share_path(share), seen['path'])
        self.assertFalse(backup.from_snapshot)
        self.assertIsNone(backup.temp_snapshot_host)
        self.assertEqual('available', self.share(share.id).status)

    def test_option_off_no_snapshot_requested(self):
        self.flags(backup_from_snapshot=False, group=base.SECTION)
        share = self.make_share()
        backup = self.run_backup(self.make_backup(share, host=self.host))
        self.assertEqual('available', backup.status)
        self.assertEqual([], self.snapshots.share_status)

    def test_back_end_without_snapshot_support_no_snapshot_requested(self):
        db.service_update(self.ctx, self.service.id, {
            'capabilities': json.dumps([{'pool_name': 'pool',
                                         'snapshot_support': False}])})
        share = self.make_share()
        backup = self.run_backup(self.make_backup(share, host=self.host))
        self.assertEqual('available', backup.status)
        self.assertEqual([], self.snapshots.share_status)

    def test_snapshot_support_reads_the_share_pool(self):
        self.assertTrue(backup_snapshot.snapshot_support(
            self.ctx, self.make_share()))
        self.assertFalse(backup_snapshot.snapshot_support(
            self.ctx, self.make_share(host=SHARE_HOST + '#other')))
        self.assertFalse(backup_snapshot.snapshot_support(
            self.ctx, self.make_share(host='elsewhere@x#pool')))

    def test_delete_failure_backup_available_share_service_sweeps(self):
        share = self.make_share()
        with mock.patch.object(self.local, 'delete_backup_snapshot',
                               side_effect=OSError(16, 'Busy')):
            backup = self.run_backup(self.make_backup(share, host=self.host))
        self.assertEqual('available', backup.status)
        self.assertEqual(SHARE_HOST + '#pool', backup.temp_snapshot_host)
        self.assertEqual(1, len(self.local.list_backup_snapshots()))
        share_flow.delete_orphans(self.ctx, self.local)
        self.assertEqual([], self.local.list_backup_snapshots())
        self.assertIsNone(self.backup(backup.id).temp_snapshot_host)


class BackupSnapshotRecoveryTestCase(SnapshotTestBase):

    def setUp(self):
        super().setUp()
        self.flags(backup_reconcile_grace=0)

    def interrupted(self, share, from_snapshot=True):
        """A backup killed mid-copy: snapshot taken, partial tree."""
        backup = self.make_backup(share, host=self.host)
        share_flow.create_backup_snapshot(self.ctx, self.local, share.id,
                                          backup.id)
        db.share_backup_update(self.ctx, backup.id, {
            'temp_snapshot_host': share.host,
            'from_snapshot': from_snapshot})
        os.makedirs(os.path.join(self.backup_dir(backup) + '.partial',
                                 'data'))
        return backup

    def test_interrupted_copy_error_snapshot_deleted_share_untouched(self):
        share = self.make_share()
        backup = self.interrupted(share)
        # The share was freed; another backup holds it now.
        self.make_backup(share)
        report = recovery.reconcile_host(self.ctx, self.driver, self.host)
        backup = self.backup(backup.id)
        self.assertEqual('error', backup.status)
        self.assertIn('stopped before the work was finished',
                      backup.fail_reason)
        self.assertEqual([(backup.id, False)], self.snapshots.deletes)
        self.assertEqual([], self.local.list_backup_snapshots())
        self.assertEqual('backup_creating', self.share(share.id).status)
        self.assertIn('interrupted', ' '.join(report))

    def test_interrupted_between_free_and_mark_other_holder_kept(self):
        share = self.make_share()
        backup = self.interrupted(share, from_snapshot=False)
        self.make_backup(share)
        recovery.reconcile_host(self.ctx, self.driver, self.host)
        self.assertEqual('error', self.backup(backup.id).status)
        self.assertEqual('backup_creating', self.share(share.id).status)

    def test_interrupted_while_snapshotting_share_freed(self):
        share = self.make_share()
        backup = self.interrupted(share, from_snapshot=False)
        recovery.reconcile_host(self.ctx, self.driver, self.host)
        self.assertEqual('error', self.backup(backup.id).status)
        self.assertEqual('available', self.share(share.id).status)
        self.assertEqual([], self.local.list_backup_snapshots())

    def test_busy_share_freed_when_only_snapshot_backups_run(self):
        share = self.make_share()
        elsewhere = self.make_backup(share, host='other-data-node',
                                     from_snapshot=True)
        old = utils.utcnow() - datetime.timedelta(seconds=120)
        db.share_update(self.ctx, share.id, {'updated_at': old})
        report = recovery.free_orphan_shares(self.ctx)
        self.assertEqual('available', self.share(share.id).status)
        self.assertEqual('creating', self.backup(elsewhere.id).status)
        self.assertEqual(['share %s: no backup running, available'
                          % share.id], report)
