"""The driver base: records, capability flags, id validation."""

import dataclasses
import types

import testtools

from manila_bk import exception
from manila_bk.share.drivers import base


class _Minimal(base.ShareDriver):
    def do_setup(self):
        pass

    def check_for_setup_error(self):
        pass

    def create_share(self, share):
        return []

    def delete_share(self, share):
        pass

    def ensure_share(self, share):
        return []

    def get_pools(self):
        return [self.make_pool('p', 10, 5)]

    def update_access(self, share, access_rules, add_rules, delete_rules):
        pass


class _Snapshots(_Minimal, base.SnapshotInterface):
    def create_snapshot(self, snapshot):
        return base.SnapshotResult(None)

    def delete_snapshot(self, snapshot):
        pass


class _RevertOnly(_Minimal, base.RevertInterface):
    def revert_to_snapshot(self, context, snapshot, share_access_rules,
                           snapshot_access_rules, share_server=None):
        pass


class _Full(_Snapshots, base.RevertInterface,
            base.CreateFromSnapshotInterface):
    mount_snapshot_support = True

    def revert_to_snapshot(self, context, snapshot, share_access_rules,
                           snapshot_access_rules, share_server=None):
        pass

    def create_share_from_snapshot(self, share, snapshot):
        return []


def _driver(cls, **options):
    return cls(types.SimpleNamespace(**options), 'backend1', 'host1')


class ShareDriverBaseTestCase(testtools.TestCase):

    def test_capabilities_no_interfaces_all_false(self):
        self.assertEqual({'snapshot_support': False,
                          'create_share_from_snapshot_support': False,
                          'revert_to_snapshot_support': False,
                          'mount_snapshot_support': False},
                         _driver(_Minimal).capabilities())

    def test_capabilities_revert_without_snapshots_is_false(self):
        self.assertFalse(
            _driver(_RevertOnly).capabilities()['revert_to_snapshot_support'])

    def test_capabilities_snapshot_interface_only_snapshot_true(self):
        caps = _driver(_Snapshots).capabilities()
        self.assertTrue(caps['snapshot_support'])
        self.assertFalse(caps['revert_to_snapshot_support'])
        self.assertFalse(caps['create_share_from_snapshot_support'])

    def test_make_pool_uses_config_and_interfaces(self):
        pool = _driver(_Full, reserved_share_percentage=7,
                       share_backend_name='gold').get_pools()[0]
        self.assertEqual(
            dict(pool_name='p', total_capacity_gb=10, free_capacity_gb=5,
                 reserved_percentage=7, snapshot_support=True,
                 create_share_from_snapshot_support=True,
                 revert_to_snapshot_support=True,
                 mount_snapshot_support=True, storage_protocol='NFS',
                 share_backend_name='gold',
                 driver_handles_share_servers=False, vendor_name='manila_bk',
                 driver_version='1.0', qos=False, thin_provisioning=False),
            pool.to_dict())

    def test_share_backend_name_defaults_to_backend_name(self):
        self.assertEqual('backend1', _driver(_Minimal).share_backend_name)

    def test_abstract_driver_cannot_be_built(self):
        self.assertRaises(TypeError, base.ShareDriver,
                          types.SimpleNamespace(), 'b', 'h')

    def test_records_are_frozen(self):
        share = base.ShareSpec(id='x', size=1, share_proto='NFS')
        self.assertRaises(dataclasses.FrozenInstanceError, setattr,
                          share, 'size', 2)
        self.assertEqual({'path': 'h:/p', 'is_admin_only': False,
                          'preferred': True},
                         base.ExportLocation('h:/p').to_dict())

    def test_validate_uuid_rejects_path_tricks(self):
        good = '0b4a8f6e-5d0c-4a57-9e3c-2f1f6f1b2c3d'
        self.assertEqual(good, base.validate_uuid(good))
        for bad in ('../etc', good + '/..', good[:-1], None, 42,
                    good.replace('-', '')):
            self.assertRaises(exception.InvalidInput, base.validate_uuid,
                              bad)

    def test_shrink_exception_is_driver_exception_with_message(self):
        exc = base.ShareShrinkingPossibleDataLoss(
            share_id='s1', new_size=1, used_bytes=5)
        self.assertIsInstance(exc, exception.ShareDriverException)
        self.assertIn('s1', str(exc))
        self.assertIn('5 bytes', str(exc))
