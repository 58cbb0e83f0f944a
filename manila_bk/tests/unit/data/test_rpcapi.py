"""DataAPI: targets and arguments of the data service casts."""

from unittest import mock

from manila_bk import conf
from manila_bk import context
from manila_bk.data import rpcapi
from manila_bk.tests import base

CONF = conf.CONF


class DataAPITestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        patcher = mock.patch.object(rpcapi.rpc, 'get_client')
        self.get_client = patcher.start()
        self.addCleanup(patcher.stop)
        self.client = self.get_client.return_value
        self.ctx = context.get_admin_context()

    def test_version_history_documents_current_version(self):
        self.assertEqual('1.1', rpcapi.DataAPI.RPC_API_VERSION)
        self.assertIn('1.0 - ', rpcapi.DataAPI.__doc__)
        self.assertIn('1.1 - ', rpcapi.DataAPI.__doc__)

    def test_client_targets_data_topic(self):
        client = rpcapi.DataAPI()._client()
        target = self.get_client.call_args[0][0]
        self.assertEqual((CONF.data_topic, '1.1'),
                         (target.topic, target.version))
        self.assertIs(self.client, client)

    def test_client_with_host_is_bound_to_it(self):
        client = rpcapi.DataAPI()._client('node1')
        self.client.prepare.assert_called_once_with(server='node1')
        self.assertIs(self.client.prepare.return_value, client)

    def test_create_backup_casts_to_topic(self):
        rpcapi.DataAPI().create_backup(self.ctx, 'b1')
        self.client.prepare.assert_not_called()
        self.client.cast.assert_called_once_with(self.ctx, 'create_backup',
                                                 backup_id='b1')

    def test_restore_backup_casts_target_share(self):
        rpcapi.DataAPI().restore_backup(self.ctx, 'b1', 's2')
        self.client.cast.assert_called_once_with(
            self.ctx, 'restore_backup', backup_id='b1', share_id='s2')

    def test_delete_backup_to_host_when_given(self):
        rpcapi.DataAPI().delete_backup(self.ctx, 'b1', host='node1')
        self.client.prepare.assert_called_once_with(server='node1')
        self.client.prepare.return_value.cast.assert_called_once_with(
            self.ctx, 'delete_backup', backup_id='b1')

    def test_delete_backup_without_host_to_topic(self):
        rpcapi.DataAPI().delete_backup(self.ctx, 'b1')
        self.client.prepare.assert_not_called()
        self.client.cast.assert_called_once_with(self.ctx, 'delete_backup',
                                                 backup_id='b1')
