"""load_driver: short names, dotted paths and the errors they raise."""

import types
from unittest import mock

from stevedore import exception as stevedore_exception
import testtools

from manila_bk import exception
from manila_bk.share import drivers
from manila_bk.share.drivers import fake
from manila_bk.share.drivers import local


def _load(name, **options):
    return drivers.load_driver(name, types.SimpleNamespace(**options),
                               'backend1', 'host1@backend1')


class LoadDriverTestCase(testtools.TestCase):

    def test_load_driver_short_name_returns_instance(self):
        driver = _load('fake')
        self.assertIsInstance(driver, fake.FakeShareDriver)
        self.assertEqual(('backend1', 'host1@backend1'),
                         (driver.backend_name, driver.host))

    def test_load_driver_local_short_name(self):
        driver = _load('local', local_share_root='/tmp/x')
        self.assertIsInstance(driver, local.LocalShareDriver)

    def test_load_driver_missing_entry_point_uses_builtin(self):
        with mock.patch('stevedore.driver.DriverManager',
                        side_effect=stevedore_exception.NoMatches('none')):
            self.assertIsInstance(_load('fake'), fake.FakeShareDriver)

    def test_load_driver_entry_point_found_is_used(self):
        manager = mock.Mock(driver=fake.FakeShareDriver)
        with mock.patch('stevedore.driver.DriverManager',
                        return_value=manager) as dm:
            self.assertIsInstance(_load('custom'), fake.FakeShareDriver)
        self.assertEqual(('manila_bk.share.drivers', 'custom'),
                         dm.call_args[0])

    def test_load_driver_dotted_path_returns_instance(self):
        driver = _load('manila_bk.share.drivers.fake.FakeShareDriver')
        self.assertIsInstance(driver, fake.FakeShareDriver)

    def test_load_driver_unknown_name_raises_naming_it(self):
        exc = self.assertRaises(exception.DriverNotLoaded, _load, 'nosuch')
        self.assertIn('nosuch', str(exc))

    def test_load_driver_bad_dotted_path_raises_naming_it(self):
        exc = self.assertRaises(exception.DriverNotLoaded, _load,
                                'manila_bk.nowhere.Driver')
        self.assertIn('manila_bk.nowhere.Driver', str(exc))

    def test_load_driver_not_a_driver_class_raises(self):
        exc = self.assertRaises(exception.DriverNotLoaded, _load,
                                'collections.OrderedDict')
        self.assertIn('not a ShareDriver', str(exc))

    def test_load_driver_empty_name_raises(self):
        self.assertRaises(exception.DriverNotLoaded, _load, '')
        self.assertRaises(exception.DriverNotLoaded, _load, None)

    def test_load_driver_constructor_error_raises_driver_not_loaded(self):
        exc = self.assertRaises(exception.DriverNotLoaded, _load, 'local')
        self.assertIn('Driver local could not be loaded', str(exc))
        self.assertIn('local_share_root is not set', str(exc))
