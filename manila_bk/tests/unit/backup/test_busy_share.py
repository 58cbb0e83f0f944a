"""While a backup or restore runs, the share refuses what the spec lists.

Requests go through the real pecan application, controllers, share and
backup business layers and a SQLite database; only the RPC casts to the
share and data services are mocks.  The backup is started with the
REST API itself, so the share is in the status a real backup leaves it.
"""

import fixtures
from oslo_serialization import jsonutils
import webob

from manila_bk.api import app
from manila_bk.api import common
from manila_bk.api import microversion
from manila_bk.data import rpcapi as data_rpcapi
from manila_bk.db import api as db
from manila_bk import policy
from manila_bk.share import rpcapi as share_rpcapi
from manila_bk.tests import base
from manila_bk.tests.unit.backup import fakes
from manila_bk.tests.unit.share import api_fakes

VERSION = '2.91'
SHARE_CASTS = ('create_share', 'delete_share', 'extend_share',
               'shrink_share', 'create_snapshot', 'delete_snapshot',
               'update_access', 'revert_to_snapshot')
DATA_CASTS = ('create_backup', 'restore_backup', 'delete_backup')


class BusyShareTestCase(base.DBTestCase):

    def setUp(self):
        super().setUp()
        policy.reset()
        self.addCleanup(policy.reset)
        self.share_casts = {name: self._mock(share_rpcapi.ShareAPI, name)
                            for name in SHARE_CASTS}
        self.data_casts = {name: self._mock(data_rpcapi.DataAPI, name)
                           for name in DATA_CASTS}
        self.app = app.make_pecan_app()
        self.user = self.user_context('project-a')
        self.admin = fakes.admin_context('project-a')
        fakes.data_service(self.ctx)
        self.share = api_fakes.share(self.ctx, size=2)

    def _mock(self, cls, name):
        return self.useFixture(fixtures.MockPatchObject(
            cls, name, create=True)).mock

    def request(self, method, path, body=None, ctx=None):
        req = webob.Request.blank(path, method=method)
        req.environ[common.ENV_CONTEXT] = ctx or self.user
        req.headers[microversion.VERSION_HEADER] = VERSION
        req.headers[microversion.EXPERIMENTAL_HEADER] = 'True'
        if body is not None:
            req.content_type = 'application/json'
            req.body = jsonutils.dump_as_bytes(body)
        response = req.get_response(self.app)
        return response.status_int, (jsonutils.loads(response.body)
                                     if response.body else None)

    def share_action(self, body, ctx=None):
        return self.request('POST', '/v2/shares/%s/action' % self.share.id,
                            body, ctx)

    def start_backup(self, share=None):
        status, body = self.request('POST', '/v2/share-backups', {
            'share_backup': {'share_id': (share or self.share).id,
                             'name': 'b'}})
        self.assertEqual(202, status, body)
        return body['share_backup']['id']

    def finish(self, backup_id):
        """What the data service does when a backup or restore ends."""
        db.share_backup_update(self.ctx, backup_id, {'status': 'available'})
        db.share_update(self.ctx, self.share.id, {'status': 'available'})

    def share_status(self):
        return db.share_get(self.ctx, self.share.id).status

    def assertEveryOperationRefused(self, busy_status):
        self.assertEqual(busy_status, self.share_status())
        snapshot = api_fakes.snapshot(self.ctx, self.share)
        other = api_fakes.share(self.ctx, size=2)
        other_backup = fakes.backup(self.ctx, other)
        share_url = '/v2/shares/%s' % self.share.id
        refusals = (
            ('delete', 403, lambda: self.request('DELETE', share_url)),
            ('force delete', 403, lambda: self.share_action(
                {'force_delete': None}, self.admin)),
            ('soft delete', 403, lambda: self.share_action(
                {'soft_delete': None})),
            ('extend', 400, lambda: self.share_action(
                {'extend': {'new_size': 3}})),
            ('shrink', 400, lambda: self.share_action(
                {'shrink': {'new_size': 1}})),
            ('snapshot', 400, lambda: self.request(
                'POST', '/v2/snapshots',
                {'snapshot': {'share_id': self.share.id}})),
            ('revert', 409, lambda: self.share_action(
                {'revert': {'snapshot_id': snapshot.id}})),
            ('backup', 400, lambda: self.request(
                'POST', '/v2/share-backups',
                {'share_backup': {'share_id': self.share.id}})),
            ('restore into it', 400, lambda: self.request(
                'POST', '/v2/share-backups/%s/action' % other_backup.id,
                {'restore': self.share.id})),
        )
        for name, code, call in refusals:
            status, body = call()
            self.assertEqual(code, status, '%s: %s' % (name, body))
            self.assertEqual(busy_status, self.share_status(), name)
        for name, cast in self.share_casts.items():
            self.assertFalse(cast.called, name)
        self.assertEqual(1, self.data_casts['create_backup'].call_count)

    def test_backup_creating_share_refuses_every_operation(self):
        self.start_backup()
        self.assertEveryOperationRefused('backup_creating')
        self.data_casts['restore_backup'].assert_not_called()

    def test_backup_restoring_share_refuses_every_operation(self):
        backup_id = self.start_backup()
        self.finish(backup_id)
        status, body = self.request(
            'POST', '/v2/share-backups/%s/action' % backup_id,
            {'restore': None})
        self.assertEqual(202, status, body)
        self.assertEqual({'restore': {'backup_id': backup_id,
                                      'share_id': self.share.id}}, body)
        self.assertEveryOperationRefused('backup_restoring')
        self.assertEqual(1, self.data_casts['restore_backup'].call_count)

    def test_share_with_backups_cannot_be_deleted(self):
        backup_id = self.start_backup()
        self.finish(backup_id)
        share_url = '/v2/shares/%s' % self.share.id
        status, body = self.request('DELETE', share_url)
        self.assertEqual(403, status)
        self.assertIn('1 dependent backups', body['forbidden']['message'])
        status, _ = self.share_action({'force_delete': None}, self.admin)
        self.assertEqual(403, status)
        status, _ = self.request('DELETE', '/v2/share-backups/' + backup_id)
        self.assertEqual(202, status)
        # Still there while the data service deletes it.
        self.assertEqual(403, self.request('DELETE', share_url)[0])
        db.share_backup_delete(self.ctx, backup_id)
        self.assertEqual(202, self.request('DELETE', share_url)[0])
        self.assertEqual('deleting', self.share_status())

    def test_share_available_again_accepts_operations(self):
        backup_id = self.start_backup()
        self.finish(backup_id)
        status, body = self.share_action({'extend': {'new_size': 3}})
        self.assertEqual(202, status, body)
        self.assertEqual('extending', self.share_status())

    def test_show_share_carries_source_backup_id_from_2_80(self):
        backup_id = self.start_backup()
        self.finish(backup_id)
        self.request('POST', '/v2/share-backups/%s/action' % backup_id,
                     {'restore': None})
        status, body = self.request('GET', '/v2/shares/%s' % self.share.id)
        self.assertEqual(200, status)
        self.assertEqual(backup_id, body['share']['source_backup_id'])
        self.assertEqual('backup_restoring', body['share']['status'])

    def test_limits_show_backup_usage(self):
        self.start_backup()
        status, body = self.request('GET', '/v2/limits')
        self.assertEqual(200, status)
        absolute = body['limits']['absolute']
        self.assertEqual((1, 2), (absolute['totalShareBackupsUsed'],
                                  absolute['totalBackupGigabytesUsed']))
        self.assertEqual((10, 1000), (absolute['maxTotalShareBackups'],
                                      absolute['maxTotalBackupGigabytes']))
