"""Fault injection and shared state of the fake driver."""

import types
from unittest import mock
import uuid

import testtools

from manila_bk import exception
from manila_bk.share.drivers import base
from manila_bk.share.drivers import fake


def _share():
    return base.ShareSpec(id=str(uuid.uuid4()), size=1, share_proto='NFS')


class FakeShareDriverTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.addCleanup(fake.FakeShareDriver.reset)

    def make_driver(self, backend='fake1', **options):
        return fake.FakeShareDriver(types.SimpleNamespace(**options),
                                    backend, 'node1@' + backend)

    def test_class_fail_operations_fails_every_instance(self):
        driver = self.make_driver()
        with mock.patch.object(fake.FakeShareDriver, 'FAIL_OPERATIONS',
                               {'create_share'}):
            exc = self.assertRaises(exception.ShareDriverException,
                                    driver.create_share, _share())
        self.assertIn('create_share', str(exc))
        driver.create_share(_share())

    def test_config_fail_operations_fails_only_that_backend(self):
        failing = self.make_driver(fake_fail_operations=['delete_share'])
        other = self.make_driver('fake2')
        share = _share()
        failing.create_share(share)
        self.assertRaises(exception.ShareDriverException,
                          failing.delete_share, share)
        other.create_share(share)
        other.delete_share(share)
        self.assertTrue(failing.share_exists(share.id))

    def test_fail_exception_class_is_raised(self):
        driver = self.make_driver()
        driver.fail_operations.add('get_pools')
        with mock.patch.object(fake.FakeShareDriver, 'FAIL_EXCEPTION',
                               exception.ServiceUnavailable):
            exc = self.assertRaises(exception.ServiceUnavailable,
                                    driver.get_pools)
        self.assertEqual('fake failure injected in get_pools', str(exc))

    def test_sleep_operations_from_config_list_sleeps_before_call(self):
        driver = self.make_driver(
            fake_sleep_operations=['create_snapshot:2.5', 'recover:1'])
        share = _share()
        driver.create_share(share)
        with mock.patch('time.sleep') as sleep:
            driver.create_snapshot(base.SnapshotSpec(
                id=str(uuid.uuid4()), share=share, size=1))
            driver.create_share(_share())
        sleep.assert_called_once_with(2.5)

    def test_sleep_operations_class_and_dict_take_longest(self):
        driver = self.make_driver(fake_sleep_operations={'get_pools': '1'})
        with mock.patch.object(fake.FakeShareDriver, 'SLEEP_OPERATIONS',
                               {'get_pools': 3}), \
                mock.patch('time.sleep') as sleep:
            driver.get_pools()
        sleep.assert_called_once_with(3)

    def test_store_shared_by_instances_of_same_backend(self):
        share = _share()
        self.make_driver().create_share(share)
        self.assertEqual(1, len(self.make_driver().ensure_share(share)))
        self.assertRaises(exception.ShareDriverException,
                          self.make_driver('fake2').ensure_share, share)
        fake.FakeShareDriver.reset()
        self.assertRaises(exception.ShareDriverException,
                          self.make_driver().ensure_share, share)

    def test_recover_preset_outcome_reported_once(self):
        driver = self.make_driver()
        share = _share()
        driver.set_recovery_outcome(share.id, 'rolled_back')
        self.assertEqual({share.id: 'rolled_back'}, driver.recover(None))
        self.assertEqual({share.id: 'clean'}, driver.recover([share.id]))

    def test_calls_are_recorded(self):
        driver = self.make_driver()
        share = _share()
        driver.create_share(share)
        driver.update_access(share, [], [], [])
        self.assertEqual(['create_share', 'update_access'], driver.calls)

    def test_revert_sets_size_and_access_rules_kept(self):
        driver = self.make_driver()
        share = base.ShareSpec(id=str(uuid.uuid4()), size=1,
                               share_proto='NFS')
        driver.create_share(share)
        rule = base.AccessRule(id='r1', access_type='user', access_to='bob',
                               access_level='ro')
        driver.update_access(share, [rule], [rule], [])
        snapshot = base.SnapshotSpec(id=str(uuid.uuid4()), share=share,
                                     size=1)
        driver.create_snapshot(snapshot)
        driver.extend_share(share, 4)
        driver.revert_to_snapshot(None, snapshot, [rule], [])
        self.assertEqual(1, driver.get_pools()[0].total_capacity_gb -
                         driver.get_pools()[0].free_capacity_gb)
        self.assertEqual([rule], driver.get_access_rules(share.id))

    def test_capabilities_report_every_interface(self):
        self.assertEqual({'snapshot_support': True,
                          'create_share_from_snapshot_support': True,
                          'revert_to_snapshot_support': True,
                          'mount_snapshot_support': False},
                         self.make_driver().capabilities())
