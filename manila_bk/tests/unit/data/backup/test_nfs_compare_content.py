"""Incremental change detection: metadata only, or content on request."""

import os
from unittest import mock

from manila_bk.data.backup.engine import backup_tree
from manila_bk.tests.unit.data.backup import driver_helpers

PARENT = '66666666-6666-4666-8666-666666666666'
CHILD = '77777777-7777-4777-8777-777777777777'


class ChangeDetectionTestCase(driver_helpers.DriverTestCase):

    def setUp(self):
        super().setUp()
        self.paths = self.build_sample(big_size=1024 * 1024)
        self.parent, _result = self.do_backup(self.spec(PARENT))
        self.opened = []
        real_open = backup_tree.BackupRun._open_source

        def counting_open(run, dir_fd, name):
            self.opened.append(name)
            return real_open(run, dir_fd, name)

        self._patch = mock.patch.object(
            backup_tree.BackupRun, '_open_source', counting_open)
        self._patch.start()
        self.addCleanup(self._patch.stop)

    def _rewrite_same_size(self, rel):
        path = os.path.join(self.source, os.fsdecode(rel))
        with open(path, 'r+b') as f:
            data = f.read()
            f.seek(0)
            f.write(bytes(255 - b for b in data[:16]))
        return path

    def test_incremental_unchanged_files_not_read(self):
        with open(os.path.join(self.source, 'zero'), 'w') as f:
            f.write('changed')
        _child, result = self.do_backup(self.spec(CHILD, parent_id=PARENT))
        self.assertEqual('incremental', result.backup_type)
        self.assertEqual([b'zero'], [os.fsencode(n) for n in self.opened])

    def test_incremental_metadata_equal_content_changed_linked_by_default(
            self):
        self._rewrite_same_size(self.paths['big'])
        # Pretend every piece of metadata is unchanged (times set back).
        with mock.patch.object(backup_tree, '_unchanged',
                               return_value=True):
            child, _result = self.do_backup(
                self.spec(CHILD, parent_id=PARENT))
        big = self.paths['big']
        self.assertEqual(os.stat(self.data_path(self.parent, big)).st_ino,
                         os.stat(self.data_path(child, big)).st_ino)
        self.assertEqual([], self.opened)

    def test_incremental_compare_content_copies_changed_file(self):
        self.flags(backup_incremental_compare_content=True)
        path = self._rewrite_same_size(self.paths['big'])
        with mock.patch.object(backup_tree, '_unchanged',
                               side_effect=lambda record, st:
                               record is not None and
                               record['type'] == 'file'):
            child, result = self.do_backup(
                self.spec(CHILD, parent_id=PARENT))
        big = self.paths['big']
        self.assertNotEqual(
            os.stat(self.data_path(self.parent, big)).st_ino,
            os.stat(self.data_path(child, big)).st_ino)
        with open(path, 'rb') as f, \
                open(self.data_path(child, big), 'rb') as g:
            self.assertEqual(f.read(), g.read())
        self.assertIn(os.fsencode(os.path.basename(path)),
                      [os.fsencode(n) for n in self.opened])
        self.assertGreaterEqual(result.bytes_copied, 1024 * 1024)
        self.assertEqual([], self.driver.verify(child))

    def test_incremental_compare_content_links_same_content(self):
        self.flags(backup_incremental_compare_content=True)
        self.assertTrue(self.driver.compare_content)
        child, result = self.do_backup(self.spec(CHILD, parent_id=PARENT))
        big = self.paths['big']
        self.assertEqual(os.stat(self.data_path(self.parent, big)).st_ino,
                         os.stat(self.data_path(child, big)).st_ino)
        self.assertTrue(self.opened)  # contents were read and compared
        self.assertLess(result.bytes_copied, 1024)
