"""/quota-class-sets: show and update a quota class."""

import fixtures

from manila_bk import quota
from manila_bk.tests.unit.api import base

LIMITS = {'shares': 50, 'gigabytes': 1000, 'snapshots': 50,
          'snapshot_gigabytes': 1000, 'share_networks': 10,
          'backups': 10, 'backup_gigabytes': 1000}


class TestQuotaClassSets(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        self.get = self.useFixture(fixtures.MockPatchObject(
            quota, 'get_class_quotas', return_value=dict(LIMITS))).mock
        self.update = self.useFixture(fixtures.MockPatchObject(
            quota, 'update_class_quotas')).mock

    def test_show_renders_class_with_id(self):
        response = self.request('/v2/quota-class-sets/default',
                                version='2.80', roles=base.READER)
        body = self.json(response)['quota_class_set']
        self.assertEqual('default', body['id'])
        self.assertEqual(10, body['backups'])
        self.assertEqual('default', self.get.call_args[0][1])

    def test_update_as_admin_stores_limits(self):
        response = self.request('/v2/quota-class-sets/default', 'PUT',
                                body={'quota_class_set': {'shares': 5}},
                                version='2.7')
        self.assertEqual(200, response.status_int)
        self.assertEqual(('default', {'shares': 5}),
                         self.update.call_args[0][1:])
        self.assertNotIn('id', self.json(response)['quota_class_set'])

    def test_update_as_member_forbidden_and_bad_key_400(self):
        response = self.request('/v2/quota-class-sets/default', 'PUT',
                                body={'quota_class_set': {'shares': 5}},
                                version='2.7', roles=base.MEMBER)
        self.assertFault(response, 403, 'forbidden')
        response = self.request('/v2/quota-class-sets/default', 'PUT',
                                body={'quota_class_set': {'cpus': 5}},
                                version='2.7')
        self.assertFault(response, 400, 'badRequest')
        self.assertFalse(self.update.called)

    def test_legacy_url_up_to_2_6(self):
        response = self.request('/v2/os-quota-class-sets/default',
                                version='2.6')
        self.assertEqual(200, response.status_int)
        response = self.request('/v2/quota-class-sets/default',
                                version='2.6')
        self.assertFault(response, 404, 'itemNotFound')
