"""Damaged backups: found by verify, refused by restore before any change."""

import json
import os

from manila_bk.data.backup import base
from manila_bk.tests.unit.data.backup import driver_helpers
from manila_bk.tests.unit.data.backup import treecompare


class DamageTestCase(driver_helpers.DriverTestCase):

    def setUp(self):
        super().setUp()
        self.paths = self.build_sample(big_size=3 * 1024 * 1024 + 5)
        self.backup, _result = self.do_backup()
        self.restore_to = self.new_dir('target')
        with open(os.path.join(self.restore_to, 'precious'), 'w') as f:
            f.write('tenant data written after the backup')
        self.before = treecompare.describe(self.restore_to)

    def _data(self, rel):
        return self.data_path(self.backup, rel)

    def _flip_byte(self, rel, offset):
        with open(self._data(rel), 'r+b') as f:
            f.seek(offset)
            byte = f.read(1)
            f.seek(offset)
            f.write(bytes([byte[0] ^ 0x01]))

    def _assert_refused_untouched(self, text):
        exc = self.assertRaises(base.BackupCorrupted, self.do_restore,
                                self.backup, self.restore_to)
        self.assertIn(text, str(exc))
        self.assertIs(True, exc.target_untouched)
        self.assertEqual(self.before, treecompare.describe(self.restore_to))

    def test_flipped_byte_reported_and_restore_refused(self):
        self._flip_byte(self.paths['big'], 2 * 1024 * 1024 + 7)
        problems = self.driver.verify(self.backup)
        self.assertEqual(['big.bin: content does not match its checksum'],
                         problems)
        self._assert_refused_untouched('big.bin')

    def test_flipped_byte_in_sparse_data_reported(self):
        self._flip_byte(self.paths['sparse'], 16 * 1024 * 1024 + 100)
        self.assertEqual(1, len(self.driver.verify(self.backup)))

    def test_truncated_file_reported_and_restore_refused(self):
        os.truncate(self._data(self.paths['big']), 1000)
        problems = self.driver.verify(self.backup)
        self.assertEqual(1, len(problems))
        self.assertIn('big.bin: size 1000', problems[0])
        self._assert_refused_untouched('big.bin')

    def test_missing_file_reported_and_restore_refused(self):
        os.unlink(self._data(b'docs/deep/er/and/deeper/leaf'))
        problems = self.driver.verify(self.backup)
        self.assertEqual(
            ['docs/deep/er/and/deeper/leaf: missing from the backup'],
            problems)
        self._assert_refused_untouched('leaf')

    def test_extra_file_and_changed_symlink_reported(self):
        with open(self._data(b'intruder'), 'w') as f:
            f.write('x')
        os.unlink(self._data(b'dangling'))
        os.symlink(b'elsewhere', self._data(b'dangling'))
        problems = self.driver.verify(self.backup)
        self.assertIn('intruder: not in the manifest', problems)
        self.assertIn('dangling: symlink target differs', problems)

    def test_broken_hardlink_and_mode_reported(self):
        link = self._data(b'links/hard1')
        with open(link, 'rb') as f:
            data = f.read()
        os.unlink(link)
        with open(link, 'wb') as f:
            f.write(data)
        os.chmod(self._data(b'zero'), 0o777)
        problems = self.driver.verify(self.backup)
        self.assertIn('links/hard1: not a hardlink of docs/readme.txt',
                      problems)
        self.assertIn('zero: mode 777, expected 644', problems)

    def test_damaged_manifest_reported_and_restore_refused(self):
        path = os.path.join(self.backup_dir(self.backup), 'manifest.json')
        with open(path, 'rb') as f:
            lines = f.readlines()
        entry = json.loads(lines[3])
        entry['mode'] = 0o777
        lines[3] = (json.dumps(entry) + '\n').encode()
        with open(path, 'wb') as f:
            f.writelines(lines)
        problems = self.driver.verify(self.backup)
        self.assertEqual(1, len(problems))
        self.assertIn('digest mismatch', problems[0])
        self._assert_refused_untouched('digest mismatch')

    def test_restore_without_verify_detects_damage_while_writing(self):
        self.driver = self.make_driver(backup_verify_on_restore=False)
        self._flip_byte(self.paths['big'], 10)
        exc = self.assertRaises(base.BackupCorrupted, self.do_restore,
                                self.backup, self.restore_to)
        self.assertIn('big.bin does not match its checksum', str(exc))
        self.assertIs(False, exc.target_untouched)
        leftovers = [n for n in os.listdir(self.restore_to)
                     if n.startswith('.mbk-restore-')]
        self.assertEqual([], leftovers)

    def test_restore_without_verify_reports_missing_file_as_damage(self):
        # Regression (reliability/test_integrity.py): a file missing from
        # the backup was a plain FileNotFoundError, so the backup stayed
        # available and every later restore failed the same way.
        self.driver = self.make_driver(backup_verify_on_restore=False)
        os.unlink(self._data(b'docs/deep/er/and/deeper/leaf'))
        exc = self.assertRaises(base.BackupCorrupted, self.do_restore,
                                self.backup, self.restore_to)
        self.assertIn('leaf is missing from the backup', str(exc))
        self.assertIs(False, exc.target_untouched)
