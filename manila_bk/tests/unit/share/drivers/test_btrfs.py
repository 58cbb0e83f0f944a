"""The btrfs share driver on a real loop-mounted btrfs (and a few mocks)."""

import dataclasses
import errno
import os
import types
from unittest import mock
import uuid

import fixtures
import testtools

from manila_bk import exception
from manila_bk.share.drivers import _btrfs_cmd
from manila_bk.share.drivers import _exports
from manila_bk.share.drivers import base
from manila_bk.share.drivers import btrfs
from manila_bk.share import drivers
from manila_bk.tests import btrfs_fixture
from manila_bk.tests.unit.share.drivers import local_helpers
from manila_bk.tests.unit.share.drivers import test_btrfs_compliance as bc

GiB = 1024 ** 3
MiB = 1024 ** 2


def subvolume_paths(mount_point):
    """Paths (relative to the top) of the live subvolumes of the fs."""
    out = _btrfs_cmd.Btrfs().run('subvolume', 'list', mount_point)
    return sorted(line.split(' path ', 1)[1] for line in out.splitlines()
                  if ' path ' in line)


def metadata(top):
    """tree_metadata without access times, which reading itself moves."""
    tree = local_helpers.tree_metadata(top)
    for entry in tree.values():
        entry.pop('atime', None)
    return tree


class BtrfsTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.driver = self.make_driver()

    def make_driver(self, **overrides):
        driver = bc.make_btrfs_driver(self, **overrides)
        driver.do_setup()
        driver.check_for_setup_error()
        return driver

    def new_share(self, size=1):
        share = base.ShareSpec(id=str(uuid.uuid4()), size=size,
                               share_proto='NFS')
        exports = self.driver.create_share(share)
        return dataclasses.replace(share, export_locations=tuple(exports))

    def new_snapshot(self, share, size=None):
        snapshot = base.SnapshotSpec(id=str(uuid.uuid4()), share=share,
                                     size=share.size if size is None
                                     else size)
        self.driver.create_snapshot(snapshot)
        return snapshot

    def write(self, share, relpath, data):
        local_helpers.write_file(self.driver, share, relpath, data)

    def read(self, share):
        return local_helpers.read_tree(self.driver, share)

    def limit(self, share):
        path = self.driver.get_share_path(share)
        return self.driver.btrfs.usage(path).max_referenced

    def rule(self, access_to, level='rw'):
        return base.AccessRule(id=str(uuid.uuid4()), access_type='ip',
                               access_to=access_to, access_level=level)


class SharesTestCase(BtrfsTestCase):

    def test_create_share_makes_limited_world_writable_subvolume(self):
        share = self.new_share(size=2)
        path = self.driver.get_share_path(share)
        self.assertTrue(_btrfs_cmd.is_subvolume(path))
        self.assertEqual(2 * GiB, self.limit(share))
        self.assertEqual(0o777, os.stat(path).st_mode & 0o777)
        self.assertEqual(
            'node1:%s/shares/share-%s' % (self.driver.root, share.id),
            share.export_locations[0].path)
        self.assertEqual([], os.listdir(os.path.join(self.driver.root,
                                                     '.work')))

    def test_create_share_beyond_limit_write_fails_edquot(self):
        share = self.new_share()
        exc = self.assertRaises(OSError, bc.fill_share, self.driver, share,
                                GiB + MiB)
        self.assertEqual(errno.EDQUOT, exc.errno)

    def test_create_share_over_plain_directory_raises(self):
        share = base.ShareSpec(id=str(uuid.uuid4()), size=1,
                               share_proto='NFS')
        os.mkdir(self.driver._share_path(share.id))
        self.assertRaises(exception.ShareDriverException,
                          self.driver.create_share, share)

    def test_create_share_failure_leaves_nothing(self):
        share = base.ShareSpec(id=str(uuid.uuid4()), size=1,
                               share_proto='NFS')
        with mock.patch.object(self.driver.btrfs, 'set_limit',
                               side_effect=exception.ShareDriverException(
                                   reason='boom')):
            self.assertRaises(exception.ShareDriverException,
                              self.driver.create_share, share)
        self.assertFalse(os.path.lexists(self.driver._share_path(share.id)))
        self.assertEqual([], os.listdir(os.path.join(self.driver.root,
                                                     '.work')))
        self.assertEqual([], subvolume_paths(self.driver.root))

    def test_delete_share_removes_subvolume_and_exports_line(self):
        share = self.new_share()
        path = self.driver.get_share_path(share)
        rules = [self.rule('10.0.0.1')]
        self.driver.update_access(share, rules, rules, [])
        self.driver.delete_share(share)
        self.assertFalse(os.path.lexists(path))
        self.assertEqual([], subvolume_paths(self.driver.root))
        self.assertEqual({}, _exports.share_lines(self.driver.exports_file))

    def test_update_access_renders_exports_line(self):
        share = self.new_share()
        rules = [self.rule('10.0.0.1'), self.rule('192.168.0.0/24', 'ro')]
        self.driver.update_access(share, rules, rules, [])
        self.assertEqual(
            {self.driver.get_share_path(share):
             '10.0.0.1(rw,sync,no_subtree_check) '
             '192.168.0.0/24(ro,sync,no_subtree_check)'},
            _exports.share_lines(self.driver.exports_file))

    def test_get_pools_reports_file_system_capacity(self):
        pool = self.driver.get_pools()[0]
        self.assertEqual(8.0, pool.total_capacity_gb)
        self.assertGreater(pool.free_capacity_gb, 7.0)
        self.assertTrue(pool.thin_provisioning)
        self.assertTrue(pool.revert_to_snapshot_support)
        self.assertTrue(pool.create_share_from_snapshot_support)


class ResizeTestCase(BtrfsTestCase):

    def test_extend_share_full_share_can_grow(self):
        share = self.new_share()
        bc.fill_share(self.driver, share, GiB - 16 * MiB)
        self.assertRaises(OSError, bc.fill_share, self.driver, share,
                          32 * MiB, name='more')
        self.driver.extend_share(share, 2)
        self.assertEqual(2 * GiB, self.limit(share))
        bc.fill_share(self.driver, share, 512 * MiB, name='more')

    def test_extend_share_over_limit_share_can_grow(self):
        # Through a path inside a subvolume over its limit, the kernel
        # refuses even to raise the limit.
        share = self.new_share()
        bc.fill_share(self.driver, share, 300 * MiB)
        path = self.driver.get_share_path(share)
        self.driver.btrfs.set_limit(path, MiB)
        self.driver.extend_share(share, 2)
        self.assertEqual(2 * GiB, self.limit(share))

    def test_shrink_share_below_used_refused_limit_kept(self):
        share = self.new_share(size=2)
        bc.fill_share(self.driver, share, GiB + 100 * MiB)
        exc = self.assertRaises(base.ShareShrinkingPossibleDataLoss,
                                self.driver.shrink_share, share, 1)
        self.assertIn('could not be shrunk to 1 GiB', str(exc))
        self.assertEqual(2 * GiB, self.limit(share))
        bc.fill_share(self.driver, share, 100 * MiB, name='still-writable')

    def test_shrink_share_data_fits_sets_limit(self):
        share = self.new_share(size=3)
        self.write(share, 'a', b'small')
        self.driver.shrink_share(share, 1)
        self.assertEqual(GiB, self.limit(share))
        self.assertEqual({'a': b'small'}, self.read(share))


class SnapshotTestCase(BtrfsTestCase):

    def test_create_snapshot_is_readonly_subvolume(self):
        share = self.new_share()
        self.write(share, 'a', b'one')
        snapshot = self.new_snapshot(share)
        path = self.driver._snapshot_path(snapshot)
        self.assertTrue(_btrfs_cmd.is_subvolume(path))
        with open(os.path.join(path, 'a'), 'rb') as handle:
            self.assertEqual(b'one', handle.read())
        exc = self.assertRaises(OSError, open, os.path.join(path, 'b'), 'w')
        self.assertEqual(errno.EROFS, exc.errno)

    def test_create_snapshot_twice_keeps_first(self):
        share = self.new_share()
        self.write(share, 'a', b'one')
        snapshot = self.new_snapshot(share)
        self.write(share, 'a', b'two')
        result = self.driver.create_snapshot(snapshot)
        with open(os.path.join(result.provider_location, 'a'), 'rb') as fh:
            self.assertEqual(b'one', fh.read())

    def test_delete_snapshot_removes_subvolume_and_directory(self):
        share = self.new_share()
        snapshot = self.new_snapshot(share)
        self.driver.delete_snapshot(snapshot)
        self.assertFalse(os.path.lexists(
            self.driver._snapshots_dir(share.id)))
        self.assertEqual(['shares/share-%s' % share.id],
                         subvolume_paths(self.driver.root))

    def test_create_share_from_snapshot_gets_own_limit(self):
        share = self.new_share()
        self.write(share, 'a', b'one')
        snapshot = self.new_snapshot(share)
        clone = base.ShareSpec(id=str(uuid.uuid4()), size=3,
                               share_proto='NFS')
        self.driver.create_share_from_snapshot(clone, snapshot)
        self.assertEqual(3 * GiB, self.limit(clone))
        self.write(clone, 'a', b'clone')
        self.assertEqual({'a': b'one'}, self.read(share))


class RevertTestCase(BtrfsTestCase):

    def test_revert_swaps_subvolume_keeps_exports_and_snapshot(self):
        share = self.new_share()
        self.write(share, 'a', b'one')
        snapshot = self.new_snapshot(share)
        path = self.driver.get_share_path(share)
        old_id = self.driver.btrfs.subvolume_id(path)
        self.write(share, 'a', b'two')
        self.driver.revert_to_snapshot(None, snapshot, [], [])
        self.assertNotEqual(old_id, self.driver.btrfs.subvolume_id(path))
        self.assertEqual(list(share.export_locations),
                         self.driver.ensure_share(share))
        self.assertEqual(
            sorted(['shares/share-%s' % share.id,
                    'snapshots/share-%s/snapshot-%s' % (share.id,
                                                        snapshot.id)]),
            subvolume_paths(self.driver.root))
        self.assertEqual([], os.listdir(os.path.join(self.driver.root,
                                                     '.work')))

    def test_revert_sets_limit_to_snapshot_size(self):
        share = self.new_share(size=1)
        snapshot = self.new_snapshot(share, size=2)
        self.driver.revert_to_snapshot(None, snapshot, [], [])
        self.assertEqual(2 * GiB, self.limit(share))

    def test_revert_reapplies_exports_and_reloads(self):
        marker = os.path.join(self.useFixture(fixtures.TempDir()).path, 'm')
        self.driver = self.make_driver(
            btrfs_exports_reload_command=['touch', marker])
        share = self.new_share()
        snapshot = self.new_snapshot(share)
        rules = [self.rule('10.0.0.9', 'ro')]
        self.driver.update_access(share, rules, rules, [])
        os.unlink(marker)
        self.driver.revert_to_snapshot(None, snapshot, rules, [])
        self.assertTrue(os.path.exists(marker))
        self.assertEqual(
            {self.driver.get_share_path(share):
             '10.0.0.9(ro,sync,no_subtree_check)'},
            _exports.share_lines(self.driver.exports_file))

    def test_revert_keeps_metadata_of_snapshot(self):
        share = self.new_share()
        top = self.driver.get_share_path(share)
        self.write(share, 'dir/file', b'data')
        os.chmod(os.path.join(top, 'dir/file'), 0o640)
        os.symlink('dir/file', os.path.join(top, 'link'))
        os.link(os.path.join(top, 'dir/file'), os.path.join(top, 'hard'))
        os.setxattr(os.path.join(top, 'dir/file'), local_helpers.XATTR,
                    b'value')
        snapshot = self.new_snapshot(share)
        os.chmod(os.path.join(top, 'dir/file'), 0o600)
        os.unlink(os.path.join(top, 'link'))
        self.write(share, 'added', b'new')
        self.driver.revert_to_snapshot(None, snapshot, [], [])
        expected = metadata(self.driver._snapshot_path(snapshot))
        self.assertEqual({'.', 'dir', 'dir/file', 'hard', 'link'},
                         set(expected))
        self.assertEqual(expected, metadata(top))


class SetupTestCase(testtools.TestCase):
    """Start-up checks; most need no btrfs at all."""

    def _driver(self, **options):
        conf = dict(btrfs_mount_point=None, share_backend_name=None,
                    reserved_share_percentage=0)
        conf.update(options)
        return btrfs.BtrfsShareDriver(types.SimpleNamespace(**conf),
                                      'btrfs1', 'node1@btrfs1')

    def test_constructor_without_mount_point_raises_config_error(self):
        exc = self.assertRaises(exception.ConfigError, self._driver)
        self.assertIn('[btrfs1] btrfs_mount_point', str(exc))

    def test_do_setup_missing_mount_point_creates_nothing(self):
        tmp = self.useFixture(fixtures.TempDir()).path
        missing = os.path.join(tmp, 'mnt')
        driver = self._driver(btrfs_mount_point=missing)
        self.assertRaises(exception.ShareDriverException, driver.do_setup)
        self.assertFalse(os.path.exists(missing))

    def test_do_setup_not_btrfs_raises_and_creates_nothing(self):
        tmp = self.useFixture(fixtures.TempDir()).path
        driver = self._driver(btrfs_mount_point=tmp)
        exc = self.assertRaises(exception.ShareDriverException,
                                driver.do_setup)
        self.assertIn('is not on a usable btrfs file system', str(exc))
        self.assertEqual([], os.listdir(tmp))

    def test_check_for_setup_error_quota_disabled_names_fix(self):
        fs = self.useFixture(btrfs_fixture.BtrfsFilesystem(quota=False))
        driver = self._driver(btrfs_mount_point=fs.mount_point)
        driver.do_setup()
        exc = self.assertRaises(exception.ShareDriverException,
                                driver.check_for_setup_error)
        self.assertIn('btrfs quota enable', str(exc))

    def test_check_for_setup_error_missing_reload_command_raises(self):
        driver = bc.make_btrfs_driver(
            self, btrfs_exports_reload_command=['manila-bk-no-such-cmd'])
        driver.do_setup()
        exc = self.assertRaises(exception.ShareDriverException,
                                driver.check_for_setup_error)
        self.assertIn('manila-bk-no-such-cmd', str(exc))

    def test_check_for_setup_error_without_btrfs_command_raises(self):
        driver = self._driver(btrfs_mount_point='/tmp')
        with mock.patch('shutil.which', return_value=None):
            exc = self.assertRaises(exception.ShareDriverException,
                                    driver.check_for_setup_error)
        self.assertIn('btrfs-progs', str(exc))

    def test_root_helper_option_prefixes_commands(self):
        driver = self._driver(btrfs_mount_point='/tmp',
                              btrfs_root_helper=['sudo', '-n'])
        self.assertEqual(['sudo', '-n', 'btrfs'], driver.btrfs.prefix)

    def test_load_driver_by_class_path_returns_btrfs_driver(self):
        cls = drivers.load_driver_class(
            'manila_bk.share.drivers.btrfs.BtrfsShareDriver')
        self.assertIs(btrfs.BtrfsShareDriver, cls)
