"""DataManager: driver loading, claims, jobs, capabilities, a real Service."""

import json
import os
import time

from oslo_messaging import conffixture

from manila_bk import conf
from manila_bk.data import manager
from manila_bk.data import rpcapi
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk import rpc
from manila_bk import service
from manila_bk.tests.unit.data import base

CONF = conf.CONF
WAIT = 15.0


class DataManagerTestCase(base.DataTestCase):

    def make_manager(self, host=None, start=True):
        mgr = manager.DataManager(host or self.host)
        if start:
            mgr.init_host()
            self.addCleanup(mgr.cleanup_host)
        return mgr

    def wait_backup(self, backup_id, status):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            backup = self.backup(backup_id)
            if backup.status == status:
                return backup
            time.sleep(0.05)
        self.fail('backup %s stayed %s, not %s' % (
            backup_id, self.backup(backup_id).status, status))

    def test_rpc_api_version_equals_rpcapi_version(self):
        self.assertEqual(rpcapi.DataAPI.RPC_API_VERSION,
                         manager.DataManager.RPC_API_VERSION)
        self.assertEqual(rpcapi.DataAPI.RPC_API_VERSION,
                         manager.DataManager.target.version)

    def test_rpc_methods_exist_on_manager(self):
        for name in ('create_backup', 'restore_backup', 'delete_backup'):
            self.assertTrue(callable(getattr(manager.DataManager, name)))

    def test_host_defaults_to_conf_host(self):
        self.flags(host='data-node')
        self.assertEqual('data-node', manager.DataManager().host)

    def test_capabilities_name_backup_backend(self):
        caps = json.loads(self.make_manager(start=False)
                          .service_capabilities())
        self.assertEqual({'backup_backend': base.SECTION,
                          'backup_driver': 'nfs'}, caps)

    def test_capabilities_empty_without_backend(self):
        self.flags(enabled_backup_backend=None)
        mgr = manager.DataManager('h')
        self.assertIsNone(mgr.driver)
        self.assertEqual({}, json.loads(mgr.service_capabilities()))

    def test_unknown_driver_raises_config_error_naming_it(self):
        self.flags(backup_driver='no_such_driver', group=base.SECTION)
        exc = self.assertRaises(exception.ConfigError, manager.DataManager,
                                'h')
        self.assertIn('no_such_driver', str(exc))

    def test_setup_failure_raises_config_error_naming_section(self):
        target = os.path.join(self.state_path, 'file-not-dir')
        open(target, 'w').close()
        self.flags(backup_mount_export=target, group=base.SECTION)
        mgr = manager.DataManager('h')
        exc = self.assertRaises(exception.ConfigError, mgr.setup_driver)
        self.assertIn('[%s]' % base.SECTION, str(exc))

    def test_create_backup_claims_and_runs(self):
        share = self.make_share(status='backup_creating')
        self.write(share, 'f', b'x')
        backup = self.make_backup(share)
        self.make_manager().create_backup(self.ctx, backup.id)
        backup = self.wait_backup(backup.id, 'available')
        self.assertEqual(self.host, backup.host)
        self.assertEqual('available', self.share(share.id).status)

    def test_create_backup_claimed_by_other_host_dropped(self):
        share = self.make_share(status='backup_creating')
        backup = self.make_backup(share, host='other')
        mgr = self.make_manager()
        mgr.create_backup(self.ctx, backup.id)
        self.assertEqual(frozenset(), mgr.running())
        self.assertEqual(('creating', 'other'),
                         (self.backup(backup.id).status,
                          self.backup(backup.id).host))

    def test_create_backup_not_creating_dropped(self):
        share = self.make_share()
        backup = self.make_backup(share, status='available')
        self.make_manager().create_backup(self.ctx, backup.id)
        self.assertIsNone(self.backup(backup.id).host)

    def test_restore_backup_claims_sets_host_and_progress(self):
        share = self.make_share(status='backup_creating')
        self.write(share, 'f', b'x')
        backup = self.make_backup(share)
        mgr = self.make_manager()
        mgr.create_backup(self.ctx, backup.id)
        self.wait_backup(backup.id, 'available')
        db.share_backup_update(self.ctx, backup.id, {'status': 'restoring',
                                                     'host': 'elsewhere'})
        db.share_update(self.ctx, share.id, {'status': 'backup_restoring'})
        self.write(share, 'extra', b'y')
        mgr.restore_backup(self.ctx, backup.id, share.id)
        backup = self.wait_backup(backup.id, 'available')
        self.assertEqual((self.host, '100'),
                         (backup.host, backup.restore_progress))
        self.assertFalse(os.path.exists(
            os.path.join(self.share_path(share), 'extra')))

    def test_delete_backup_runs(self):
        share = self.make_share()
        backup = self.make_backup(share, status='deleting', host='gone-node')
        self.make_manager().delete_backup(self.ctx, backup.id)
        self.wait_backup(backup.id, 'deleted')

    def test_init_host_reconciles_own_backups(self):
        share = self.make_share(status='backup_creating')
        backup = self.make_backup(share, host=self.host)
        self.make_manager()
        self.assertEqual('error', self.backup(backup.id).status)
        self.assertEqual('available', self.share(share.id).status)

    def test_periodic_tasks_run_without_error(self):
        mgr = self.make_manager()
        mgr.periodic_tasks(self.ctx, raise_on_error=True)


class DataServiceTestCase(base.DataTestCase):
    """DataAPI casts reach a real Service over fake://."""

    def test_service_backup_restore_delete_over_rpc(self):
        messaging_conf = self.useFixture(conffixture.ConfFixture(CONF))
        messaging_conf.transport_url = 'fake://'
        svc = service.Service(self.host, 'manila-bk-data', CONF.data_topic,
                              manager.DataManager(self.host))
        svc.start()
        self.addCleanup(rpc.cleanup)
        self.addCleanup(svc.wait)
        self.addCleanup(svc.stop)
        self._wait_for(lambda: db.service_get_by_args(
            self.ctx, self.host, 'manila-bk-data').capabilities)
        row = db.service_get_by_args(self.ctx, self.host, 'manila-bk-data')
        self.assertEqual('nfs', json.loads(row.capabilities)[
            'backup_driver'])
        share = self.make_share(status='backup_creating')
        self.write(share, 'f', b'x')
        backup = self.make_backup(share)
        api = rpcapi.DataAPI()
        api.create_backup(self.ctx, backup.id)
        self._wait(backup.id, 'available')
        db.share_backup_update(self.ctx, backup.id, {'status': 'restoring'})
        db.share_update(self.ctx, share.id, {'status': 'backup_restoring'})
        api.restore_backup(self.ctx, backup.id, share.id)
        self._wait(backup.id, 'available')
        self.assertEqual('available', self.share(share.id).status)
        db.share_backup_update(self.ctx, backup.id, {'status': 'deleting'})
        api.delete_backup(self.ctx, backup.id, host=self.host)
        self._wait(backup.id, 'deleted')

    def _wait_for(self, predicate):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        self.fail('timed out')

    def _wait(self, backup_id, status):
        self._wait_for(lambda: self.backup(backup_id).status == status)
