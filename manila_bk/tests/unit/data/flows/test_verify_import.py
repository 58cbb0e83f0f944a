"""Verify, export and import of backups (issue 7), and 'made full'."""

import json
import os
import time
from unittest import mock

from manila_bk.data.flows import backup as backup_flow
from manila_bk.data.flows import common
from manila_bk.data.flows import importer
from manila_bk.data.flows import verify
from manila_bk.data import manager
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.message import message_field as mf
from manila_bk.tests.unit.data import base


class _Flows(base.DataTestCase):

    def made_backup(self, name='f.txt', data=b'content', **values):
        share = self.make_share(status='backup_creating')
        self.write(share, name, data)
        backup = self.make_backup(share, host=self.host, **values)
        backup_flow.create_backup(self.ctx, self.driver, backup.id,
                                  self.host)
        backup = self.backup(backup.id)
        self.assertEqual('available', backup.status)
        return share, backup

    def damage(self, backup, name='f.txt'):
        with open(os.path.join(self.backup_dir(backup), 'data', name),
                  'r+b') as f:
            f.write(b'X')


class VerifyTestCase(_Flows):

    def test_verify_intact_backup_unchanged(self):
        _share, backup = self.made_backup()
        outcome = verify.verify_backup(self.ctx, self.driver, backup.id)
        self.assertTrue(outcome.intact)
        self.assertEqual('available', self.backup(backup.id).status)
        self.assertEqual([], self.messages(backup.id))

    def test_verify_damaged_backup_error_reason_message(self):
        _share, backup = self.made_backup()
        self.damage(backup)
        outcome = verify.verify_backup(self.ctx, self.driver, backup.id)
        self.assertFalse(outcome.intact)
        self.assertEqual('error', outcome.status)
        row = self.backup(backup.id)
        self.assertEqual('error', row.status)
        self.assertIn('f.txt', row.fail_reason)
        self.assertIn('verifying', row.fail_reason)
        self.assertEqual(1, len(self.messages(backup.id)))

    def test_verify_busy_backup_refused(self):
        _share, backup = self.made_backup()
        db.share_backup_update(self.ctx, backup.id, {'status': 'restoring'})
        self.assertRaises(exception.InvalidInput, verify.verify_backup,
                          self.ctx, self.driver, backup.id)

    def test_verify_target_unreadable_not_damage(self):
        _share, backup = self.made_backup()
        with mock.patch.object(self.driver, 'verify',
                               side_effect=OSError(5, 'EIO')):
            self.assertRaises(exception.ManilaBkException,
                              verify.verify_backup, self.ctx, self.driver,
                              backup.id)
        self.assertEqual('available', self.backup(backup.id).status)

    def test_verify_deleted_meanwhile_no_message(self):
        _share, backup = self.made_backup()
        self.damage(backup)
        real = self.driver.verify

        def deleting_verify(spec):
            db.share_backup_update(self.ctx, backup.id,
                                   {'status': 'deleting'})
            return real(spec)

        with mock.patch.object(self.driver, 'verify', deleting_verify):
            verify.verify_backup(self.ctx, self.driver, backup.id)
        self.assertEqual('deleting', self.backup(backup.id).status)
        self.assertEqual([], self.messages(backup.id))

    def test_verify_host_backups_reports_each(self):
        _s1, good = self.made_backup()
        _s2, bad = self.made_backup()
        self.damage(bad)
        report = verify.verify_host_backups(self.ctx, self.driver,
                                            self.host)
        self.assertIn('backup %s: intact' % good.id, report)
        self.assertIn('backup %s: damaged, error' % bad.id, report)

    def test_periodic_verify_runs_only_when_due(self):
        _share, backup = self.made_backup()
        self.damage(backup)
        mgr = manager.DataManager(self.host)
        mgr.init_host()
        self.addCleanup(mgr.cleanup_host)
        mgr._verify_backups(self.ctx)  # interval 0: off
        self.assertEqual('available', self.backup(backup.id).status)
        self.flags(backup_verify_interval=3600)
        mgr._verify_backups(self.ctx)  # not due yet
        self.assertEqual('available', self.backup(backup.id).status)
        mgr._last_verify -= 3600
        mgr._verify_backups(self.ctx)
        deadline = time.monotonic() + 10
        while self.backup(backup.id).status != 'error' and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual('error', self.backup(backup.id).status)


class MadeFullTestCase(_Flows):

    def test_incremental_without_parent_full_info_message(self):
        detail = ('111', 'full instead of incremental')
        with mock.patch.object(common.Detail, 'INCREMENTAL_MADE_FULL',
                               detail, create=True):
            _share, backup = self.made_backup(backup_type='incremental')
        self.assertEqual(('full', None), (backup.backup_type,
                                          backup.parent_id))
        self.assert_message(backup.id, mf.Action.CREATE_BACKUP, detail,
                            level='INFO')

    def test_full_backup_no_message(self):
        _share, backup = self.made_backup()
        self.assertEqual([], self.messages(backup.id))


class ImportTestCase(_Flows):

    def wipe(self, backup):
        db.share_backup_delete(self.ctx, backup.id)

    def test_export_record_has_header_and_row(self):
        share, backup = self.made_backup()
        record = importer.export_record(self.ctx, self.driver, backup.id)
        self.assertEqual(importer.EXPORT_FORMAT, record['format'])
        self.assertEqual((backup.id, share.id, backup.project_id),
                         (record['manifest']['backup_id'],
                          record['manifest']['share_id'],
                          record['manifest']['project_id']))
        self.assertEqual('backup', record['backup']['display_name'])
        json.dumps(record, default=str)

    def test_import_from_target_brings_back_and_is_idempotent(self):
        self.set_usage(backups=1, backup_gigabytes=1)
        _share, backup = self.made_backup()
        self.wipe(backup)
        records = importer.read_records(
            os.path.join(self.state_path, 'backups'))
        report = importer.import_records(self.ctx, self.driver, records,
                                         self.host)
        self.assertEqual(['backup %s: imported (brought back)' % backup.id],
                         report)
        row = self.backup(backup.id)
        self.assertEqual(('available', 'False', 'full'),
                         (row.status, row.deleted, row.backup_type))
        self.assertEqual(2, self.usage('backups'))
        again = importer.import_records(self.ctx, self.driver, records,
                                        self.host)
        self.assertIn('already present', again[0])
        self.assertEqual(2, self.usage('backups'))

    def test_import_export_file_restores_row_fields(self):
        _share, backup = self.made_backup()
        record = importer.export_record(self.ctx, self.driver, backup.id)
        path = os.path.join(self.state_path, 'export.json')
        with open(path, 'w') as f:
            json.dump(record, f, default=str)
        db.share_backup_update(self.ctx, backup.id,
                               {'display_name': 'renamed'})
        db.share_backup_delete(self.ctx, backup.id)
        with mock.patch.object(self.driver, 'exists', return_value=True):
            report = importer.import_records(
                self.ctx, self.driver, importer.read_records(path),
                self.host)
        self.assertIn('imported', report[0])
        self.assertEqual(('backup', 'available'),
                         (self.backup(backup.id).display_name,
                          self.backup(backup.id).status))

    def test_import_skips_backup_not_on_target(self):
        _share, backup = self.made_backup()
        manifest = os.path.join(self.backup_dir(backup), 'manifest.json')
        records = importer.read_records(manifest)
        self.wipe(backup)
        self.driver.delete(importer._spec(importer._values(
            records[0]['manifest'], None, self.host)))
        report = importer.import_records(self.ctx, self.driver, records,
                                         self.host)
        self.assertIn('not complete', report[0])
        self.assertEqual('deleted', self.backup(backup.id).status)

    def test_read_records_rejects_other_json(self):
        path = os.path.join(self.state_path, 'other.json')
        with open(path, 'w') as f:
            json.dump({'hello': 1}, f)
        self.assertRaises(exception.InvalidInput, importer.read_records,
                          path)
