"""The share service's backup snapshot flow, on a real local driver."""

import os
import threading
from unittest import mock

from manila_bk.db import api as db
from manila_bk.share.flows import backup_snapshots as flow
from manila_bk.share.flows import common
from manila_bk.tests.unit.share.drivers import local_helpers
from manila_bk.tests.unit.share.flows import base


class BackupSnapshotFlowTestCase(base.FlowTestCase):

    def setUp(self):
        super().setUp()
        self.local = local_helpers.make_local_driver(self)
        self.local.do_setup()

    def make_held_share(self, status='backup_creating'):
        share = self.make_share(status=status)
        self.local.create_share(common.share_spec(share))
        local_helpers.write_file(self.local, common.share_spec(share), 'a',
                                 b'alpha')
        return share

    def make_backup(self, share, status='creating', **values):
        row = {'share_id': share.id, 'status': status, 'size': share.size,
               'project_id': share.project_id, 'user_id': 'user-a',
               'host': 'data-node', 'backup_type': 'full',
               'temp_snapshot_host': share.host}
        row.update(values)
        return db.share_backup_create(self.ctx, row)

    def backup(self, backup_id):
        return db.share_backup_get(self.ctx.elevated(read_deleted='yes'),
                                   backup_id)

    def create(self, share, backup, driver=None, access_to=()):
        return flow.create_backup_snapshot(self.ctx, driver or self.local,
                                           share.id, backup.id, access_to)

    def test_create_answers_export_of_snapshot_with_share_data(self):
        share = self.make_held_share()
        backup = self.make_backup(share)
        answer = self.create(share, backup)
        locations = answer['export_locations']
        self.assertEqual(1, len(locations))
        self.assertTrue(locations[0]['is_admin_only'])
        path = locations[0]['path'].split(':', 1)[1]
        with open(os.path.join(path, 'a'), 'rb') as f:
            self.assertEqual(b'alpha', f.read())
        self.assertEqual([(share.id, backup.id)],
                         self.local.list_backup_snapshots())

    def test_create_passes_data_node_addresses_as_read_only_rules(self):
        share = self.make_held_share()
        backup = self.make_backup(share)
        driver = mock.Mock(wraps=self.local,
                           spec=type(self.local))
        self.create(share, backup, driver, access_to=['10.0.0.7'])
        spec = driver.create_backup_snapshot.call_args[0][0]
        self.assertEqual(backup.id, spec.backup_id)
        self.assertEqual(share.id, spec.share.id)
        self.assertEqual([('ip', '10.0.0.7', 'ro')],
                         [(r.access_type, r.access_to, r.access_level)
                          for r in spec.access_rules])

    def test_create_driver_without_interface_answers_unsupported(self):
        share = self.make_held_share()
        backup = self.make_backup(share)
        answer = self.create(share, backup, driver=self.driver)
        self.assertIn('FakeShareDriver', answer['unsupported'])
        self.assertNotIn('export_locations', answer)

    def test_create_backup_not_creating_answers_error_takes_nothing(self):
        share = self.make_held_share()
        backup = self.make_backup(share, status='error')
        answer = self.create(share, backup)
        self.assertIn('the backup is error', answer['error'])
        self.assertEqual([], self.local.list_backup_snapshots())

    def test_create_share_not_held_answers_error_takes_nothing(self):
        share = self.make_held_share(status='available')
        backup = self.make_backup(share)
        answer = self.create(share, backup)
        self.assertIn('not backup_creating', answer['error'])
        self.assertEqual([], self.local.list_backup_snapshots())

    def test_create_backup_of_other_share_refused(self):
        share = self.make_held_share()
        other = self.make_held_share()
        backup = self.make_backup(other)
        answer = self.create(share, backup)
        self.assertIn('no such backup of this share', answer['error'])

    def test_create_driver_failure_answers_reason(self):
        share = self.make_held_share()
        backup = self.make_backup(share)
        driver = mock.Mock(wraps=self.local, spec=type(self.local))
        driver.create_backup_snapshot.side_effect = OSError(
            28, 'No space left on device', '/srv/x')
        answer = self.create(share, backup, driver)
        self.assertEqual('No space left on device: /srv/x', answer['error'])

    def test_create_backup_given_up_meanwhile_snapshot_deleted(self):
        share = self.make_held_share()
        backup = self.make_backup(share)
        real = self.local.create_backup_snapshot

        def slow(spec):
            result = real(spec)
            # The data service stopped waiting and failed the backup.
            db.share_backup_update(self.ctx, backup.id, {'status': 'error'})
            return result

        with mock.patch.object(self.local, 'create_backup_snapshot', slow):
            answer = self.create(share, backup)
        self.assertIn('error', answer)
        self.assertEqual([], self.local.list_backup_snapshots())

    def test_delete_removes_snapshot_and_clears_backup_record(self):
        share = self.make_held_share()
        backup = self.make_backup(share)
        self.create(share, backup)
        answer = flow.delete_backup_snapshot(self.ctx, self.local, share.id,
                                             backup.id)
        self.assertEqual({'deleted': True}, answer)
        self.assertEqual([], self.local.list_backup_snapshots())
        self.assertIsNone(self.backup(backup.id).temp_snapshot_host)

    def test_delete_of_deleted_share_and_backup_still_works(self):
        share = self.make_held_share()
        backup = self.make_backup(share)
        self.create(share, backup)
        db.share_backup_delete(self.ctx, backup.id)
        db.share_delete(self.ctx, share.id)
        answer = flow.delete_backup_snapshot(self.ctx, self.local, share.id,
                                             backup.id)
        self.assertEqual({'deleted': True}, answer)
        self.assertEqual([], self.local.list_backup_snapshots())
        self.assertIsNone(self.backup(backup.id).temp_snapshot_host)

    def test_delete_failure_answers_error_keeps_record(self):
        share = self.make_held_share()
        backup = self.make_backup(share)
        driver = mock.Mock(wraps=self.local, spec=type(self.local))
        driver.delete_backup_snapshot.side_effect = OSError(16, 'Busy')
        answer = flow.delete_backup_snapshot(self.ctx, driver, share.id,
                                             backup.id)
        self.assertEqual('Busy', answer['error'])
        self.assertEqual(share.host, self.backup(backup.id).temp_snapshot_host)

    def test_orphans_deleted_unless_backup_creating(self):
        share = self.make_held_share()
        running = self.make_backup(share)
        self.create(share, running)
        finished = self.make_backup(share)
        self.create(share, finished)
        db.share_backup_update(self.ctx, finished.id, {'status': 'available'})
        failed = self.make_backup(share)
        self.create(share, failed)
        db.share_backup_update(self.ctx, failed.id, {'status': 'error'})
        gone = self.make_backup(share)
        self.create(share, gone)
        db.share_backup_delete(self.ctx, gone.id)

        report = flow.delete_orphans(self.ctx, self.local)
        self.assertEqual([(share.id, running.id)],
                         self.local.list_backup_snapshots())
        self.assertEqual(3, len(report))
        self.assertTrue(any('(gone)' in line for line in report))
        self.assertIsNone(self.backup(finished.id).temp_snapshot_host)

    def test_orphans_skip_snapshot_being_worked_on(self):
        share = self.make_held_share()
        backup = self.make_backup(share)
        self.create(share, backup)
        db.share_backup_update(self.ctx, backup.id, {'status': 'error'})
        held = threading.Event()
        release = threading.Event()

        def hold():
            with flow._lock(backup.id):
                held.set()
                release.wait(10)

        worker = threading.Thread(target=hold)
        worker.start()
        try:
            held.wait(10)
            self.assertEqual([], flow.delete_orphans(self.ctx, self.local))
            self.assertEqual(1, len(self.local.list_backup_snapshots()))
        finally:
            release.set()
            worker.join()
        self.assertEqual(1, len(flow.delete_orphans(self.ctx, self.local)))

    def test_orphans_driver_without_interface_nothing(self):
        self.assertEqual([], flow.delete_orphans(self.ctx, self.driver))
