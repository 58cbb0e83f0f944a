"""GET /availability-zones and the legacy /os-availability-zone."""

import datetime

import fixtures

from manila_bk.share import info
from manila_bk.tests.unit.api import base

ZONE = {'id': 'f3b1a8e0-0000-5000-8000-000000000001', 'name': 'nova',
        'created_at': datetime.datetime(2020, 1, 2, 3, 4, 5, 6),
        'updated_at': None}


class TestAvailabilityZones(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        self.list_zones = self.useFixture(fixtures.MockPatchObject(
            info, 'list_availability_zones', return_value=[ZONE])).mock

    def test_index_from_2_7_lists_zones(self):
        response = self.request('/v2/availability-zones', version='2.7',
                                roles=base.READER)
        self.assertEqual(200, response.status_int)
        self.assertEqual({'availability_zones': [{
            'id': ZONE['id'], 'name': 'nova',
            'created_at': '2020-01-02T03:04:05.000006',
            'updated_at': None}]}, self.json(response))
        ctx = self.list_zones.call_args[0][0]
        self.assertEqual(base.PROJECT_ID, ctx.project_id)

    def test_legacy_url_up_to_2_6_only(self):
        response = self.request('/v2/os-availability-zone', version='2.6')
        self.assertEqual(200, response.status_int)
        self.assertEqual('nova', self.json(response)[
            'availability_zones'][0]['name'])
        response = self.request('/v2/os-availability-zone', version='2.7')
        self.assertFault(response, 404, 'itemNotFound')
        response = self.request('/v2/availability-zones', version='2.6')
        self.assertFault(response, 404, 'itemNotFound')

    def test_index_without_reader_role_is_forbidden(self):
        response = self.request('/v2/availability-zones', version='2.7',
                                roles=('observer',))
        self.assertFault(response, 403, 'forbidden')
        self.assertFalse(self.list_zones.called)
