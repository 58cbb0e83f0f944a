"""Incremental backups: unchanged files linked from the parent's tree."""

import os

from manila_bk.tests.unit.data.backup import driver_helpers
from manila_bk.tests.unit.data.backup import treecompare

PARENT = '66666666-6666-4666-8666-666666666666'
CHILD = '77777777-7777-4777-8777-777777777777'


class IncrementalTestCase(driver_helpers.DriverTestCase):

    def setUp(self):
        super().setUp()
        self.paths = self.build_sample(big_size=2 * 1024 * 1024)
        self.parent, self.parent_result = self.do_backup(self.spec(PARENT))
        with open(os.path.join(self.source, 'zero'), 'w') as f:
            f.write('now with content')
        os.unlink(os.path.join(self.source, 'pair-a'))
        with open(os.path.join(self.source, 'docs', 'new-file'), 'w') as f:
            f.write('new')
        os.chmod(os.path.join(self.source, 'setuid'), 0o755)

    def test_incremental_links_unchanged_files(self):
        child, result = self.do_backup(self.spec(CHILD, parent_id=PARENT))
        self.assertEqual('incremental', result.backup_type)
        self.assertEqual(PARENT, result.parent_id)
        self.assertLess(result.bytes_copied, 100)
        big = self.paths['big']
        self.assertEqual(os.stat(self.data_path(self.parent, big)).st_ino,
                         os.stat(self.data_path(child, big)).st_ino)
        for changed in (b'zero', b'setuid'):
            self.assertNotEqual(
                os.stat(self.data_path(self.parent, changed)).st_ino,
                os.stat(self.data_path(child, changed)).st_ino)
        self.assertEqual([], self.driver.verify(child))

    def test_incremental_restores_current_tree(self):
        child, _result = self.do_backup(self.spec(CHILD, parent_id=PARENT))
        target = self.new_dir('restored')
        self.do_restore(child, target)
        treecompare.assert_same_tree(self, self.source, target)

    def test_incremental_survives_parent_deletion(self):
        child, _result = self.do_backup(self.spec(CHILD, parent_id=PARENT))
        self.driver.delete(self.parent)
        self.assertEqual([], self.driver.verify(child))
        target = self.new_dir('restored')
        self.do_restore(child, target)
        treecompare.assert_same_tree(self, self.source, target)

    def test_parent_restore_unaffected_by_child(self):
        reference = self.new_dir('reference')
        self.do_restore(self.parent, reference)
        self.do_backup(self.spec(CHILD, parent_id=PARENT))
        target = self.new_dir('restored')
        self.do_restore(self.parent, target)
        treecompare.assert_same_tree(self, reference, target)

    def test_incremental_missing_parent_makes_full_backup(self):
        self.driver.delete(self.parent)
        child, result = self.do_backup(self.spec(CHILD, parent_id=PARENT))
        self.assertEqual('full', result.backup_type)
        self.assertIsNone(result.parent_id)
        self.assertEqual(result.size_bytes, result.bytes_copied)
        target = self.new_dir('restored')
        self.do_restore(child, target)
        treecompare.assert_same_tree(self, self.source, target)
