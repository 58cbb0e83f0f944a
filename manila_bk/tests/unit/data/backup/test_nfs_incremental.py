"""Incremental backups: unchanged files linked from the parent's tree."""

import errno
import json
import os
import threading
from unittest import mock

from manila_bk.data.backup.engine import backup_tree
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

    def _damage_parent_manifest(self, line_index):
        """Change one entry of the parent's manifest (its digest fails)."""
        path = os.path.join(self.backup_dir(self.parent), 'manifest.json')
        with open(path, 'rb') as f:
            lines = f.readlines()
        entry = json.loads(lines[line_index])
        entry['mtime_ns'] = entry['mtime_ns'] + 1
        lines[line_index] = (json.dumps(entry, sort_keys=True,
                                        separators=(',', ':')) +
                             '\n').encode()
        with open(path, 'wb') as f:
            f.writelines(lines)

    def _assert_full_and_restorable(self, child, result):
        self.assertEqual('full', result.backup_type)
        self.assertIsNone(result.parent_id)
        self.assertEqual(result.size_bytes, result.bytes_copied)
        self.assertEqual([], self.driver.verify(child))
        self.assertEqual([], [n for n in os.listdir(
            os.path.dirname(self.backup_dir(child))) if '.partial' in n])
        target = self.new_dir('restored')
        self.do_restore(child, target)
        treecompare.assert_same_tree(self, self.source, target)

    def test_damaged_parent_manifest_makes_full_backup(self):
        # The damage is found once the whole parent manifest was read (its
        # digest), after the walk linked files from it: all is redone.
        self._damage_parent_manifest(2)
        child, result = self.do_backup(self.spec(CHILD, parent_id=PARENT))
        self._assert_full_and_restorable(child, result)

    def test_parent_manifest_damaged_past_the_walk_found_by_drain(self):
        # The last entry comes after everything the walk looks up.
        path = os.path.join(self.backup_dir(self.parent), 'manifest.json')
        with open(path, 'rb') as f:
            last_entry = len(f.readlines()) - 2
        self._damage_parent_manifest(last_entry)
        child, result = self.do_backup(self.spec(CHILD, parent_id=PARENT))
        self._assert_full_and_restorable(child, result)

    def test_parent_manifest_read_once(self):
        manifest_class = backup_tree.manifest_mod.Manifest
        with mock.patch.object(manifest_class, '_entries', autospec=True,
                               side_effect=manifest_class._entries) as read:
            child, result = self.do_backup(self.spec(CHILD,
                                                     parent_id=PARENT))
        self.assertEqual('incremental', result.backup_type)
        self.assertEqual(1, read.call_count)
        self.assertEqual([], self.driver.verify(child))

    def test_unchanged_file_that_cannot_be_linked_is_copied(self):
        real_link = os.link

        def link(src, dst, *, src_dir_fd=None, dst_dir_fd=None,
                 follow_symlinks=True):
            if src == self.paths['big']:
                raise OSError(errno.EMLINK, 'Too many links')
            return real_link(src, dst, src_dir_fd=src_dir_fd,
                             dst_dir_fd=dst_dir_fd,
                             follow_symlinks=follow_symlinks)

        with mock.patch.object(backup_tree.os, 'link', side_effect=link):
            child, result = self.do_backup(self.spec(CHILD,
                                                     parent_id=PARENT))
        self.assertEqual('incremental', result.backup_type)
        self.assertGreaterEqual(result.bytes_copied, 2 * 1024 * 1024)
        big = self.paths['big']
        self.assertNotEqual(
            os.stat(self.data_path(self.parent, big)).st_ino,
            os.stat(self.data_path(child, big)).st_ino)
        self.assertEqual([], self.driver.verify(child))

    def test_links_made_on_walk_thread_copies_in_pool(self):
        walk_thread = threading.current_thread()
        link_threads = []
        real_link = os.link
        open_threads = []
        real_copy = backup_tree.filecopy.copy_fd

        def link(*args, **kwargs):
            link_threads.append(threading.current_thread())
            return real_link(*args, **kwargs)

        def copy_fd(*args, **kwargs):
            open_threads.append(threading.current_thread())
            return real_copy(*args, **kwargs)

        with mock.patch.object(backup_tree.os, 'link', side_effect=link), \
                mock.patch.object(backup_tree.filecopy, 'copy_fd',
                                  side_effect=copy_fd):
            child, result = self.do_backup(self.spec(CHILD,
                                                     parent_id=PARENT))
        self.assertEqual('incremental', result.backup_type)
        self.assertTrue(link_threads)
        self.assertTrue(all(t is walk_thread for t in link_threads))
        # zero, setuid and docs/new-file changed: copied by the pool
        self.assertGreaterEqual(len(open_threads), 2)
        self.assertTrue(all(t is not walk_thread for t in open_threads))
        self.assertEqual([], self.driver.verify(child))

    def _prefetch_roots(self):
        started = []
        real = backup_tree.prefetch.Prefetcher

        def prefetcher(roots):
            started.append(list(roots))
            return real(roots)

        return started, mock.patch.object(backup_tree.prefetch,
                                          'Prefetcher',
                                          side_effect=prefetcher)

    def test_incremental_prefetches_share_and_parent(self):
        started, patch = self._prefetch_roots()
        with patch:
            child, result = self.do_backup(self.spec(CHILD,
                                                     parent_id=PARENT))
        self.assertEqual('incremental', result.backup_type)
        self.assertEqual(1, len(started))
        source, parent_data = started[0]
        self.assertEqual(os.fsdecode(os.path.realpath(self.source)),
                         os.fsdecode(os.path.realpath(source)))
        self.assertEqual(
            os.fsdecode(os.path.realpath(self.data_path(self.parent))),
            os.fsdecode(os.path.realpath(parent_data)))
        self.assertEqual([], self.driver.verify(child))

    def test_prefetch_disabled_by_option(self):
        self.driver = self.make_driver(backup_metadata_prefetch=False)
        started, patch = self._prefetch_roots()
        with patch:
            _child, result = self.do_backup(self.spec(CHILD,
                                                      parent_id=PARENT))
        self.assertEqual('incremental', result.backup_type)
        self.assertEqual([], started)

    def test_full_backup_does_not_prefetch(self):
        started, patch = self._prefetch_roots()
        with patch:
            self.do_backup(self.spec(CHILD))
        self.assertEqual([], started)
