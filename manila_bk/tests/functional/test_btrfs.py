"""The btrfs back end end to end, on a real loop-mounted btrfs.

manila-bk-all serves one back end, ``share_driver = btrfs``, on a file
system made by ``manila_bk.tests.btrfs_fixture`` (skipped loudly where the
machine cannot make one; a failure under ``CI=true`` or
``MANILA_BK_REQUIRE_BTRFS=1``).  python-manilaclient, unchanged, runs the
revert issue's scenario (``openstack share revert --wait``) and a share's
life cycle, and the tests look at the subvolumes and quota groups behind.
"""

import errno
import os
import uuid

import testtools

from manila_bk.share.drivers import _btrfs_cmd
from manila_bk.tests import btrfs_fixture
from manila_bk.tests.functional import fixtures as ffx
from manila_bk.tests.functional import test_revert
from manila_bk.tests.unit.data.backup import sample_tree
from manila_bk.tests.unit.data.backup import treecompare

GiB = 1024 ** 3
MiB = 1024 ** 2
BACKEND = 'btrfs1'


class BtrfsBackendMixin:
    """A btrfs file system, and the deployment's back end on it."""

    @classmethod
    def setUpClass(cls):
        cls.fs = btrfs_fixture.BtrfsFilesystem()
        cls.fs.setUp()
        cls.extra_config = {
            'DEFAULT': {'enabled_share_backends': BACKEND},
            BACKEND: {'share_driver': 'btrfs',
                      'btrfs_mount_point': cls.fs.mount_point}}
        try:
            super().setUpClass()
        except BaseException:
            cls.fs.cleanUp()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.fs.cleanUp()


class BtrfsRevertScenarioTestCase(BtrfsBackendMixin,
                                  test_revert.RevertScenarioMixin,
                                  testtools.TestCase):
    """The revert issue's scenario test, unchanged, on btrfs."""

    def test_revert_swaps_subvolume_on_btrfs(self):
        self.wait_pools()
        share = self.make_share(self.make_type())
        path = self.share_path(share['id'])
        self.assertTrue(path.startswith(self.fs.mount_point + '/'), path)
        btrfs = _btrfs_cmd.Btrfs()
        before_id = btrfs.subvolume_id(path)
        self.write(share['id'], 'a', b'snapshotted')
        snap = self.make_snapshot(share['id'])
        self.write(share['id'], 'a', b'changed')
        self.cli.run('share', 'revert', snap['id'], '--wait')
        self.assertEqual(b'snapshotted', self.read(share['id'], 'a'))
        self.assertNotEqual(before_id, btrfs.subvolume_id(path))
        self.assertEqual(path, self.share_path(share['id']))
        self.assertEqual([], os.listdir(os.path.join(self.fs.mount_point,
                                                     '.work')))


class BtrfsCLILifecycleTestCase(BtrfsBackendMixin,
                                test_revert.DeploymentMixin,
                                testtools.TestCase):
    """A share's life on btrfs through the openstack command."""

    def _name(self, prefix):
        return '%s-%s' % (prefix, uuid.uuid4().hex[:6])

    def _path(self, share_id):
        locations = self.cli.json('share', 'export', 'location', 'list',
                                  share_id)
        return locations[0]['Path'].split(':', 1)[1]

    def _limit(self, path):
        return _btrfs_cmd.Btrfs().usage(path).max_referenced

    def _fill(self, path, name, nbytes):
        fd = os.open(os.path.join(path, name), os.O_WRONLY | os.O_CREAT)
        try:
            os.posix_fallocate(fd, 0, nbytes)
        finally:
            os.close(fd)

    def test_pool_reports_btrfs_capabilities(self):
        pools = ffx.wait_for(
            lambda: self.cli.json('share', 'pool', 'list', '--detail'), 60,
            interval=1, what='share pools')
        self.assertEqual(1, len(pools))
        caps = pools[0]['Capabilities']
        self.assertEqual('%s@%s#%s' % (self.deployment.host, BACKEND,
                                       BACKEND), pools[0]['Name'])
        for key in ('snapshot_support', 'revert_to_snapshot_support',
                    'create_share_from_snapshot_support'):
            self.assertIs(True, caps[key], key)
        self.assertEqual(8.0, caps['total_capacity_gb'])

    def test_share_lifecycle_on_subvolumes(self):
        ffx.wait_for(lambda: self.cli.json('share', 'pool', 'list'), 60,
                     interval=1, what='share pools')
        name = self._name('share')
        share = self.cli.json('share', 'create', 'NFS', '1', '--name', name,
                              '--wait')
        self.assertEqual('available', share['status'])
        path = self._path(share['id'])
        self.assertTrue(_btrfs_cmd.is_subvolume(path), path)
        self.assertEqual(GiB, self._limit(path))
        exc = self.assertRaises(OSError, self._fill, path, 'big', GiB + MiB)
        self.assertEqual(errno.EDQUOT, exc.errno)
        os.unlink(os.path.join(path, 'big'))
        self._fill(path, 'data', 600 * MiB)

        self.cli.run('share', 'resize', name, '2', '--wait')
        self.assertEqual(2 * GiB, self._limit(path))
        self.cli.run('share', 'resize', name, '1', '--wait')
        self.assertEqual(GiB, self._limit(path))

        snap = self.cli.json('share', 'snapshot', 'create', name, '--name',
                             self._name('snap'), '--wait')
        self.assertEqual('available', snap['status'])
        clone = self.cli.json('share', 'create', 'NFS', '1', '--snapshot-id',
                              snap['id'], '--wait')
        self.assertEqual('available', clone['status'])
        clone_path = self._path(clone['id'])
        self.assertTrue(_btrfs_cmd.is_subvolume(clone_path))
        self.assertEqual(600 * MiB,
                         os.path.getsize(os.path.join(clone_path, 'data')))

        self.cli.run('share', 'delete', clone['id'], '--wait')
        self.assertFalse(os.path.lexists(clone_path))
        self.cli.run('share', 'snapshot', 'delete', snap['id'], '--wait')
        self.cli.run('share', 'delete', name, '--wait')
        self.assertFalse(os.path.lexists(path))
        listed = _btrfs_cmd.Btrfs().run('subvolume', 'list',
                                        self.fs.mount_point)
        for gone in (share['id'], clone['id'], snap['id']):
            self.assertNotIn(gone, listed)

    def test_backup_and_restore_btrfs_share(self):
        ffx.wait_for(lambda: self.cli.json('share', 'pool', 'list'), 60,
                     interval=1, what='share pools')
        share = self.cli.json('share', 'create', 'NFS', '1', '--wait')
        path = self._path(share['id'])
        sample_tree.build(path)
        before = treecompare.describe(path)
        backup = self.cli.json('share', 'backup', 'create', share['id'])
        ffx.wait_for(
            lambda: self.cli.json('share', 'backup', 'show', backup['id'])[
                'status'] == 'available', 120, interval=1,
            what='backup %s to be available' % backup['id'])
        test_revert._modify(path)
        self.assertNotEqual(before, treecompare.describe(path))
        self.cli.run('share', 'backup', 'restore', backup['id'], '--wait')
        after = treecompare.describe(path)
        self.assertEqual(sorted(before), sorted(after))
        for rel in before:
            self.assertEqual(before[rel], after[rel], rel)
        self.assertTrue(_btrfs_cmd.is_subvolume(path))
