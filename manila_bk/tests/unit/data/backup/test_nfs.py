"""Tests of the nfs backup driver: round trips, mirror restore, lifecycle."""

import os
import socket
import stat
from unittest import mock

from manila_bk.data.backup import base
from manila_bk.data.backup.drivers import nfs
from manila_bk.data.backup.engine import manifest
from manila_bk.tests.unit.data.backup import driver_helpers
from manila_bk.tests.unit.data.backup import sample_tree
from manila_bk.tests.unit.data.backup import treecompare
from manila_bk import exception


class RoundTripTestCase(driver_helpers.DriverTestCase):

    def test_backup_restore_full_tree_identical(self):
        self.build_sample()
        spec, result = self.do_backup()
        target = self.new_dir('restored')
        self.do_restore(spec, target)
        treecompare.assert_same_tree(self, self.source, target)
        self.assertEqual('full', result.backup_type)
        self.assertIsNone(result.parent_id)
        self.assertGreater(result.size_bytes, sample_tree.SPARSE_SIZE)

    def test_backup_data_tree_mirrors_source(self):
        self.build_sample()
        spec, _result = self.do_backup()
        treecompare.assert_same_tree(self, self.source,
                                     self.data_path(spec))
        self.assertTrue(self.driver.exists(spec))
        self.assertEqual([], self.driver.verify(spec))

    def test_backup_sparse_file_stays_sparse(self):
        paths = self.build_sample()
        spec, _result = self.do_backup()
        target = self.new_dir('restored')
        self.do_restore(spec, target)
        for copy in (self.data_path(spec, paths['sparse']),
                     os.path.join(os.fsencode(target), paths['sparse'])):
            st = os.stat(copy)
            self.assertEqual(sample_tree.SPARSE_SIZE, st.st_size)
            self.assertLess(st.st_blocks * 512, 1024 * 1024)

    def test_backup_blake2b_round_trip_identical(self):
        self.driver = self.make_driver(backup_checksum_algorithm='blake2b')
        self.build_sample(big_size=100000)
        spec, _result = self.do_backup()
        header = manifest.Manifest(os.path.join(self.backup_dir(spec),
                                                'manifest.json')).header
        self.assertEqual('blake2b', header['checksum_algorithm'])
        target = self.new_dir('restored')
        self.do_restore(spec, target)
        treecompare.assert_same_tree(self, self.source, target)

    def test_backup_empty_share_round_trip(self):
        spec, result = self.do_backup()
        self.assertEqual((0, 0), (result.size_bytes, result.file_count))
        target = self.new_dir('restored')
        with open(os.path.join(target, 'extra'), 'w') as f:
            f.write('x')
        self.do_restore(spec, target)
        self.assertEqual([], os.listdir(target))

    def test_backup_progress_monotonic_ends_at_100(self):
        self.build_sample()
        calls = []
        spec, _result = self.do_backup(progress=calls)
        self.assertEqual(100, calls[-1])
        self.assertEqual(1, calls.count(100))
        self.assertEqual(sorted(calls), calls)
        restore_calls = []
        self.do_restore(spec, self.new_dir('restored'), restore_calls)
        self.assertEqual(100, restore_calls[-1])
        self.assertEqual(sorted(restore_calls), restore_calls)

    def test_backup_complete_backup_again_returns_result_without_copy(self):
        self.build_sample(big_size=1000)
        spec, first = self.do_backup()
        with mock.patch.object(nfs.backup_tree, 'BackupRun') as run:
            _spec, second = self.do_backup(spec)
        run.assert_not_called()
        self.assertEqual((first.size_bytes, first.file_count),
                         (second.size_bytes, second.file_count))

    def test_backup_failure_leaves_nothing_on_target(self):
        self.build_sample(big_size=1000)
        spec = self.spec()
        with mock.patch.object(manifest.ManifestWriter, 'publish',
                               side_effect=OSError(5, 'I/O error')):
            self.assertRaises(OSError, self.do_backup, spec)
        share_dir = os.path.dirname(self.backup_dir(spec))
        self.assertEqual([], os.listdir(share_dir))
        self.assertFalse(self.driver.exists(spec))

    def test_backup_does_not_follow_source_symlinks(self):
        outside = self.new_dir('outside')
        with open(os.path.join(outside, 'secret'), 'w') as f:
            f.write('secret')
        os.symlink(outside, os.path.join(self.source, 'escape'))
        spec, result = self.do_backup()
        escape = self.data_path(spec, b'escape')
        self.assertTrue(stat.S_ISLNK(os.lstat(escape).st_mode))
        self.assertEqual(0, result.size_bytes)

    def test_backup_skips_sockets(self):
        sock = socket.socket(socket.AF_UNIX)
        self.addCleanup(sock.close)
        sock.bind(os.path.join(self.source, 'sock'))
        with open(os.path.join(self.source, 'file'), 'w') as f:
            f.write('kept')
        spec, result = self.do_backup()
        self.assertEqual(1, result.file_count)
        target = self.new_dir('restored')
        self.do_restore(spec, target)
        self.assertEqual(['file'], os.listdir(target))

    def test_backup_source_atime_unchanged(self):
        path = os.path.join(self.source, 'file')
        with open(path, 'w') as f:
            f.write('data')
        os.utime(path, ns=(1000000000, 2000000000))
        self.do_backup()
        self.assertEqual(1000000000, os.stat(path).st_atime_ns)

    def _many_files(self):
        for d in range(3):
            sub = os.path.join(self.source, 'd%d' % d)
            os.makedirs(os.path.join(sub, 'inner'))
            for i in range(150):
                name = os.path.join(sub, 'f%03d' % i)
                with open(name, 'wb') as f:
                    f.write(b'%d-%d' % (d, i) * (i % 7))
                if i % 40 == 5:
                    os.link(name, os.path.join(sub, 'inner', 'l%03d' % i))
                    os.link(name, os.path.join(sub, 'g%03d' % i))

    def test_backup_many_small_files_with_links_round_trip(self):
        self._many_files()
        spec, result = self.do_backup()
        self.assertEqual(3 * (2 + 150 + 8), result.file_count)
        target = self.new_dir('restored')
        self.do_restore(spec, target)
        treecompare.assert_same_tree(self, self.source, target)

    def test_incremental_many_files_some_changed_round_trip(self):
        self._many_files()
        parent, _result = self.do_backup()
        for i in range(0, 150, 13):
            with open(os.path.join(self.source, 'd1', 'f%03d' % i),
                      'ab') as f:
                f.write(b'changed')
        child = self.spec('88888888-8888-4888-8888-888888888888',
                          parent_id=parent.id)
        _spec, result = self.do_backup(child)
        self.assertEqual('incremental', result.backup_type)
        self.assertLess(result.bytes_copied, result.size_bytes / 4)
        target = self.new_dir('restored')
        self.do_restore(child, target)
        treecompare.assert_same_tree(self, self.source, target)

    def test_operations_leave_no_open_fds(self):
        self._many_files()
        before = sorted(os.listdir('/proc/self/fd'))
        spec, _result = self.do_backup()
        self.driver.verify(spec)
        self.do_restore(spec, self.new_dir('restored'))
        os.truncate(self.data_path(spec, b'd0/f100'), 0)
        self.assertRaises(base.BackupCorrupted, self.do_restore, spec,
                          self.new_dir('restored2'))
        self.assertEqual(before, sorted(os.listdir('/proc/self/fd')))

    def test_backup_copy_error_cleans_up_target_and_fds(self):
        self._many_files()
        real_copy = nfs.backup_tree.filecopy.copy_fd
        calls = []

        def failing_copy(*args):
            calls.append(1)
            if len(calls) == 200:
                raise OSError(28, 'No space left on device')
            return real_copy(*args)

        before = sorted(os.listdir('/proc/self/fd'))
        spec = self.spec()
        with mock.patch.object(nfs.backup_tree.filecopy, 'copy_fd',
                               side_effect=failing_copy):
            self.assertRaises(OSError, self.do_backup, spec)
        self.assertEqual(before, sorted(os.listdir('/proc/self/fd')))
        self.assertEqual([], os.listdir(os.path.dirname(
            self.backup_dir(spec))))


class MirrorRestoreTestCase(driver_helpers.DriverTestCase):

    def _existing_target(self):
        target = os.fsencode(self.new_dir('existing'))
        j = lambda *p: os.path.join(target, *p)  # noqa: E731
        os.makedirs(j(b'extra_dir', b'nested'))
        with open(j(b'extra_dir', b'nested', b'file'), 'w') as f:
            f.write('extra')
        with open(j(b'extra_file'), 'w') as f:
            f.write('extra')
        with open(j(b'docs'), 'w') as f:   # a file where the backup has a dir
            f.write('not a dir')
        os.mkdir(j(b'zero'))               # a dir where the backup has a file
        with open(j(b'big.bin'), 'w') as f:
            f.write('changed content')
        os.symlink(b'/nowhere', j(b'pipe'))
        os.setxattr(target, b'user.stale', b'1')
        return target

    def test_restore_existing_target_becomes_exact_mirror(self):
        self.build_sample()
        spec, _result = self.do_backup()
        target = self._existing_target()
        self.do_restore(spec, target)
        treecompare.assert_same_tree(self, self.source, target)

    def test_restore_twice_same_result(self):
        self.build_sample(big_size=1000)
        spec, _result = self.do_backup()
        target = self.new_dir('restored')
        self.do_restore(spec, target)
        self.do_restore(spec, target)
        treecompare.assert_same_tree(self, self.source, target)

    def test_restore_target_symlink_to_outside_not_followed(self):
        os.makedirs(os.path.join(self.source, 'sub'))
        with open(os.path.join(self.source, 'sub', 'f'), 'w') as f:
            f.write('backup data')
        spec, _result = self.do_backup()
        outside = self.new_dir('outside')
        with open(os.path.join(outside, 'f'), 'w') as f:
            f.write('must stay')
        target = self.new_dir('restored')
        os.symlink(outside, os.path.join(target, 'sub'))
        self.do_restore(spec, target)
        with open(os.path.join(outside, 'f')) as f:
            self.assertEqual('must stay', f.read())
        treecompare.assert_same_tree(self, self.source, target)

    def test_restore_missing_backup_raises_not_found(self):
        self.assertRaises(base.BackupNotFoundOnTarget, self.do_restore,
                          self.spec(), self.new_dir('restored'))


class LifecycleTestCase(driver_helpers.DriverTestCase):

    def _crash_leftover(self, spec):
        """What a crash during a backup leaves: a .partial without manifest."""
        partial = self.backup_dir(spec) + '.partial'
        os.makedirs(os.path.join(partial, 'data', 'some', 'dir'))
        with open(os.path.join(partial, 'manifest.json.tmp'), 'w') as f:
            f.write('{"format": "manila_bk.backup.manifest"')
        return partial

    def test_exists_partial_backup_false(self):
        spec = self.spec()
        self._crash_leftover(spec)
        self.assertFalse(self.driver.exists(spec))

    def test_exists_without_manifest_false(self):
        self.build_sample(big_size=1000)
        spec, _result = self.do_backup()
        os.unlink(os.path.join(self.backup_dir(spec), 'manifest.json'))
        self.assertFalse(self.driver.exists(spec))

    def test_exists_truncated_manifest_false(self):
        self.build_sample(big_size=1000)
        spec, _result = self.do_backup()
        path = os.path.join(self.backup_dir(spec), 'manifest.json')
        os.truncate(path, os.path.getsize(path) - 20)
        self.assertFalse(self.driver.exists(spec))

    def test_cleanup_partial_removes_partial_keeps_complete(self):
        self.build_sample(big_size=1000)
        done, _result = self.do_backup()
        crashed = self.spec('22222222-2222-4222-8222-222222222222')
        partial = self._crash_leftover(crashed)
        self.assertTrue(self.driver.cleanup_partial(crashed.id))
        self.assertFalse(os.path.exists(partial))
        self.assertFalse(self.driver.cleanup_partial(done.id))
        self.assertTrue(self.driver.exists(done))

    def test_backup_after_crash_replaces_partial(self):
        self.build_sample(big_size=1000)
        spec = self.spec()
        self._crash_leftover(spec)
        self.do_backup(spec)
        self.assertEqual([], self.driver.verify(spec))
        self.assertFalse(os.path.exists(self.backup_dir(spec) + '.partial'))

    def test_delete_idempotent(self):
        self.build_sample(big_size=1000)
        spec, _result = self.do_backup()
        self.driver.delete(spec)
        self.assertFalse(self.driver.exists(spec))
        self.assertFalse(os.path.exists(self.backup_dir(spec)))
        self.driver.delete(spec)
        self.driver.delete(self.spec('33333333-3333-4333-8333-333333333333'))

    def test_delete_interrupted_delete_finished(self):
        self.build_sample(big_size=1000)
        spec, _result = self.do_backup()
        os.rename(self.backup_dir(spec), self.backup_dir(spec) + '.deleting')
        self.driver.delete(spec)
        self.assertFalse(os.path.exists(self.backup_dir(spec) + '.deleting'))

    def test_list_backups_returns_complete_headers(self):
        self.build_sample(big_size=1000)
        first, _result = self.do_backup()
        second = self.spec('44444444-4444-4444-8444-444444444444')
        self.do_backup(second)
        self._crash_leftover(self.spec('55555555-5555-4555-8555-555555555555'))
        headers = self.driver.list_backups()
        self.assertEqual(sorted([first.id, second.id]),
                         sorted(h['backup_id'] for h in headers))
        self.assertEqual({driver_helpers.SHARE},
                         {h['share_id'] for h in headers})

    def test_backup_id_with_path_separators_refused(self):
        spec = base.BackupSpec(id='../../etc', share_id=driver_helpers.SHARE,
                               project_id='p', size=1)
        self.assertRaises(exception.InvalidInput, self.do_backup, spec)
        self.assertEqual([], os.listdir(self.target))
