"""Backup snapshots of the local and btrfs drivers (BackupSnapshotInterface).

The same contract on both (the btrfs one on a real loop-mounted btrfs,
skipped loudly where none can be made), plus what differs: the local
copy gets new inode numbers, the btrfs snapshot keeps them and the
ctimes, which is what incremental backups compare.
"""

import dataclasses
import os
from unittest import mock
import uuid

import testtools

from manila_bk import exception
from manila_bk.share.drivers import _exports
from manila_bk.share.drivers import _fsutils
from manila_bk.share.drivers import _testhooks
from manila_bk.share.drivers import base
from manila_bk.share.drivers import fake
from manila_bk.tests.unit.share.drivers import local_helpers
from manila_bk.tests.unit.share.drivers import test_btrfs_compliance as bc


def _local_path(export):
    return export.path.split(':', 1)[1]


class BackupSnapshotContractMixin:
    """What every BackupSnapshotInterface driver must do."""

    def make_driver(self):
        raise NotImplementedError

    def setUp(self):
        super().setUp()
        self.driver = self.make_driver()
        self.driver.do_setup()
        self.driver.check_for_setup_error()

    def new_share(self):
        share = base.ShareSpec(id=str(uuid.uuid4()), size=1,
                               share_proto='NFS')
        exports = self.driver.create_share(share)
        return dataclasses.replace(share, export_locations=tuple(exports))

    def spec(self, share, backup_id=None, access_to=()):
        rules = tuple(base.AccessRule(id=str(i), access_type='ip',
                                      access_to=ip, access_level='ro')
                      for i, ip in enumerate(access_to))
        return base.BackupSnapshotSpec(backup_id=backup_id or
                                       str(uuid.uuid4()), share=share,
                                       access_rules=rules)

    def write(self, share, relpath, data):
        local_helpers.write_file(self.driver, share, relpath, data)

    def snapshot_tree(self, result):
        top = _local_path(result.export_locations[0])
        tree = {}
        for dirpath, _dirs, files in os.walk(top):
            for name in files:
                path = os.path.join(dirpath, name)
                with open(path, 'rb') as handle:
                    tree[os.path.relpath(path, top)] = handle.read()
        return tree

    def test_driver_is_a_backup_snapshot_driver(self):
        self.assertIsInstance(self.driver, base.BackupSnapshotInterface)

    def test_create_holds_data_of_that_moment_later_writes_not_seen(self):
        share = self.new_share()
        self.write(share, 'a', b'before')
        self.write(share, 'd/b', b'nested')
        result = self.driver.create_backup_snapshot(self.spec(share))
        self.write(share, 'a', b'after')
        self.write(share, 'c', b'new')
        self.assertEqual({'a': b'before', 'd/b': b'nested'},
                         self.snapshot_tree(result))

    def test_create_answers_admin_only_export_of_this_host(self):
        share = self.new_share()
        result = self.driver.create_backup_snapshot(self.spec(share))
        self.assertEqual(1, len(result.export_locations))
        loc = result.export_locations[0]
        self.assertTrue(loc.is_admin_only)
        self.assertTrue(loc.path.startswith('node1:/'), loc.path)
        self.assertTrue(os.path.isdir(_local_path(loc)))

    def test_create_is_not_among_share_snapshots(self):
        share = self.new_share()
        self.driver.create_backup_snapshot(self.spec(share))
        snap_dir = self.driver._snapshots_dir(share.id)
        self.assertFalse(os.path.exists(snap_dir) and os.listdir(snap_dir))

    def test_create_twice_returns_same_export(self):
        share = self.new_share()
        spec = self.spec(share)
        first = self.driver.create_backup_snapshot(spec)
        self.write(share, 'a', b'later')
        second = self.driver.create_backup_snapshot(spec)
        self.assertEqual(first, second)
        self.assertEqual({}, self.snapshot_tree(second))

    def test_access_rules_export_snapshot_read_only_then_removed(self):
        share = self.new_share()
        spec = self.spec(share, access_to=('10.0.0.5', '10.1.0.0/16'))
        result = self.driver.create_backup_snapshot(spec)
        path = _local_path(result.export_locations[0])
        lines = _exports.share_lines(self.driver.exports_file)
        self.assertEqual('10.0.0.5(ro,sync,no_subtree_check) '
                         '10.1.0.0/16(ro,sync,no_subtree_check)',
                         lines[_exports.escape_path(path)])
        self.driver.delete_backup_snapshot(spec)
        self.assertNotIn(_exports.escape_path(path),
                         _exports.share_lines(self.driver.exports_file))

    def test_delete_removes_snapshot_and_is_idempotent(self):
        share = self.new_share()
        self.write(share, 'a', b'data')
        spec = self.spec(share)
        result = self.driver.create_backup_snapshot(spec)
        self.driver.delete_backup_snapshot(spec)
        self.assertFalse(os.path.exists(
            _local_path(result.export_locations[0])))
        self.driver.delete_backup_snapshot(spec)
        self.assertEqual([], self.driver.list_backup_snapshots())
        self.assertEqual({'a': b'data'},
                         local_helpers.read_tree(self.driver, share))

    def test_delete_never_created_succeeds(self):
        self.driver.delete_backup_snapshot(self.spec(self.new_share()))

    def test_list_names_share_and_backup_ids(self):
        share, other = self.new_share(), self.new_share()
        one, two = self.spec(share), self.spec(other)
        self.driver.create_backup_snapshot(one)
        self.driver.create_backup_snapshot(two)
        self.assertEqual(sorted([(share.id, one.backup_id),
                                 (other.id, two.backup_id)]),
                         self.driver.list_backup_snapshots())

    def test_share_delete_leaves_backup_snapshot_readable(self):
        share = self.new_share()
        self.write(share, 'a', b'kept')
        spec = self.spec(share)
        result = self.driver.create_backup_snapshot(spec)
        self.driver.delete_share(share)
        self.assertEqual({'a': b'kept'}, self.snapshot_tree(result))
        self.driver.delete_backup_snapshot(spec)
        self.assertEqual([], self.driver.list_backup_snapshots())

    def test_bad_ids_refused_before_any_path_is_built(self):
        share = self.new_share()
        bad = base.BackupSnapshotSpec(backup_id='../../etc', share=share)
        self.assertRaises(exception.InvalidInput,
                          self.driver.create_backup_snapshot, bad)
        self.assertRaises(exception.InvalidInput,
                          self.driver.delete_backup_snapshot, bad)


class LocalBackupSnapshotTestCase(BackupSnapshotContractMixin,
                                  testtools.TestCase):

    def make_driver(self):
        return local_helpers.make_local_driver(self)

    def test_copy_failure_leaves_nothing(self):
        share = self.new_share()
        self.write(share, 'a', b'x')
        spec = self.spec(share)
        with mock.patch.object(_fsutils, 'copy_tree',
                               side_effect=OSError(28, 'No space left')):
            self.assertRaises(OSError, self.driver.create_backup_snapshot,
                              spec)
        self.assertEqual([], self.driver.list_backup_snapshots())

    def test_partial_copy_listed_and_deleted(self):
        share = self.new_share()
        spec = self.spec(share)
        partial = self.driver._backup_snapshot_path(spec, '.new-backup-')
        os.makedirs(partial)
        self.assertEqual([(share.id, spec.backup_id)],
                         self.driver.list_backup_snapshots())
        self.driver.delete_backup_snapshot(spec)
        self.assertFalse(os.path.exists(partial))
        self.assertEqual([], self.driver.list_backup_snapshots())

    def test_list_ignores_names_that_are_not_ours(self):
        top = os.path.join(self.driver.root, '.backup-snapshots')
        os.makedirs(os.path.join(top, 'share-not-a-uuid', 'backup-x'))
        os.makedirs(os.path.join(top, 'share-%s' % uuid.uuid4(), 'notes'))
        with open(os.path.join(top, 'README'), 'w'):
            pass
        self.assertEqual([], self.driver.list_backup_snapshots())

    def test_copy_has_new_inodes_so_incrementals_copy_everything(self):
        # Documented limitation: cp gives new inode numbers and ctimes.
        share = self.new_share()
        self.write(share, 'a', b'data')
        result = self.driver.create_backup_snapshot(self.spec(share))
        live = os.stat(os.path.join(self.driver.get_share_path(share), 'a'))
        snap = os.stat(os.path.join(_local_path(result.export_locations[0]),
                                    'a'))
        self.assertNotEqual(live.st_ino, snap.st_ino)
        self.assertEqual(live.st_mtime_ns, snap.st_mtime_ns)

    def test_test_hook_pauses_after_copy(self):
        share = self.new_share()
        with mock.patch.object(_testhooks, 'pause') as pause:
            self.driver.create_backup_snapshot(self.spec(share))
        pause.assert_called_once_with('backup_snapshot_copied')


class BtrfsBackupSnapshotTestCase(BackupSnapshotContractMixin,
                                  testtools.TestCase):

    def make_driver(self):
        return bc.make_btrfs_driver(self)

    def test_snapshot_keeps_inodes_and_ctimes_read_only(self):
        share = self.new_share()
        self.write(share, 'a', b'data')
        result = self.driver.create_backup_snapshot(self.spec(share))
        top = _local_path(result.export_locations[0])
        live = os.stat(os.path.join(self.driver.get_share_path(share), 'a'))
        snap = os.stat(os.path.join(top, 'a'))
        self.assertEqual((live.st_ino, live.st_ctime_ns, live.st_mtime_ns),
                         (snap.st_ino, snap.st_ctime_ns, snap.st_mtime_ns))
        self.assertRaises(OSError, open, os.path.join(top, 'b'), 'wb')

    def test_snapshot_is_a_subvolume_outside_share_snapshots(self):
        share = self.new_share()
        spec = self.spec(share)
        result = self.driver.create_backup_snapshot(spec)
        top = _local_path(result.export_locations[0])
        self.assertTrue(top.startswith(os.path.join(
            self.driver.root, 'backup-snapshots') + '/'))
        self.driver.delete_backup_snapshot(spec)
        self.assertFalse(os.path.lexists(top))


class FakeDriverTestCase(testtools.TestCase):

    def test_fake_driver_takes_no_backup_snapshots(self):
        self.assertFalse(issubclass(fake.FakeShareDriver,
                                    base.BackupSnapshotInterface))
