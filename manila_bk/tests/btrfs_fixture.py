"""A real btrfs file system on a loop device, for tests and benchmarks.

:class:`BtrfsFilesystem` makes a sparse image file, attaches it with
``losetup --find --show``, runs ``mkfs.btrfs``, mounts it, enables quotas
and exposes ``mount_point``; its clean-up unmounts, detaches and removes
the image.  It needs root (or CAP_SYS_ADMIN), loop devices, btrfs-progs
and btrfs in the kernel.

When any of that is missing the fixture skips the test with a loud reason,
unless the environment says btrfs tests must run (``CI=true`` or
``MANILA_BK_REQUIRE_BTRFS=1``): then it fails.  Use it as a fixture
(``self.useFixture(BtrfsFilesystem())``) or, outside a test, with
``setUp()`` / ``cleanUp()``.
"""

import os
import shutil
import subprocess
import tempfile
import time
import unittest

import fixtures

GiB = 1024 ** 3
TOOLS = ('losetup', 'mkfs.btrfs', 'btrfs', 'mount', 'umount')


class BtrfsUnavailable(Exception):
    """This machine cannot make a loop-mounted btrfs."""


def btrfs_required():
    """Whether a missing btrfs must fail the tests instead of skipping."""
    return (os.environ.get('CI', '').lower() == 'true'
            or os.environ.get('MANILA_BK_REQUIRE_BTRFS', '') not in
            ('', '0'))


def _run(argv, timeout=60):
    try:
        proc = subprocess.run(argv, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BtrfsUnavailable('%s: %s' % (' '.join(argv), exc))
    if proc.returncode != 0:
        raise BtrfsUnavailable('%s exited with %d: %s' % (
            ' '.join(argv), proc.returncode, proc.stderr.strip()[-500:]))
    return proc.stdout


def missing_prerequisite():
    """Return why no btrfs can be made here, or None when it looks fine."""
    if os.geteuid() != 0:
        return 'not running as root (losetup and mount need it)'
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        return ('missing %s (install btrfs-progs: apt-get install -y '
                'btrfs-progs)' % ', '.join(missing))
    if not os.path.exists('/dev/loop-control'):
        return '/dev/loop-control is absent: no loop devices'
    return None


def unavailable(reason):
    """Skip (loudly) or fail, as btrfs_required() says."""
    message = ('btrfs tests cannot run on this machine: %s. They are '
               'SKIPPED; set MANILA_BK_REQUIRE_BTRFS=1 (CI sets CI=true) to '
               'make this a failure.' % reason)
    if btrfs_required():
        raise AssertionError('btrfs is required (CI=true or '
                             'MANILA_BK_REQUIRE_BTRFS=1) but %s' % reason)
    raise unittest.SkipTest(message)


class BtrfsFilesystem(fixtures.Fixture):
    """A fresh loop-mounted btrfs with quotas enabled.

    ``size`` is the image's apparent size in bytes; the image is sparse,
    so only what is written takes disk space.  ``directory`` holds the
    image and the mount point (default: a new temporary directory).
    """

    def __init__(self, size=8 * GiB, directory=None, quota=True):
        super().__init__()
        self.size = size
        self.directory = directory
        self.quota = quota
        self.mount_point = None
        self.device = None
        self.image = None

    def setUp(self):
        # Raised from inside _setUp, a skip would reach the test wrapped
        # in MultipleExceptions and count as an error.
        try:
            super().setUp()
            return
        except fixtures.MultipleExceptions as exc:
            first = exc.args[0][1]
            if not isinstance(first, BtrfsUnavailable):
                raise
        unavailable(str(first))

    def _setUp(self):
        reason = missing_prerequisite()
        if reason:
            raise BtrfsUnavailable(reason)
        workdir = tempfile.mkdtemp(prefix='manila-bk-btrfs-',
                                   dir=self.directory)
        self.addCleanup(shutil.rmtree, workdir, True)
        self.image = os.path.join(workdir, 'btrfs.img')
        with open(self.image, 'wb') as handle:
            handle.truncate(self.size)
        self.addCleanup(self._unlink_image)
        self._attach_and_mount(workdir)

    def _attach_and_mount(self, workdir):
        self.device = self._attach()
        self.addCleanup(self._detach)
        _run(['mkfs.btrfs', '--quiet', self.device])
        mount_point = os.path.join(workdir, 'mnt')
        os.mkdir(mount_point)
        _run(['mount', '-t', 'btrfs', self.device, mount_point])
        self.mount_point = mount_point
        self.addCleanup(self._umount)
        if self.quota:
            _run(['btrfs', 'quota', 'enable', mount_point])

    def _attach(self):
        # Parallel test workers race for the first free device.
        last = None
        for attempt in range(5):
            try:
                return _run(['losetup', '--find', '--show',
                             self.image]).strip()
            except BtrfsUnavailable as exc:
                last = exc
                time.sleep(0.2 * (attempt + 1))
        raise last

    def _umount(self):
        for attempt in range(10):
            proc = subprocess.run(['umount', self.mount_point],
                                  capture_output=True, text=True,
                                  stdin=subprocess.DEVNULL)
            if proc.returncode == 0 or not os.path.ismount(self.mount_point):
                return
            time.sleep(0.3)
        # Detaching the still-mounted device would leave it behind.
        subprocess.run(['umount', '--lazy', self.mount_point],
                       capture_output=True, stdin=subprocess.DEVNULL)

    def _detach(self):
        subprocess.run(['losetup', '-d', self.device], capture_output=True,
                       stdin=subprocess.DEVNULL)

    def _unlink_image(self):
        try:
            os.unlink(self.image)
        except FileNotFoundError:
            pass
