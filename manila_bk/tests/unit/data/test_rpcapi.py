"""DataAPI: target of the data service casts."""

from unittest import mock

from manila_bk import conf
from manila_bk.data import rpcapi
from manila_bk.tests import base

CONF = conf.CONF


class DataAPITestCase(base.TestCase):

    def test_version_history_documents_current_version(self):
        self.assertEqual('1.0', rpcapi.DataAPI.RPC_API_VERSION)
        self.assertIn('1.0 - ', rpcapi.DataAPI.__doc__)

    @mock.patch.object(rpcapi.rpc, 'get_client')
    def test_client_targets_data_topic(self, get_client):
        client = rpcapi.DataAPI()._client()
        target = get_client.call_args[0][0]
        self.assertEqual((CONF.data_topic, '1.0'),
                         (target.topic, target.version))
        self.assertIs(get_client.return_value, client)

    @mock.patch.object(rpcapi.rpc, 'get_client')
    def test_client_with_host_is_bound_to_it(self, get_client):
        client = rpcapi.DataAPI()._client('node1')
        get_client.return_value.prepare.assert_called_once_with(
            server='node1')
        self.assertIs(get_client.return_value.prepare.return_value, client)
