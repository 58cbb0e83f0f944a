"""Tests every share driver must pass.

Mix :class:`ShareDriverComplianceMixin` into a ``testtools.TestCase`` (or
``unittest.TestCase``) and implement:

* ``make_driver()`` -- return a constructed driver; the mixin runs
  ``do_setup()`` and ``check_for_setup_error()``;
* ``write_file(share, relpath, data)`` and ``read_tree(share)`` (a dict of
  relative path to bytes, regular files only) -- the share's content, for
  drivers that hold data; set ``holds_data = False`` to skip those checks;
* optionally ``fill_share(share, nbytes)`` -- make the share use
  ``nbytes`` (a sparse file will do), for the shrink data-loss check.

Tests of an optional interface are skipped when the driver lacks it.
"""

import dataclasses
import uuid

from manila_bk import exception
from manila_bk.share.drivers import base


class ShareDriverComplianceMixin:
    holds_data = True

    def make_driver(self):
        raise NotImplementedError

    def write_file(self, share, relpath, data):
        raise NotImplementedError

    def read_tree(self, share):
        raise NotImplementedError

    def fill_share(self, share, nbytes):
        self.skipTest('the test case cannot fill a share')

    def setUp(self):
        super().setUp()
        self.driver = self.make_driver()
        self.driver.do_setup()
        self.driver.check_for_setup_error()

    # Helpers ---------------------------------------------------------

    def _require(self, *interfaces):
        for interface in interfaces:
            if not isinstance(self.driver, interface):
                self.skipTest('driver lacks %s' % interface.__name__)

    def _require_data(self):
        if not self.holds_data:
            self.skipTest('driver holds no data')

    def new_share(self, size=1):
        share = base.ShareSpec(id=str(uuid.uuid4()), size=size,
                               share_proto='NFS')
        exports = self.driver.create_share(share)
        return dataclasses.replace(share, export_locations=tuple(exports))

    def new_snapshot(self, share):
        snapshot = base.SnapshotSpec(id=str(uuid.uuid4()), share=share,
                                     size=share.size)
        result = self.driver.create_snapshot(snapshot)
        return dataclasses.replace(
            snapshot, provider_location=result.provider_location)

    @staticmethod
    def rule(access_to='10.0.0.1', level='rw', access_type='ip'):
        return base.AccessRule(id=str(uuid.uuid4()), access_type=access_type,
                               access_to=access_to, access_level=level)

    # Shares ----------------------------------------------------------

    def test_create_share_new_returns_export_locations(self):
        share = self.new_share()
        self.assertGreater(len(share.export_locations), 0)
        for location in share.export_locations:
            self.assertIsInstance(location, base.ExportLocation)
            self.assertIsInstance(location.path, str)
            self.assertTrue(location.path)

    def test_create_share_twice_returns_same_exports(self):
        share = self.new_share()
        self.assertEqual(list(share.export_locations),
                         self.driver.create_share(share))

    def test_create_share_twice_keeps_data(self):
        self._require_data()
        share = self.new_share()
        self.write_file(share, 'keep', b'data')
        self.driver.create_share(share)
        self.assertEqual({'keep': b'data'}, self.read_tree(share))

    def test_ensure_share_existing_returns_create_exports(self):
        share = self.new_share()
        self.assertEqual(list(share.export_locations),
                         self.driver.ensure_share(share))

    def test_ensure_share_missing_raises_driver_exception(self):
        share = base.ShareSpec(id=str(uuid.uuid4()), size=1,
                               share_proto='NFS')
        self.assertRaises(exception.ShareDriverException,
                          self.driver.ensure_share, share)

    def test_delete_share_existing_makes_ensure_fail(self):
        share = self.new_share()
        self.driver.delete_share(share)
        self.assertRaises(exception.ShareDriverException,
                          self.driver.ensure_share, share)

    def test_delete_share_twice_succeeds(self):
        share = self.new_share()
        self.driver.delete_share(share)
        self.driver.delete_share(share)

    def test_delete_share_never_created_succeeds(self):
        self.driver.delete_share(base.ShareSpec(
            id=str(uuid.uuid4()), size=1, share_proto='NFS'))

    def test_create_share_invalid_id_raises(self):
        share = base.ShareSpec(id='../escape', size=1, share_proto='NFS')
        self.assertRaises(exception.InvalidInput,
                          self.driver.create_share, share)

    # Pools -----------------------------------------------------------

    def test_get_pools_reports_well_formed_pools(self):
        pools = self.driver.get_pools()
        self.assertGreater(len(pools), 0)
        names = [field.name for field in
                 dataclasses.fields(base.PoolCapabilities)]
        for pool in pools:
            self.assertIsInstance(pool, base.PoolCapabilities)
            self.assertEqual(names, list(pool.to_dict()))
            self.assertTrue(pool.pool_name)
            self.assertGreaterEqual(pool.total_capacity_gb,
                                    pool.free_capacity_gb)
            self.assertGreaterEqual(pool.free_capacity_gb, 0)
            self.assertIn(pool.reserved_percentage, range(0, 101))
            self.assertFalse(pool.driver_handles_share_servers)
            self.assertTrue(pool.share_backend_name)
            self.assertTrue(pool.storage_protocol)

    def test_get_pools_flags_match_interfaces(self):
        driver = self.driver
        snapshots = isinstance(driver, base.SnapshotInterface)
        expected = {
            'snapshot_support': snapshots,
            'create_share_from_snapshot_support': snapshots and isinstance(
                driver, base.CreateFromSnapshotInterface),
            'revert_to_snapshot_support': snapshots and isinstance(
                driver, base.RevertInterface),
        }
        for pool in driver.get_pools():
            for key, value in expected.items():
                self.assertIs(value, getattr(pool, key), key)
            self.assertIsInstance(pool.mount_snapshot_support, bool)

    # Snapshots -------------------------------------------------------

    def test_create_snapshot_returns_snapshot_result(self):
        self._require(base.SnapshotInterface)
        snapshot = base.SnapshotSpec(id=str(uuid.uuid4()),
                                     share=self.new_share(), size=1)
        result = self.driver.create_snapshot(snapshot)
        self.assertIsInstance(result, base.SnapshotResult)
        for location in result.export_locations:
            self.assertIsInstance(location, base.ExportLocation)

    def test_delete_snapshot_twice_succeeds(self):
        self._require(base.SnapshotInterface)
        snapshot = self.new_snapshot(self.new_share())
        self.driver.delete_snapshot(snapshot)
        self.driver.delete_snapshot(snapshot)

    def test_create_share_from_snapshot_holds_snapshot_data(self):
        self._require(base.SnapshotInterface,
                      base.CreateFromSnapshotInterface)
        self._require_data()
        share = self.new_share()
        self.write_file(share, 'a', b'before')
        self.write_file(share, 'dir/b', b'nested')
        snapshot = self.new_snapshot(share)
        self.write_file(share, 'a', b'after')
        clone = base.ShareSpec(id=str(uuid.uuid4()), size=1,
                               share_proto='NFS')
        exports = self.driver.create_share_from_snapshot(clone, snapshot)
        self.assertGreater(len(exports), 0)
        self.assertEqual({'a': b'before', 'dir/b': b'nested'},
                         self.read_tree(clone))
        self.assertEqual(b'after', self.read_tree(share)['a'])

    def test_create_share_from_deleted_snapshot_raises(self):
        self._require(base.SnapshotInterface,
                      base.CreateFromSnapshotInterface)
        snapshot = self.new_snapshot(self.new_share())
        self.driver.delete_snapshot(snapshot)
        clone = base.ShareSpec(id=str(uuid.uuid4()), size=1,
                               share_proto='NFS')
        self.assertRaises(exception.ShareDriverException,
                          self.driver.create_share_from_snapshot,
                          clone, snapshot)

    # Revert ----------------------------------------------------------

    def _revert(self, snapshot, rules=()):
        self.driver.revert_to_snapshot(None, snapshot, list(rules), [])

    def test_revert_to_snapshot_restores_data(self):
        self._require(base.SnapshotInterface, base.RevertInterface)
        self._require_data()
        share = self.new_share()
        self.write_file(share, 'a', b'one')
        self.write_file(share, 'dir/b', b'two')
        snapshot = self.new_snapshot(share)
        self.write_file(share, 'a', b'changed')
        self.write_file(share, 'new', b'created after the snapshot')
        self._revert(snapshot)
        self.assertEqual({'a': b'one', 'dir/b': b'two'},
                         self.read_tree(share))

    def test_revert_to_snapshot_twice_keeps_snapshot_usable(self):
        self._require(base.SnapshotInterface, base.RevertInterface)
        share = self.new_share()
        if self.holds_data:
            self.write_file(share, 'a', b'one')
        snapshot = self.new_snapshot(share)
        self._revert(snapshot, [self.rule()])
        if self.holds_data:
            self.write_file(share, 'a', b'two')
        self._revert(snapshot, [self.rule()])
        self.assertEqual(list(share.export_locations),
                         self.driver.ensure_share(share))
        if self.holds_data:
            self.assertEqual({'a': b'one'}, self.read_tree(share))

    def test_revert_to_deleted_snapshot_raises_and_keeps_data(self):
        self._require(base.SnapshotInterface, base.RevertInterface)
        share = self.new_share()
        if self.holds_data:
            self.write_file(share, 'a', b'one')
        snapshot = self.new_snapshot(share)
        self.driver.delete_snapshot(snapshot)
        self.assertRaises(exception.ShareDriverException,
                          self._revert, snapshot)
        if self.holds_data:
            self.assertEqual({'a': b'one'}, self.read_tree(share))

    # Access ----------------------------------------------------------

    def test_update_access_ip_rules_succeeds(self):
        share = self.new_share()
        rules = [self.rule('10.0.0.1'), self.rule('192.168.0.0/24', 'ro')]
        self.driver.update_access(share, rules, rules, [])
        self.driver.update_access(share, rules[1:], [], rules[:1])
        self.driver.update_access(share, [], [], rules[1:])

    def test_update_access_bad_address_raises_invalid_access(self):
        share = self.new_share()
        rules = [self.rule('not-an-address')]
        self.assertRaises(exception.InvalidShareAccess,
                          self.driver.update_access, share, rules, rules, [])

    def test_update_access_bad_level_raises_invalid_access(self):
        share = self.new_share()
        rules = [self.rule('10.0.0.1', level='rwx')]
        self.assertRaises(exception.InvalidShareAccess,
                          self.driver.update_access, share, rules, rules, [])

    # Resize ----------------------------------------------------------

    def test_extend_share_keeps_data(self):
        self._require(base.ResizeInterface)
        share = self.new_share()
        if self.holds_data:
            self.write_file(share, 'a', b'one')
        self.driver.extend_share(share, 2)
        if self.holds_data:
            self.assertEqual({'a': b'one'}, self.read_tree(share))

    def test_shrink_share_data_fits_succeeds(self):
        self._require(base.ResizeInterface)
        share = self.new_share(size=2)
        if self.holds_data:
            self.write_file(share, 'a', b'small')
        self.driver.shrink_share(share, 1)

    def test_shrink_share_data_exceeds_raises_possible_data_loss(self):
        self._require(base.ResizeInterface)
        share = self.new_share(size=3)
        self.fill_share(share, 2 * 1024 ** 3 + 1)
        self.assertRaises(base.ShareShrinkingPossibleDataLoss,
                          self.driver.shrink_share, share, 2)
        self.driver.shrink_share(share, 3)

    # Recovery and local paths ----------------------------------------

    def test_recover_untouched_shares_reports_clean(self):
        self._require(base.RecoveryInterface)
        shares = [self.new_share(), self.new_share()]
        result = self.driver.recover([s.id for s in shares])
        self.assertEqual({s.id: base.RecoveryInterface.RECOVERY_CLEAN
                          for s in shares}, result)

    def test_get_share_path_returns_absolute_path(self):
        self._require(base.LocalPathInterface)
        path = self.driver.get_share_path(self.new_share())
        self.assertIsInstance(path, str)
        self.assertTrue(path.startswith('/'))
