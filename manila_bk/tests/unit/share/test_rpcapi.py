"""ShareAPI: what each cast sends, and where."""

from unittest import mock

from manila_bk import conf
from manila_bk.share import manager
from manila_bk.share import rpcapi
from manila_bk.tests import base

CONF = conf.CONF
HOST = 'node1@backend1#pool1'


class ShareAPITestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        patcher = mock.patch.object(rpcapi.rpc, 'get_client')
        self.get_client = patcher.start()
        self.addCleanup(patcher.stop)
        self.prepared = self.get_client.return_value.prepare.return_value
        self.ctx = mock.sentinel.context
        self.api = rpcapi.ShareAPI()

    def _assert_cast(self, method, **kwargs):
        target = self.get_client.call_args[0][0]
        self.assertEqual(CONF.share_topic, target.topic)
        self.assertEqual('1.0', target.version)
        self.get_client.return_value.prepare.assert_called_once_with(
            server='node1@backend1')
        self.prepared.cast.assert_called_once_with(self.ctx, method,
                                                   **kwargs)

    def test_version_history_documents_current_version(self):
        self.assertEqual('1.1', rpcapi.ShareAPI.RPC_API_VERSION)
        self.assertIn('1.0 - ', rpcapi.ShareAPI.__doc__)
        self.assertIn('1.1 - ', rpcapi.ShareAPI.__doc__)

    def test_create_share_casts_to_backend_of_pool(self):
        self.api.create_share(self.ctx, 'sid', HOST)
        self._assert_cast('create_share', share_id='sid')

    def test_delete_share_casts_force(self):
        self.api.delete_share(self.ctx, 'sid', HOST, force=True)
        self._assert_cast('delete_share', share_id='sid', force=True)

    def test_delete_share_force_defaults_false(self):
        self.api.delete_share(self.ctx, 'sid', HOST)
        self._assert_cast('delete_share', share_id='sid', force=False)

    def test_extend_share_casts_new_size(self):
        self.api.extend_share(self.ctx, 'sid', HOST, 5)
        self._assert_cast('extend_share', share_id='sid', new_size=5)

    def test_shrink_share_casts_new_size(self):
        self.api.shrink_share(self.ctx, 'sid', HOST, 2)
        self._assert_cast('shrink_share', share_id='sid', new_size=2)

    def test_create_snapshot_casts_snapshot_id(self):
        self.api.create_snapshot(self.ctx, 'snap', HOST)
        self._assert_cast('create_snapshot', snapshot_id='snap')

    def test_delete_snapshot_casts_force(self):
        self.api.delete_snapshot(self.ctx, 'snap', HOST, force=True)
        self._assert_cast('delete_snapshot', snapshot_id='snap', force=True)

    def test_update_access_casts_share_id(self):
        self.api.update_access(self.ctx, 'sid', HOST)
        self._assert_cast('update_access', share_id='sid')

    def test_revert_to_snapshot_casts_both_ids(self):
        self.api.revert_to_snapshot(self.ctx, 'sid', 'snap', HOST)
        self._assert_cast('revert_to_snapshot', share_id='sid',
                          snapshot_id='snap')

    def test_cast_uses_configured_topic(self):
        self.flags(share_topic='other-topic')
        self.api.create_share(self.ctx, 'sid', HOST)
        self.assertEqual('other-topic',
                         self.get_client.call_args[0][0].topic)

    def test_every_cast_has_a_manager_method(self):
        casts = [name for name in vars(rpcapi.ShareAPI)
                 if not name.startswith('_') and callable(
                     getattr(rpcapi.ShareAPI, name))]
        self.assertEqual(10, len(casts))
        for name in casts:
            self.assertTrue(callable(getattr(manager.ShareManager, name)),
                            name)

    def _target_and_prepare(self):
        target = self.get_client.call_args[0][0]
        return target, self.get_client.return_value.prepare.call_args

    def test_create_backup_snapshot_calls_with_timeout_at_1_1(self):
        self.prepared.call.return_value = {'export_locations': []}
        answer = self.api.create_backup_snapshot(
            self.ctx, 'sid', 'bid', HOST, access_to=('10.0.0.5',),
            timeout=42)
        self.assertEqual({'export_locations': []}, answer)
        target, prepare = self._target_and_prepare()
        self.assertEqual(('1.1', CONF.share_topic),
                         (target.version, target.topic))
        self.assertEqual(mock.call(server='node1@backend1', timeout=42),
                         prepare)
        self.prepared.call.assert_called_once_with(
            self.ctx, 'create_backup_snapshot', share_id='sid',
            backup_id='bid', access_to=['10.0.0.5'])
        self.prepared.cast.assert_not_called()

    def test_delete_backup_snapshot_wait_calls(self):
        self.prepared.call.return_value = {'deleted': True}
        self.assertEqual({'deleted': True}, self.api.delete_backup_snapshot(
            self.ctx, 'sid', 'bid', HOST, timeout=7))
        target, prepare = self._target_and_prepare()
        self.assertEqual('1.1', target.version)
        self.assertEqual(mock.call(server='node1@backend1', timeout=7),
                         prepare)
        self.prepared.call.assert_called_once_with(
            self.ctx, 'delete_backup_snapshot', share_id='sid',
            backup_id='bid')

    def test_delete_backup_snapshot_no_wait_casts_at_1_1(self):
        self.assertIsNone(self.api.delete_backup_snapshot(
            self.ctx, 'sid', 'bid', HOST, wait=False))
        target, prepare = self._target_and_prepare()
        self.assertEqual('1.1', target.version)
        self.prepared.cast.assert_called_once_with(
            self.ctx, 'delete_backup_snapshot', share_id='sid',
            backup_id='bid')
        self.prepared.call.assert_not_called()

    def test_old_casts_keep_version_1_0(self):
        self.api.update_access(self.ctx, 'sid', HOST)
        self.assertEqual('1.0', self.get_client.call_args[0][0].version)
