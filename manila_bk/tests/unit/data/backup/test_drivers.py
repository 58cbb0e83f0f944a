"""Tests of loading backup drivers by short name or dotted path."""

import types

from manila_bk.data.backup import drivers
from manila_bk.data.backup.drivers import nfs
from manila_bk import exception
from manila_bk.tests import base


class LoadBackupDriverTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.conf = types.SimpleNamespace(backup_mount_export='/x')

    def test_load_short_name(self):
        driver = drivers.load_backup_driver('nfs', self.conf, 'backup1')
        self.assertIsInstance(driver, nfs.NFSBackupDriver)
        self.assertEqual('backup1', driver.backend_name)
        self.assertEqual('/x', driver.export)

    def test_load_dotted_path(self):
        driver = drivers.load_backup_driver(
            'manila_bk.data.backup.drivers.nfs.NFSBackupDriver', self.conf,
            'backup1')
        self.assertIsInstance(driver, nfs.NFSBackupDriver)

    def test_load_unknown_name_fails_naming_it(self):
        exc = self.assertRaises(exception.DriverNotLoaded,
                                drivers.load_backup_driver, 'tape',
                                self.conf, 'backup1')
        self.assertIn('tape', str(exc))

    def test_load_bad_path_and_non_driver_fail(self):
        for name in ('manila_bk.nowhere.Driver', 'collections.OrderedDict',
                     '', None):
            self.assertRaises(exception.DriverNotLoaded,
                              drivers.load_backup_driver, name, self.conf,
                              'backup1')
