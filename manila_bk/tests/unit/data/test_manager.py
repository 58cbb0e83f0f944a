"""DataManager: version, host, and a start as a real Service."""

from oslo_messaging import conffixture

from manila_bk import conf
from manila_bk.data import manager
from manila_bk.data import rpcapi
from manila_bk.db import api as db
from manila_bk import rpc
from manila_bk import service
from manila_bk.tests import base

CONF = conf.CONF


class DataManagerTestCase(base.DBTestCase):

    def test_rpc_api_version_equals_rpcapi_version(self):
        self.assertEqual(rpcapi.DataAPI.RPC_API_VERSION,
                         manager.DataManager.RPC_API_VERSION)
        self.assertEqual(rpcapi.DataAPI.RPC_API_VERSION,
                         manager.DataManager.target.version)

    def test_host_defaults_to_conf_host(self):
        self.flags(host='data-node')
        self.assertEqual('data-node', manager.DataManager().host)

    def test_host_given_is_used(self):
        self.assertEqual('other', manager.DataManager('other').host)

    def test_capabilities_none(self):
        self.assertIsNone(manager.DataManager('h').service_capabilities())

    def test_service_starts_and_registers(self):
        messaging_conf = self.useFixture(conffixture.ConfFixture(CONF))
        messaging_conf.transport_url = 'fake://'
        self.flags(host='data-node')
        svc = service.Service(CONF.host, 'manila-bk-data', CONF.data_topic,
                              manager.DataManager())
        svc.start()
        self.addCleanup(rpc.cleanup)
        self.addCleanup(svc.wait)
        self.addCleanup(svc.stop)
        row = db.service_get_by_args(self.ctx, 'data-node', 'manila-bk-data')
        self.assertEqual(CONF.data_topic, row.topic)
