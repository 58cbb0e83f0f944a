"""The loop-mounted btrfs test fixture: skip, fail, set up, clean up."""

import os
import subprocess
import unittest
from unittest import mock

import fixtures
import testtools

from manila_bk.tests import btrfs_fixture


class RequiredTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.EnvironmentVariable('CI'))
        self.useFixture(fixtures.EnvironmentVariable(
            'MANILA_BK_REQUIRE_BTRFS'))
        self.tmp = self.useFixture(fixtures.TempDir()).path

    def _use(self):
        fs = btrfs_fixture.BtrfsFilesystem(directory=self.tmp)
        fs.setUp()
        fs.cleanUp()

    def _missing(self, reason='no loop devices here'):
        return mock.patch.object(btrfs_fixture, 'missing_prerequisite',
                                 return_value=reason)

    def test_missing_prerequisite_unrequired_skips_loudly(self):
        with self._missing():
            exc = self.assertRaises(unittest.SkipTest, self._use)
        self.assertIn('no loop devices here', str(exc))
        self.assertIn('SKIPPED', str(exc))
        self.assertIn('MANILA_BK_REQUIRE_BTRFS=1', str(exc))

    def test_missing_prerequisite_under_ci_fails(self):
        os.environ['CI'] = 'true'
        with self._missing():
            exc = self.assertRaises(AssertionError, self._use)
        self.assertIn('no loop devices here', str(exc))

    def test_missing_prerequisite_required_by_variable_fails(self):
        os.environ['MANILA_BK_REQUIRE_BTRFS'] = '1'
        with self._missing():
            self.assertRaises(AssertionError, self._use)

    def test_require_variable_zero_skips(self):
        os.environ['MANILA_BK_REQUIRE_BTRFS'] = '0'
        with self._missing():
            self.assertRaises(unittest.SkipTest, self._use)

    def test_losetup_failure_skips_and_leaves_nothing(self):
        def fake_run(argv, timeout=60):
            raise btrfs_fixture.BtrfsUnavailable('%s: no free loop device'
                                                 % argv[0])
        with mock.patch.object(btrfs_fixture, 'missing_prerequisite',
                               return_value=None), \
                mock.patch.object(btrfs_fixture, '_run', fake_run), \
                mock.patch('time.sleep'):
            exc = self.assertRaises(unittest.SkipTest, self._use)
        self.assertIn('no free loop device', str(exc))
        self.assertEqual([], os.listdir(self.tmp))


class RealFilesystemTestCase(testtools.TestCase):

    def test_cleanup_unmounts_detaches_and_removes(self):
        fs = btrfs_fixture.BtrfsFilesystem()
        fs.setUp()
        try:
            mount_point, image = fs.mount_point, fs.image
            self.assertTrue(os.path.ismount(mount_point))
            out = subprocess.run(['btrfs', 'qgroup', 'show', mount_point],
                                 capture_output=True, text=True)
            self.assertEqual(0, out.returncode, out.stderr)
        finally:
            fs.cleanUp()
        self.assertFalse(os.path.exists(mount_point))
        self.assertFalse(os.path.exists(image))
        attached = subprocess.run(['losetup', '--associated', image],
                                  capture_output=True, text=True).stdout
        self.assertEqual('', attached.strip())
