"""Services, pools and availability zones (manila_bk.share.info)."""

from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.share import info
from manila_bk.tests import base
from manila_bk.tests.unit.share import api_fakes as fakes


class ServicesTestCase(base.DBTestCase):

    def test_list_services_state_and_status(self):
        fakes.service(self.ctx, 'a@x')
        fakes.service(self.ctx, 'b@x', age=3600, disabled=True)
        services = {s['host']: s for s in info.list_services(self.ctx)}
        self.assertEqual(('enabled', 'up', 'nova', 'manila-bk-share'),
                         (services['a@x']['status'], services['a@x']['state'],
                          services['a@x']['zone'], services['a@x']['binary']))
        self.assertEqual(('disabled', 'down'), (services['b@x']['status'],
                                                services['b@x']['state']))
        self.assertEqual(['b@x'], [s['host'] for s in info.list_services(
            self.ctx, {'state': 'down'})])

    def test_update_service_disable_enable(self):
        fakes.service(self.ctx, 'a@x')
        result = info.update_service(self.ctx, 'a@x', 'manila-bk-share',
                                     True, reason='maintenance')
        self.assertEqual({'host': 'a@x', 'binary': 'manila-bk-share',
                          'disabled': True, 'status': 'disabled',
                          'disabled_reason': 'maintenance'}, result)
        result = info.update_service(self.ctx, 'a@x', 'manila-bk-share',
                                     False)
        self.assertEqual(('enabled', None), (result['status'],
                                             result['disabled_reason']))

    def test_update_unknown_service_404(self):
        exc = self.assertRaises(exception.ServiceNotFound,
                                info.update_service, self.ctx, 'nope',
                                'manila-bk-share', True)
        self.assertEqual(404, exc.code)


class PoolsTestCase(base.DBTestCase):

    def setUp(self):
        super().setUp()
        fakes.service(self.ctx, 'node1@local', [fakes.pool('p1'),
                                                fakes.pool('p2', free=7)])
        fakes.service(self.ctx, 'node2@fast', [fakes.pool(
            'p1', snapshot_support=False)])
        fakes.service(self.ctx, 'node3@down', age=3600)

    def test_list_pools_of_up_services(self):
        pools = info.list_pools(self.ctx)
        self.assertEqual(['node1@local#p1', 'node1@local#p2',
                          'node2@fast#p1'], [p['name'] for p in pools])
        first = pools[0]
        self.assertEqual(('node1', 'local', 'p1'),
                         (first['host'], first['backend'], first['pool']))
        self.assertEqual(100, first['capabilities']['free_capacity_gb'])
        self.assertIsNotNone(first['capabilities']['timestamp'])

    def test_list_pools_filters(self):
        def names(filters):
            return [p['name'] for p in info.list_pools(self.ctx, filters)]

        self.assertEqual(['node2@fast#p1'], names({'backend': 'fast'}))
        self.assertEqual(['node1@local#p2'], names({'pool': 'p2'}))
        self.assertEqual(['node1@local#p1', 'node1@local#p2'],
                         names({'host': 'node1', 'backend': 'lo.*'}))
        self.assertEqual(['node2@fast#p1'], names(
            {'capabilities': {'snapshot_support': 'false'}}))
        self.assertEqual(['node1@local#p2'], names(
            {'capabilities': {'free_capacity_gb': '7'}}))

    def test_list_pools_share_type_filter(self):
        fakes.share_type(self.ctx, name='snaps')
        self.assertEqual(['node1@local#p1', 'node1@local#p2'],
                         [p['name'] for p in info.list_pools(
                             self.ctx, {'share_type': 'snaps'})])


class AvailabilityZonesTestCase(base.DBTestCase):

    def test_zones_distinct_with_stable_ids(self):
        fakes.service(self.ctx, 'a@x', zone='nova')
        fakes.service(self.ctx, 'b@x', zone='nova')
        fakes.service(self.ctx, 'c', zone='east', binary='manila-bk-data')
        zones = info.list_availability_zones(self.ctx)
        self.assertEqual(['east', 'nova'], [z['name'] for z in zones])
        self.assertEqual(info.availability_zone_id('nova'), zones[1]['id'])
        self.assertEqual(zones[1]['id'],
                         info.list_availability_zones(self.ctx)[1]['id'])
        self.assertNotEqual(zones[0]['id'], zones[1]['id'])
        self.assertIsNotNone(zones[0]['created_at'])

    def test_deleted_services_have_no_zone(self):
        service = fakes.service(self.ctx, 'a@x', zone='gone')
        db.service_destroy(self.ctx, service.id)
        self.assertEqual([], info.list_availability_zones(self.ctx))
