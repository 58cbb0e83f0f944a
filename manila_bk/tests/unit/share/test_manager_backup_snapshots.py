"""Backup snapshots through a started share service (RPC calls on fake://).

The manager answers ``create_backup_snapshot`` and
``delete_backup_snapshot`` calls from its job pool, and deletes orphaned
backup snapshots when it starts and in a periodic task.
"""

import os

from oslo_messaging import conffixture

from manila_bk import conf
from manila_bk.conf import share as share_conf
from manila_bk.db import api as db
from manila_bk import rpc
from manila_bk import service
from manila_bk.share import manager
from manila_bk.share import rpcapi
from manila_bk.tests.unit.share.flows import base

CONF = conf.CONF


class BackupSnapshotServiceTestCase(base.FlowTestCase):

    BACKEND = 'local1'

    def setUp(self):
        super().setUp()
        share_conf.register_backend_opts(CONF, self.BACKEND)
        self.root = os.path.join(self.state_path, 'local-shares')
        self.flags(share_driver='local', local_share_root=self.root,
                   group=self.BACKEND)
        messaging_conf = self.useFixture(conffixture.ConfFixture(CONF))
        messaging_conf.transport_url = 'fake://'
        self.rpc = rpcapi.ShareAPI()

    def start_service(self):
        mgr = manager.ShareManager(self.host, self.BACKEND)
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

    def held_share_and_backup(self, mgr):
        share = self.make_share(status='backup_creating',
                                host=self.host + '#local1')
        os.makedirs(os.path.join(self.root, 'share-%s' % share.id))
        with open(os.path.join(self.root, 'share-%s' % share.id, 'f'),
                  'wb') as f:
            f.write(b'content')
        backup = db.share_backup_create(self.ctx, {
            'share_id': share.id, 'status': 'creating', 'size': 1,
            'project_id': share.project_id, 'host': 'data-node',
            'temp_snapshot_host': share.host})
        return share, backup

    def test_create_and_delete_calls_answer_results(self):
        mgr = self.start_service()
        share, backup = self.held_share_and_backup(mgr)
        answer = self.rpc.create_backup_snapshot(
            self.ctx, share.id, backup.id, share.host, timeout=30)
        path = answer['export_locations'][0]['path'].split(':', 1)[1]
        with open(os.path.join(path, 'f'), 'rb') as f:
            self.assertEqual(b'content', f.read())
        answer = self.rpc.delete_backup_snapshot(
            self.ctx, share.id, backup.id, share.host, timeout=30)
        self.assertEqual({'deleted': True}, answer)
        self.assertFalse(os.path.exists(path))
        self.assertEqual([], mgr.driver.list_backup_snapshots())

    def test_create_call_unknown_share_answers_error(self):
        self.start_service()
        answer = self.rpc.create_backup_snapshot(
            self.ctx, '0b0b0b0b-0000-4000-8000-000000000000',
            '0c0c0c0c-0000-4000-8000-000000000000', self.host, timeout=30)
        self.assertIn('not found', answer['error'])

    def test_start_and_periodic_task_delete_orphans(self):
        mgr = manager.ShareManager(self.host, self.BACKEND)
        mgr.driver.do_setup()
        share, backup = self.held_share_and_backup(mgr)
        mgr._answer = lambda fn, ctx, *args: fn(ctx, mgr.driver, *args)
        self.assertIn('export_locations', mgr.create_backup_snapshot(
            self.ctx, share.id, backup.id))
        db.share_backup_update(self.ctx, backup.id, {'status': 'error'})
        mgr.reconcile()
        self.assertEqual([], mgr.driver.list_backup_snapshots())
        # Again, for the periodic task.
        db.share_backup_update(self.ctx, backup.id, {'status': 'creating'})
        mgr.create_backup_snapshot(self.ctx, share.id, backup.id)
        mgr._delete_orphan_backup_snapshots(self.ctx)
        self.assertEqual(1, len(mgr.driver.list_backup_snapshots()))
        db.share_backup_update(self.ctx, backup.id, {'status': 'available'})
        mgr._delete_orphan_backup_snapshots(self.ctx)
        self.assertEqual([], mgr.driver.list_backup_snapshots())
