"""The share driver compliance suite run against the btrfs driver.

On a real btrfs: each test gets a fresh loop-mounted file system from
``manila_bk.tests.btrfs_fixture`` (skipped loudly, or failed under CI,
where the machine cannot make one).
"""

import os
import types

import testtools

from manila_bk.share.drivers import btrfs
from manila_bk.tests import btrfs_fixture
from manila_bk.tests.compliance import share_driver
from manila_bk.tests.unit.share.drivers import local_helpers


def make_btrfs_driver(test, **overrides):
    """A BtrfsShareDriver on a fresh btrfs, not yet set up."""
    fs = test.useFixture(btrfs_fixture.BtrfsFilesystem())
    options = dict(btrfs_mount_point=fs.mount_point, btrfs_export_host=None,
                   btrfs_exports_file=None, btrfs_exports_reload_command=[],
                   btrfs_root_helper=[], share_backend_name=None,
                   reserved_share_percentage=0)
    options.update(overrides)
    return btrfs.BtrfsShareDriver(types.SimpleNamespace(**options),
                                  'btrfs1', 'node1@btrfs1')


def fill_share(driver, share, nbytes, name='filler'):
    """Make ``share`` reference ``nbytes`` more (allocated, not sparse)."""
    path = os.path.join(driver.get_share_path(share), name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        os.posix_fallocate(fd, 0, nbytes)
    finally:
        os.close(fd)


class BtrfsShareDriverComplianceTestCase(
        share_driver.ShareDriverComplianceMixin, testtools.TestCase):

    def make_driver(self):
        return make_btrfs_driver(self)

    def write_file(self, share, relpath, data):
        local_helpers.write_file(self.driver, share, relpath, data)

    def read_tree(self, share):
        return local_helpers.read_tree(self.driver, share)

    def fill_share(self, share, nbytes):
        fill_share(self.driver, share, nbytes)
