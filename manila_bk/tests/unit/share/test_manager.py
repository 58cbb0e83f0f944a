"""The share manager end to end: a real Service, casts over fake://."""

import json
import time
from unittest import mock

from oslo_messaging import conffixture

from manila_bk.common import utils
from manila_bk import conf
from manila_bk.conf import share as share_conf
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.message import message_field as mf
from manila_bk import rpc
from manila_bk import service
from manila_bk.share import manager
from manila_bk.share import rpcapi
from manila_bk.tests.unit.share.flows import base

CONF = conf.CONF
WAIT = 15.0
POOL_KEYS = {
    'pool_name', 'total_capacity_gb', 'free_capacity_gb',
    'reserved_percentage', 'snapshot_support',
    'create_share_from_snapshot_support', 'revert_to_snapshot_support',
    'mount_snapshot_support', 'storage_protocol', 'share_backend_name',
    'driver_handles_share_servers', 'vendor_name', 'driver_version', 'qos',
    'thin_provisioning'}


class ManagerTestCase(base.FlowTestCase):

    def setUp(self):
        super().setUp()
        share_conf.register_backend_opts(CONF, self.BACKEND)
        self.flags(share_driver='fake', group=self.BACKEND)

    def make_manager(self):
        return manager.ShareManager(self.host, self.BACKEND)


class ShareManagerInitTestCase(ManagerTestCase):

    def test_rpc_api_version_equals_rpcapi_version(self):
        self.assertEqual(rpcapi.ShareAPI.RPC_API_VERSION,
                         manager.ShareManager.RPC_API_VERSION)
        self.assertEqual(rpcapi.ShareAPI.RPC_API_VERSION,
                         manager.ShareManager.target.version)

    def test_init_driver_handles_share_servers_refused(self):
        self.flags(driver_handles_share_servers=True, group=self.BACKEND)
        exc = self.assertRaises(exception.ConfigError, self.make_manager)
        self.assertIn('driver_handles_share_servers', str(exc))
        self.assertIn(self.BACKEND, str(exc))

    def test_init_unknown_driver_raises_config_error(self):
        self.flags(share_driver='no_such_driver', group=self.BACKEND)
        exc = self.assertRaises(exception.ConfigError, self.make_manager)
        self.assertIn('no_such_driver', str(exc))

    def test_capabilities_json_lists_pools_with_contract_keys(self):
        caps = json.loads(self.make_manager().service_capabilities())
        self.assertEqual(1, len(caps))
        self.assertEqual(POOL_KEYS, set(caps[0]))
        self.assertEqual('fake_pool', caps[0]['pool_name'])
        self.assertEqual(self.BACKEND, caps[0]['share_backend_name'])
        self.assertTrue(caps[0]['revert_to_snapshot_support'])
        self.assertFalse(caps[0]['driver_handles_share_servers'])

    def test_capabilities_configured_backend_name_reported(self):
        self.flags(share_backend_name='gold', group=self.BACKEND)
        caps = json.loads(self.make_manager().service_capabilities())
        self.assertEqual('gold', caps[0]['share_backend_name'])

    def test_capabilities_cached_within_ttl(self):
        mgr = self.make_manager()
        first = mgr.service_capabilities()
        mgr.service_capabilities()
        self.assertEqual(1, mgr.driver.calls.count('get_pools'))
        self.assertEqual(first, mgr.service_capabilities())

    def test_capabilities_recomputed_after_ttl(self):
        mgr = self.make_manager()
        mgr.CAPABILITIES_TTL = 0.0
        mgr.service_capabilities()
        mgr.service_capabilities()
        self.assertEqual(2, mgr.driver.calls.count('get_pools'))

    def test_capabilities_driver_failure_returns_none(self):
        mgr = self.make_manager()
        mgr.driver.fail_operations.add('get_pools')
        self.assertIsNone(mgr.service_capabilities())

    def test_reconcile_driver_setup_failure_raises(self):
        mgr = self.make_manager()
        mgr.driver.fail_operations.add('check_for_setup_error')
        self.assertRaises(exception.ShareDriverException, mgr.init_host)
        mgr.cleanup_host()


class ShareServiceTestCase(ManagerTestCase):
    """A started Service; requests arrive as casts through ShareAPI."""

    def setUp(self):
        super().setUp()
        messaging_conf = self.useFixture(conffixture.ConfFixture(CONF))
        messaging_conf.transport_url = 'fake://'
        self.flags(report_interval=1)
        self.rpc = rpcapi.ShareAPI()
        self.user_ctx = self.user_context(base.PROJECT)

    def start_service(self):
        mgr = self.make_manager()
        svc = service.Service(self.host, 'manila-bk-share',
                              CONF.share_topic, mgr)
        svc.start()
        self.addCleanup(self._stop, svc)
        return mgr

    @staticmethod
    def _stop(svc):
        svc.stop()
        svc.wait()
        rpc.cleanup()

    def wait_for(self, getter, expected):
        deadline = time.monotonic() + WAIT
        value = getter()
        while value != expected and time.monotonic() < deadline:
            time.sleep(0.05)
            value = getter()
        self.assertEqual(expected, value)

    def share_status(self, share_id):
        return lambda: self.share(share_id).status

    def snapshot_status(self, snapshot_id):
        return lambda: self.snapshot(snapshot_id).status

    def pool_host(self):
        return self.host + '#fake_pool'

    def test_service_heartbeat_stores_capabilities(self):
        self.start_service()

        def capabilities():
            return db.service_get_by_args(self.ctx, self.host,
                                          'manila-bk-share').capabilities

        self.wait_for(lambda: capabilities() is not None, True)
        self.assertEqual(POOL_KEYS, set(json.loads(capabilities())[0]))

    def test_create_share_cast_makes_share_available(self):
        self.start_service()
        share = self.make_share(status='creating')
        self.rpc.create_share(self.user_ctx, share.id, self.pool_host())
        self.wait_for(self.share_status(share.id), 'available')
        self.assertTrue(self.driver.share_exists(share.id))
        self.assertEqual(1, len(self.share(share.id).export_locations))

    def test_create_share_cast_driver_failure_sets_error(self):
        mgr = self.start_service()
        mgr.driver.fail_operations.add('create_share')
        share = self.make_share(status='creating')
        self.rpc.create_share(self.user_ctx, share.id, self.pool_host())
        self.wait_for(self.share_status(share.id), 'error')
        self.wait_for(lambda: len(self.messages(share.id)), 1)

    def test_create_share_cast_wrong_status_is_dropped(self):
        mgr = self.start_service()
        share = self.make_share(status='available')
        self.rpc.create_share(self.user_ctx, share.id, self.pool_host())
        # A later cast on the same server is handled after this one.
        other = self.make_share(status='creating')
        self.rpc.create_share(self.user_ctx, other.id, self.pool_host())
        self.wait_for(self.share_status(other.id), 'available')
        self.assertEqual(1, mgr.driver.calls.count('create_share'))
        self.assertFalse(self.driver.share_exists(share.id))

    def test_delete_share_cast_deletes_share_and_releases_quota(self):
        self.start_service()
        self.set_usage(shares=1, gigabytes=1)
        share = self.make_share(status='deleting', on_backend=True)
        self.rpc.delete_share(self.user_ctx, share.id, self.pool_host())
        self.wait_for(self.share_status(share.id), 'deleted')
        self.assertEqual(0, self.usage('shares'))

    def test_extend_and_shrink_casts_resize_share(self):
        self.start_service()
        share = self.make_share(status='extending', size=1, on_backend=True)
        self.rpc.extend_share(self.user_ctx, share.id, self.pool_host(), 3)
        self.wait_for(lambda: self.share(share.id).size, 3)
        self.assertEqual('available', self.share(share.id).status)
        db.share_update(self.ctx, share.id, {'status': 'shrinking'})
        self.rpc.shrink_share(self.user_ctx, share.id, self.pool_host(), 2)
        self.wait_for(lambda: self.share(share.id).size, 2)
        self.assertEqual('available', self.share(share.id).status)

    def test_snapshot_casts_create_then_delete(self):
        self.start_service()
        share = self.make_share(status='snapshotting', on_backend=True)
        snap = self.make_snapshot(share, status='creating')
        self.rpc.create_snapshot(self.user_ctx, snap.id, self.pool_host())
        self.wait_for(self.snapshot_status(snap.id), 'available')
        self.assertEqual('available', self.share(share.id).status)
        db.share_snapshot_update(self.ctx, snap.id, {'status': 'deleting'})
        self.rpc.delete_snapshot(self.user_ctx, snap.id, self.pool_host())
        self.wait_for(self.snapshot_status(snap.id), 'deleted')
        self.assertFalse(self.driver.snapshot_exists(snap.id))

    def test_create_snapshot_cast_failure_sets_error(self):
        mgr = self.start_service()
        mgr.driver.fail_operations.add('create_snapshot')
        share = self.make_share(status='snapshotting', on_backend=True)
        snap = self.make_snapshot(share, status='creating')
        self.rpc.create_snapshot(self.user_ctx, snap.id, self.pool_host())
        self.wait_for(self.snapshot_status(snap.id), 'error')
        self.wait_for(self.share_status(share.id), 'available')

    def test_update_access_cast_applies_rules(self):
        self.start_service()
        share = self.make_share(on_backend=True)
        rule = self.make_rule(share)
        self.rpc.update_access(self.user_ctx, share.id, self.pool_host())
        self.wait_for(
            lambda: db.share_access_get(self.ctx, rule.id).state, 'active')
        self.assertEqual(['10.0.0.1'], [
            r.access_to for r in self.driver.get_access_rules(share.id)])

    def test_revert_cast_reverts_share(self):
        self.start_service()
        share = self.make_share(on_backend=True)
        self.driver.write_file(share.id, 'f', b'old')
        snap = self.make_snapshot(share, status='restoring', on_backend=True)
        self.driver.write_file(share.id, 'f', b'new')
        db.share_update(self.ctx, share.id, {'status': 'reverting'})
        self.rpc.revert_to_snapshot(self.user_ctx, share.id, snap.id,
                                    self.pool_host())
        self.wait_for(self.share_status(share.id), 'available')
        self.assertEqual('available', self.snapshot(snap.id).status)
        self.assertEqual({'f': b'old'}, self.driver.read_tree(share.id))

    def test_revert_cast_failure_sets_reverting_error(self):
        mgr = self.start_service()
        mgr.driver.fail_operations.add('revert_to_snapshot')
        share = self.make_share(on_backend=True)
        snap = self.make_snapshot(share, status='restoring', on_backend=True)
        db.share_update(self.ctx, share.id, {'status': 'reverting'})
        self.rpc.revert_to_snapshot(self.user_ctx, share.id, snap.id,
                                    self.pool_host())
        self.wait_for(self.share_status(share.id), 'reverting_error')
        self.assertEqual('available', self.snapshot(snap.id).status)

    def test_start_reconciles_transitional_records(self):
        creating = self.make_share(status='creating', on_backend=True)
        missing = self.make_share(status='creating')
        extending = self.make_share(status='extending', on_backend=True)
        self.start_service()
        self.assertEqual('available', self.share(creating.id).status)
        self.assertEqual('error', self.share(missing.id).status)
        self.assertEqual('extending_error', self.share(extending.id).status)
        self.assert_message(missing.id, mf.Action.CREATE,
                            mf.Detail.INTERRUPTED_BY_RESTART)


class PeriodicTaskTestCase(ManagerTestCase):

    def setUp(self):
        super().setUp()
        self.mgr = self.make_manager()
        self.mgr.init_host()
        self.addCleanup(self.mgr.cleanup_host)

    def _run_periodic_then_drain(self):
        self.mgr.periodic_tasks(self.ctx)
        self.mgr.cleanup_host()  # waits for the jobs it submitted

    def test_expired_soft_deleted_share_is_deleted(self):
        past = utils.utcnow().replace(year=2000)
        share = self.make_share(on_backend=True, is_soft_deleted=True,
                                scheduled_to_be_deleted_at=past)
        self._run_periodic_then_drain()
        self.assertEqual('deleted', self.share(share.id).status)
        self.assertFalse(self.driver.share_exists(share.id))

    def test_soft_deleted_share_before_its_time_is_kept(self):
        future = utils.utcnow().replace(year=2999)
        share = self.make_share(on_backend=True, is_soft_deleted=True,
                                scheduled_to_be_deleted_at=future)
        self._run_periodic_then_drain()
        self.assertEqual('available', self.share(share.id).status)

    def test_expired_soft_deleted_share_with_snapshots_is_kept(self):
        past = utils.utcnow().replace(year=2000)
        share = self.make_share(on_backend=True, is_soft_deleted=True,
                                scheduled_to_be_deleted_at=past)
        self.make_snapshot(share)
        self._run_periodic_then_drain()
        self.assertEqual('available', self.share(share.id).status)

    def test_expired_messages_are_reaped(self):
        past = utils.utcnow().replace(year=2000)
        old = db.message_create(self.ctx, {
            'project_id': base.PROJECT, 'action_id': '002',
            'message_level': 'ERROR', 'expires_at': past})
        new = db.message_create(self.ctx, {
            'project_id': base.PROJECT, 'action_id': '002',
            'message_level': 'ERROR',
            'expires_at': utils.utcnow().replace(year=2999)})
        self._run_periodic_then_drain()
        ids = [m.id for m in db.message_get_all(self.ctx)]
        self.assertEqual([new.id], ids)
        self.assertNotIn(old.id, ids)

    def test_job_invalidates_capabilities_cache(self):
        self.mgr.service_capabilities()
        with mock.patch.object(self.mgr, 'CAPABILITIES_TTL', 3600):
            share = self.make_share(status='creating')
            self.mgr.create_share(self.ctx, share.id)
            self.mgr.cleanup_host()
            self.mgr.service_capabilities()
        self.assertEqual(2, self.mgr.driver.calls.count('get_pools'))
