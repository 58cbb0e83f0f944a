"""/quota-sets: show, defaults, detail, update, delete per microversion."""

from unittest import mock

import fixtures

from manila_bk import exception
from manila_bk import quota
from manila_bk.share import share_types
from manila_bk.tests.unit.api import base

LIMITS = {'shares': 50, 'gigabytes': 1000, 'snapshots': 50,
          'snapshot_gigabytes': 1000, 'backups': 10,
          'backup_gigabytes': 1000, 'per_share_gigabytes': -1,
          'share_networks': 10, 'share_groups': 50,
          'share_group_snapshots': 50, 'share_replicas': 100,
          'replica_gigabytes': 1000}
BASE_KEYS = {'id', 'shares', 'gigabytes', 'snapshots', 'snapshot_gigabytes',
             'share_networks'}


def _usages():
    return {key: {'limit': value, 'in_use': 2, 'reserved': 0}
            for key, value in LIMITS.items()}


class QuotaTestCase(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        self.quota = {}
        for name in ('get_project_quotas', 'get_defaults',
                     'update_project_quotas', 'delete_project_quotas'):
            self.quota[name] = self.useFixture(
                fixtures.MockPatchObject(quota, name)).mock
        self.quota['get_project_quotas'].side_effect = (
            lambda ctx, project_id, usages=False:
            _usages() if usages else dict(LIMITS))
        self.quota['get_defaults'].return_value = dict(LIMITS)


class TestShowQuotas(QuotaTestCase):

    def test_show_keys_grow_with_microversion(self):
        expected = (('2.7', BASE_KEYS),
                    ('2.40', BASE_KEYS | {'share_groups',
                                          'share_group_snapshots'}),
                    ('2.53', BASE_KEYS | {'share_groups',
                                          'share_group_snapshots',
                                          'share_replicas',
                                          'replica_gigabytes'}),
                    ('2.62', BASE_KEYS | {'share_groups',
                                          'share_group_snapshots',
                                          'share_replicas',
                                          'replica_gigabytes',
                                          'per_share_gigabytes'}),
                    ('2.80', set(LIMITS) | {'id'}))
        for version, keys in expected:
            response = self.request('/v2/quota-sets/project-a',
                                    version=version, roles=base.READER)
            self.assertEqual(200, response.status_int)
            quota_set = self.json(response)['quota_set']
            self.assertEqual(keys, set(quota_set), version)
            self.assertEqual('project-a', quota_set['id'])
            self.assertEqual(50, quota_set['shares'])

    def test_show_other_project_as_member_forbidden(self):
        response = self.request('/v2/quota-sets/project-b', version='2.7',
                                roles=base.MEMBER)
        self.assertFault(response, 403, 'forbidden')

    def test_show_other_project_as_admin_allowed(self):
        response = self.request('/v2/quota-sets/project-b', version='2.7')
        self.assertEqual('project-b',
                         self.json(response)['quota_set']['id'])
        self.assertEqual('project-b', self.quota[
            'get_project_quotas'].call_args[0][1])

    def test_detail_from_2_25_renders_usage(self):
        response = self.request('/v2/quota-sets/project-a/detail',
                                version='2.25')
        quota_set = self.json(response)['quota_set']
        self.assertEqual({'limit': 50, 'in_use': 2, 'reserved': 0},
                         quota_set['shares'])
        self.assertTrue(self.quota['get_project_quotas'].call_args[1][
            'usages'])

    def test_defaults_render_default_limits(self):
        response = self.request('/v2/quota-sets/project-x/defaults',
                                version='2.7', roles=base.READER)
        quota_set = self.json(response)['quota_set']
        self.assertEqual('project-x', quota_set['id'])
        self.assertEqual(1000, quota_set['gigabytes'])
        self.assertTrue(self.quota['get_defaults'].called)

    def test_legacy_os_quota_sets_up_to_2_6(self):
        response = self.request('/v2/os-quota-sets/project-a',
                                version='2.6')
        self.assertEqual(200, response.status_int)
        response = self.request('/v2/os-quota-sets/project-a/defaults',
                                version='2.6')
        self.assertEqual(200, response.status_int)
        response = self.request('/v2/quota-sets/project-a', version='2.6')
        self.assertFault(response, 404, 'itemNotFound')

    def test_share_type_query_needs_2_39_and_existing_type(self):
        path = '/v2/quota-sets/project-a?share_type=gold'
        self.assertFault(self.request(path, version='2.38'), 400,
                         'badRequest')
        with mock.patch.object(share_types.API, 'get') as get_type:
            response = self.request(path, version='2.40')
        self.assertEqual('gold', get_type.call_args[0][1])
        quota_set = self.json(response)['quota_set']
        self.assertNotIn('share_networks', quota_set)
        self.assertNotIn('share_groups', quota_set)
        with mock.patch.object(share_types.API, 'get', side_effect=(
                exception.ShareTypeNotFound(share_type_id='gold'))):
            self.assertFault(self.request(path, version='2.40'), 404,
                             'itemNotFound')

    def test_user_id_and_share_type_together_is_400(self):
        response = self.request(
            '/v2/quota-sets/project-a?share_type=a&user_id=b',
            version='2.40')
        self.assertFault(response, 400, 'badRequest')


class TestUpdateQuotas(QuotaTestCase):

    def test_update_passes_integers_and_force(self):
        response = self.request('/v2/quota-sets/project-a', 'PUT', body={
            'quota_set': {'shares': '7', 'gigabytes': 20, 'force': 'True',
                          'tenant_id': 'project-a', 'backups': None}},
            version='2.80')
        self.assertEqual(200, response.status_int)
        args, kwargs = self.quota['update_project_quotas'].call_args
        self.assertEqual(('project-a', {'shares': 7, 'gigabytes': 20}),
                         args[1:])
        self.assertEqual({'force': True}, kwargs)
        quota_set = self.json(response)['quota_set']
        self.assertNotIn('id', quota_set)
        self.assertEqual(10, quota_set['backups'])

    def test_update_below_usage_error_from_business_layer_is_400(self):
        self.quota['update_project_quotas'].side_effect = (
            exception.InvalidInput(reason='below usage'))
        response = self.request('/v2/quota-sets/project-a', 'PUT', body={
            'quota_set': {'shares': 1}}, version='2.7')
        self.assertFault(response, 400, 'badRequest')

    def test_update_share_groups_needs_2_40(self):
        body = {'quota_set': {'share_groups': 3}}
        response = self.request('/v2/quota-sets/project-a', 'PUT',
                                body=body, version='2.39')
        self.assertFault(response, 400, 'badRequest')
        response = self.request('/v2/quota-sets/project-a', 'PUT',
                                body=body, version='2.40')
        self.assertEqual(200, response.status_int)

    def test_update_per_user_or_type_refused(self):
        for query in ('user_id=u1', 'share_type=gold'):
            response = self.request('/v2/quota-sets/project-a?' + query,
                                    'PUT', body={'quota_set': {'shares': 1}},
                                    version='2.40')
            self.assertFault(response, 400, 'badRequest')
        self.assertFalse(self.quota['update_project_quotas'].called)

    def test_update_missing_quota_set_key_is_400(self):
        response = self.request('/v2/quota-sets/project-a', 'PUT',
                                body={'shares': 1}, version='2.7')
        self.assertFault(response, 400, 'badRequest')


class TestDeleteQuotas(QuotaTestCase):

    def test_delete_answers_202_without_body(self):
        response = self.request('/v2/quota-sets/project-b', 'DELETE',
                                version='2.7')
        self.assertEqual(202, response.status_int)
        self.assertEqual(b'', response.body)
        self.assertEqual('project-b', self.quota[
            'delete_project_quotas'].call_args[0][1])

    def test_delete_as_member_forbidden(self):
        response = self.request('/v2/quota-sets/project-a', 'DELETE',
                                version='2.7', roles=base.MEMBER)
        self.assertFault(response, 403, 'forbidden')
        self.assertFalse(self.quota['delete_project_quotas'].called)
