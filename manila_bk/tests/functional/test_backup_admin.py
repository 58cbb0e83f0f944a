"""Admin backup commands end to end (issue 7): verify, export, import.

On the embedded default: a damaged backup found by ``manila-bk-manage
backup verify`` goes to error with a user message (exit code 1, 0 when
intact); after the database's backup rows are wiped, ``backup import``
brings them back from an export file and from the target, idempotently,
and a restore from an imported backup is exact.
"""

import json
import os
import subprocess
import uuid

import sqlalchemy as sa
import testtools

from manila_bk.tests.functional import fixtures as ffx
from manila_bk.tests.functional import test_backup
from manila_bk.tests.unit.data.backup import sample_tree
from manila_bk.tests.unit.data.backup import treecompare


class BackupAdminTestCase(testtools.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.deployment = ffx.Deployment('all', 'sqlite')
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

    @property
    def backup_root(self):
        return os.path.join(self.deployment.workdir, 'state', 'backups')

    def _manage(self, *args):
        return subprocess.run(
            [os.path.join(ffx.BIN, 'manila-bk-manage'), '--config-file',
             self.deployment.config_file] + list(args),
            capture_output=True, text=True, stdin=subprocess.DEVNULL)

    def _backup(self, share, name):
        created = self.http.create_backup(share['id'], name)
        return self.http.wait_backup(created['id'], ('available',))

    def _wipe_backup_rows(self):
        engine = sa.create_engine(self.deployment.db.url)
        with engine.begin() as conn:
            conn.execute(sa.text(
                "UPDATE share_backups SET deleted = id, status = 'deleted' "
                "WHERE deleted = 'False'"))
        engine.dispose()

    def test_verify_damaged_backup_error_and_message(self):
        share, path = self.http.create_share('adm-v-%s' % uuid.uuid4().hex[:6])
        sample_tree.build(path, big_size=300000)
        backup = self._backup(share, 'adm-v')
        intact = self._manage('backup', 'verify', backup['id'])
        self.assertEqual(0, intact.returncode, intact.stderr)
        self.assertIn('intact', intact.stdout)
        self.assertEqual([], self.http.messages(backup['id']))

        dirs = test_backup.find_backup_dirs(self.backup_root, backup['id'])
        with open(os.path.join(dirs[0], 'data', 'big.bin'), 'r+b') as f:
            f.write(b'bit rot')
        damaged = self._manage('backup', 'verify', backup['id'])
        self.assertEqual(1, damaged.returncode, damaged.stderr)
        self.assertIn('big.bin', damaged.stdout)
        self.assertEqual('error', self.http.backup(backup['id'])['status'])
        messages = self.http.messages(backup['id'])
        self.assertEqual(['ERROR'], [m['message_level'] for m in messages])

    def test_import_after_wipe_restores_exact(self):
        tag = uuid.uuid4().hex[:6]
        share, path = self.http.create_share('adm-i-%s' % tag)
        sample_tree.build(path, big_size=200000)
        reference = treecompare.describe(path)
        first = self._backup(share, 'adm-i-1-%s' % tag)
        with open(os.path.join(path, 'later'), 'wb') as f:
            f.write(b'after the first backup')
        second = self._backup(share, 'adm-i-2-%s' % tag)
        export_file = os.path.join(self.deployment.workdir, 'export.json')
        export = self._manage('backup', 'export', first['id'], '--output',
                              export_file)
        self.assertEqual(0, export.returncode, export.stderr)
        with open(export_file) as f:
            record = json.load(f)
        self.assertEqual((share['id'], first['id'], 'adm-i-1-%s' % tag), (
            record['manifest']['share_id'], record['manifest']['backup_id'],
            record['backup']['display_name']))

        self._wipe_backup_rows()
        self.assertIsNone(self.http.backup(first['id']))
        out = self._manage('backup', 'import', export_file)
        self.assertEqual(0, out.returncode, out.stderr)
        self.assertIn('imported', out.stdout)
        out = self._manage('backup', 'import')
        self.assertEqual(0, out.returncode, out.stderr)
        self.assertIn('backup %s: already present' % first['id'], out.stdout)
        self.assertIn('backup %s: imported' % second['id'], out.stdout)
        again = self._manage('backup', 'import', self.backup_root)
        self.assertNotIn(': imported', again.stdout)
        listed = self.http.call('GET', '/share-backups/detail?share_id=%s'
                                % share['id']).json()['share_backups']
        self.assertEqual(
            sorted([(first['id'], 'available', 'adm-i-1-%s' % tag),
                    (second['id'], 'available', 'imported-%s'
                     % second['id'][:8])]),
            sorted((b['id'], b['status'], b['name']) for b in listed))

        self.http.restore(first['id'])
        self.http.wait_backup(first['id'], ('available',),
                              condition=lambda b: b['restore_progress'] ==
                              '100')
        self.http.wait_share(share['id'], ('available',))
        self.assertEqual(reference, treecompare.describe(path))
