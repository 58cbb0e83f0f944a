"""Unit tests of the local driver beyond the compliance suite."""

import errno
import os
import time
from unittest import mock
import uuid

from manila_bk import exception
from manila_bk.share.drivers import _fsutils
from manila_bk.share.drivers import base
from manila_bk.tests.unit.share.drivers import local_helpers as helpers


class RevertFidelityTestCase(helpers.LocalDriverTestCase):

    def _populate(self, top):
        os.makedirs(os.path.join(top, 'dir', 'sub'))
        with open(os.path.join(top, 'dir', 'file'), 'wb') as handle:
            handle.write(b'content')
        os.link(os.path.join(top, 'dir', 'file'),
                os.path.join(top, 'hardlink'))
        os.symlink('dir/file', os.path.join(top, 'symlink'))
        os.symlink('/nonexistent/target', os.path.join(top, 'dangling'))
        with open(os.path.join(top, 'private'), 'wb') as handle:
            handle.write(b'secret')
        os.chmod(os.path.join(top, 'private'), 0o600)
        os.chmod(os.path.join(top, 'dir', 'sub'), 0o750)
        os.chmod(top, 0o2775)
        try:
            os.setxattr(os.path.join(top, 'dir', 'file'), helpers.XATTR,
                        b'value')
        except OSError:
            pass
        if os.geteuid() == 0:
            os.chown(os.path.join(top, 'private'), 1234, 5678)
            os.chown(os.path.join(top, 'symlink'), 4321, 8765,
                     follow_symlinks=False)
        future = time.time() + 3600
        for rel, mtime in (('dir/file', 1500000000), ('private', 1400000000),
                           ('dir/sub', 1300000000), ('dir', 1200000000),
                           ('.', 1100000000)):
            os.utime(os.path.join(top, rel), (future, mtime))
        os.utime(os.path.join(top, 'symlink'), (future, 1000000000),
                 follow_symlinks=False)

    def _mutate(self, top):
        os.chmod(os.path.join(top, 'private'), 0o644)
        os.unlink(os.path.join(top, 'hardlink'))
        with open(os.path.join(top, 'hardlink'), 'wb') as handle:
            handle.write(b'no longer a link')
        os.unlink(os.path.join(top, 'symlink'))
        os.symlink('elsewhere', os.path.join(top, 'symlink'))
        with open(os.path.join(top, 'dir', 'file'), 'ab') as handle:
            handle.write(b' appended')
        try:
            os.removexattr(os.path.join(top, 'dir', 'file'), helpers.XATTR)
        except OSError:
            pass
        if os.geteuid() == 0:
            os.chown(os.path.join(top, 'private'), 0, 0)
        os.rmdir(os.path.join(top, 'dir', 'sub'))
        with open(os.path.join(top, 'new-file'), 'wb') as handle:
            handle.write(b'new')
        os.chmod(top, 0o700)

    def test_revert_to_snapshot_restores_all_metadata(self):
        share = self.new_share()
        top = self.driver.get_share_path(share)
        self._populate(top)
        expected = helpers.tree_metadata(top)
        snapshot = self.new_snapshot(share)
        self._mutate(top)
        self.assertNotEqual(expected, helpers.tree_metadata(top))

        self.driver.revert_to_snapshot(None, snapshot, [], [])

        self.assertEqual(expected, helpers.tree_metadata(top))
        self.assertEqual(2, expected['hardlink']['nlink'])
        self.assertEqual(expected['dir/file']['link'],
                         expected['hardlink']['link'])
        if helpers.xattrs(os.path.join(top, 'dir', 'file')) == {}:
            self.skipTest('file system without user xattrs')
        self.assertEqual({helpers.XATTR: b'value'},
                         expected['dir/file']['xattrs'])

    def test_create_share_from_snapshot_copies_all_metadata(self):
        share = self.new_share()
        top = self.driver.get_share_path(share)
        self._populate(top)
        snapshot = self.new_snapshot(share)
        clone = base.ShareSpec(id=str(uuid.uuid4()), size=1,
                               share_proto='NFS')
        self.driver.create_share_from_snapshot(clone, snapshot)
        self.assertEqual(helpers.tree_metadata(top), helpers.tree_metadata(
            self.driver.get_share_path(clone)))

    def test_revert_to_snapshot_updates_size_record(self):
        share = self.new_share(size=1)
        snapshot = self.new_snapshot(share)
        self.driver.extend_share(share, 5)
        self.assertEqual(5, self.driver.get_share_size(share))
        self.driver.revert_to_snapshot(None, snapshot, [], [])
        self.assertEqual(1, self.driver.get_share_size(share))

    def test_revert_to_snapshot_without_exchange_uses_renames(self):
        share = self.new_share()
        self.write(share, 'a', b'one')
        snapshot = self.new_snapshot(share)
        self.write(share, 'a', b'two')
        with mock.patch.object(_fsutils, 'exchange',
                               side_effect=_fsutils.ExchangeUnsupported):
            self.driver.revert_to_snapshot(None, snapshot, [], [])
        self.assertEqual({'a': b'one'}, self.read(share))
        self.assertEqual(['.meta', '.snapshots', 'share-' + share.id],
                         sorted(n for n in os.listdir(self.driver.root)
                                if not n.startswith('.exports')))

    def test_revert_to_snapshot_exchange_fails_leaves_share_intact(self):
        share = self.new_share()
        self.write(share, 'a', b'one')
        snapshot = self.new_snapshot(share)
        self.write(share, 'a', b'two')
        with mock.patch.object(_fsutils, 'exchange',
                               side_effect=OSError(errno.EIO, 'io')):
            self.assertRaises(OSError, self.driver.revert_to_snapshot,
                              None, snapshot, [], [])
        self.assertEqual({'a': b'two'}, self.read(share))
        self.assertFalse(os.path.exists(
            os.path.join(self.driver.root, '.revert-' + share.id)))

    def test_revert_to_snapshot_second_rename_fails_rolls_back(self):
        share = self.new_share()
        self.write(share, 'a', b'one')
        snapshot = self.new_snapshot(share)
        self.write(share, 'a', b'two')
        real_rename = os.rename
        calls = []

        def rename(src, dst):
            calls.append(src)
            if len(calls) == 2:
                raise OSError(errno.EIO, 'injected')
            return real_rename(src, dst)

        with mock.patch.object(_fsutils, 'exchange',
                               side_effect=_fsutils.ExchangeUnsupported), \
                mock.patch('os.rename', side_effect=rename):
            self.assertRaises(OSError, self.driver.revert_to_snapshot,
                              None, snapshot, [], [])
        self.assertEqual({'a': b'two'}, self.read(share))
        self.assertFalse(os.path.exists(
            os.path.join(self.driver.root, '.revert-' + share.id)))

    def test_revert_to_snapshot_copy_fails_leaves_share_intact(self):
        share = self.new_share()
        self.write(share, 'a', b'one')
        snapshot = self.new_snapshot(share)
        self.write(share, 'a', b'two')
        with mock.patch.object(_fsutils, 'copy_tree',
                               side_effect=exception.ShareDriverException(
                                   reason='disk full')):
            self.assertRaises(exception.ShareDriverException,
                              self.driver.revert_to_snapshot,
                              None, snapshot, [], [])
        self.assertEqual({'a': b'two'}, self.read(share))
        self.assertFalse(os.path.exists(
            os.path.join(self.driver.root, '.revert-' + share.id)))


class LocalDriverMiscTestCase(helpers.LocalDriverTestCase):

    def test_create_share_export_host_strips_backend(self):
        share = self.new_share()
        self.assertEqual(
            'node1:%s' % self.driver.get_share_path(share),
            self.driver.ensure_share(share)[0].path)

    def test_create_share_ipv6_export_host_is_bracketed(self):
        self.driver = self.make_driver(local_export_host='2001:db8::1')
        share = self.new_share()
        self.assertEqual(
            '[2001:db8::1]:%s' % self.driver.get_share_path(share),
            self.driver.ensure_share(share)[0].path)

    def test_get_pools_configured_capacity_subtracts_sizes(self):
        self.driver = self.make_driver(local_total_capacity_gb=10,
                                       share_backend_name='gold',
                                       reserved_share_percentage=5)
        self.new_share(size=3)
        self.new_share(size=2)
        pool = self.driver.get_pools()[0]
        self.assertEqual((10.0, 5.0, 5, 'gold', 'local1'),
                         (pool.total_capacity_gb, pool.free_capacity_gb,
                          pool.reserved_percentage, pool.share_backend_name,
                          pool.pool_name))
        self.assertTrue(pool.revert_to_snapshot_support)

    def test_check_for_setup_error_missing_reload_command_raises(self):
        driver = helpers.make_local_driver(
            self, local_exports_reload_command=['no-such-command-xyz'])
        driver.do_setup()
        exc = self.assertRaises(exception.ShareDriverException,
                                driver.check_for_setup_error)
        self.assertIn('no-such-command-xyz', str(exc))

    def test_create_snapshot_copy_fails_leaves_no_snapshot(self):
        share = self.new_share()
        snapshot = base.SnapshotSpec(id=str(uuid.uuid4()), share=share,
                                     size=1)
        temp = self.driver._snapshot_path(snapshot, '.new-snapshot-')

        def half_copy(src, dst):
            os.mkdir(dst)
            raise exception.ShareDriverException(reason='copy failed')

        with mock.patch.object(_fsutils, 'copy_tree', side_effect=half_copy):
            self.assertRaises(exception.ShareDriverException,
                              self.driver.create_snapshot, snapshot)
        self.assertEqual([], os.listdir(os.path.dirname(temp)))

    def test_create_snapshot_twice_keeps_first_copy(self):
        share = self.new_share()
        self.write(share, 'a', b'one')
        snapshot = self.new_snapshot(share)
        self.write(share, 'a', b'two')
        self.driver.create_snapshot(snapshot)
        self.driver.revert_to_snapshot(None, snapshot, [], [])
        self.assertEqual({'a': b'one'}, self.read(share))

    def test_shrink_share_counts_hardlinks_once(self):
        share = self.new_share(size=2)
        top = self.driver.get_share_path(share)
        with open(os.path.join(top, 'big'), 'wb') as handle:
            handle.truncate(1024 ** 3 - 10)
        os.link(os.path.join(top, 'big'), os.path.join(top, 'link'))
        self.driver.shrink_share(share, 1)
        self.assertEqual(1, self.driver.get_share_size(share))
        with open(os.path.join(top, 'more'), 'wb') as handle:
            handle.write(b'x' * 11)
        exc = self.assertRaises(base.ShareShrinkingPossibleDataLoss,
                                self.driver.shrink_share, share, 1)
        self.assertIn(str(1024 ** 3 + 1), str(exc))

    def test_share_ids_must_be_uuids(self):
        for bad in ('../x', 'share', '', '0' * 36):
            self.assertRaises(exception.InvalidInput,
                              self.driver._share_path, bad)

    def test_delete_share_read_only_tree_succeeds(self):
        share = self.new_share()
        top = self.driver.get_share_path(share)
        self.write(share, 'dir/file', b'x')
        os.chmod(os.path.join(top, 'dir'), 0o500)
        self.driver.delete_share(share)
        self.assertFalse(os.path.lexists(top))
        self.assertIsNone(self.driver.get_share_size(share))
