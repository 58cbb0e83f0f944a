"""GET /scheduler-stats/pools[/detail]."""

from unittest import mock

import fixtures

from manila_bk import exception
from manila_bk.share import info
from manila_bk.share import share_types
from manila_bk.tests.unit.api import base

POOL = {'name': 'node1@local#pool0', 'host': 'node1', 'backend': 'local',
        'pool': 'pool0', 'capabilities': {'total_capacity_gb': 100,
                                          'snapshot_support': True}}


class TestPools(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        self.list_pools = self.useFixture(fixtures.MockPatchObject(
            info, 'list_pools', return_value=[POOL])).mock

    def test_index_lists_pools_without_capabilities(self):
        response = self.request('/v2/scheduler-stats/pools')
        self.assertEqual(200, response.status_int)
        self.assertEqual({'pools': [{'name': 'node1@local#pool0',
                                     'host': 'node1', 'backend': 'local',
                                     'pool': 'pool0'}]},
                         self.json(response))

    def test_detail_adds_capabilities(self):
        response = self.request('/v2/project-a/scheduler-stats/pools/detail')
        pool = self.json(response)['pools'][0]
        self.assertEqual(POOL['capabilities'], pool['capabilities'])

    def test_filters_mapped_to_business_layer_keys(self):
        self.request('/v2/scheduler-stats/pools?host_name=node.*&'
                     'backend_name=local&pool_name=pool0&other=x')
        self.assertEqual({'host': 'node.*', 'backend': 'local',
                          'pool': 'pool0'},
                         self.list_pools.call_args[0][1])

    def test_share_type_filter_from_2_23(self):
        with mock.patch.object(share_types.API, 'get') as get_type:
            self.request('/v2/scheduler-stats/pools?share_type=gold',
                         version='2.23')
            self.assertEqual('gold', get_type.call_args[0][1])
        self.assertEqual({'share_type': 'gold'},
                         self.list_pools.call_args[0][1])
        self.request('/v2/scheduler-stats/pools?share_type=gold',
                     version='2.22')
        self.assertEqual({}, self.list_pools.call_args[0][1])

    def test_unknown_share_type_is_400(self):
        with mock.patch.object(share_types.API, 'get', side_effect=(
                exception.ShareTypeNotFound(share_type_id='gold'))):
            response = self.request(
                '/v2/scheduler-stats/pools?share_type=gold', version='2.23')
        self.assertFault(response, 400, 'badRequest')
        self.assertFalse(self.list_pools.called)

    def test_pools_non_admin_forbidden(self):
        for path in ('/v2/scheduler-stats/pools',
                     '/v2/scheduler-stats/pools/detail'):
            response = self.request(path, roles=base.MEMBER)
            self.assertFault(response, 403, 'forbidden')

    def test_scheduler_stats_root_is_404(self):
        response = self.request('/v2/scheduler-stats')
        self.assertFault(response, 404, 'itemNotFound')
