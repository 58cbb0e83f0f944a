"""The assembled WSGI application: discovery, routing, headers, faults."""

import datetime
import io
import re
from unittest import mock

import fixtures
import webob

from manila_bk.api.controllers.v2 import empty
from manila_bk.api import auth  # noqa: F401  (keystone_authtoken options)
from manila_bk import quota
from manila_bk.tests.unit.api import base

REQ_ID = re.compile(r'^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-'
                    r'[0-9a-f]{4}-[0-9a-f]{12}$')
QUOTAS = {'shares': {'limit': 50, 'in_use': 1, 'reserved': 0}}


class TestVersionDiscovery(base.ApiTestCase):

    def test_root_lists_versions_with_300(self):
        response = self.request('/', project_id=None, roles=None)
        self.assertEqual(300, response.status_int)
        versions = {v['id']: v for v in self.json(response)['versions']}
        self.assertEqual(['v1.0', 'v2.0'], sorted(versions))
        current = versions['v2.0']
        self.assertEqual(('CURRENT', '2.91', '2.0'),
                         (current['status'], current['version'],
                          current['min_version']))
        self.assertEqual('DEPRECATED', versions['v1.0']['status'])
        self.assertEqual('', versions['v1.0']['version'])
        self.assertIn({'rel': 'self', 'href': 'http://localhost/v2/'},
                      current['links'])
        self.assertEqual('application/vnd.openstack.share+json;version=1',
                         current['media-types'][0]['type'])
        self.assertEqual('2015-08-27T11:33:21Z', current['updated'])

    def test_v2_lists_only_v2_with_200(self):
        for path in ('/v2', '/v2/'):
            response = self.request(path)
            self.assertEqual(200, response.status_int)
            versions = self.json(response)['versions']
            self.assertEqual(['v2.0'], [v['id'] for v in versions])

    def test_root_needs_no_token_with_keystone(self):
        self.flags(auth_strategy='keystone')
        app = base.app.setup_app()
        response = webob.Request.blank('/').get_response(app)
        self.assertEqual(300, response.status_int)

    def test_root_answers_json_whatever_accept_says(self):
        response = self.request('/', headers={'Accept': 'text/html'})
        self.assertEqual('application/json', response.content_type)
        self.assertIn('versions', self.json(response))


class TestHeaders(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        self.get_quotas = self.useFixture(_patch(
            quota, 'get_project_quotas', return_value=QUOTAS))

    def test_request_ids_on_success_and_fault(self):
        seen = set()
        for path in ('/v2/limits', '/v2/nope'):
            response = self.request(path)
            request_id = response.headers['x-openstack-request-id']
            self.assertRegex(request_id, REQ_ID)
            self.assertEqual(request_id,
                             response.headers['x-compute-request-id'])
            seen.add(request_id)
        self.assertEqual(2, len(seen))

    def test_request_id_on_oversized_body_fault(self):
        response = self.request('/v2/quota-sets/project-a', 'PUT',
                                body=b'x' * 200000)
        self.assertFault(response, 413, 'overLimit')
        self.assertRegex(response.headers['x-openstack-request-id'], REQ_ID)

    def test_incoming_request_id_becomes_global_request_id(self):
        incoming = 'req-12345678-1234-1234-1234-123456789abc'
        response = self.request('/v2/limits', headers={
            'X-OpenStack-Request-ID': incoming})
        self.assertEqual(200, response.status_int)
        ctx = self.get_quotas.mock.call_args[0][0]
        self.assertEqual(incoming, ctx.global_request_id)
        self.assertEqual(response.headers['x-openstack-request-id'],
                         ctx.request_id)

    def test_version_headers_echoed(self):
        response = self.request('/v2/limits', version='2.45')
        self.assertEqual('2.45',
                         response.headers['X-OpenStack-Manila-API-Version'])
        self.assertEqual('shared-file-system 2.45',
                         response.headers['OpenStack-API-Version'])
        self.assertIn('X-OpenStack-Manila-API-Version',
                      response.headers['Vary'])
        self.assertNotIn('X-OpenStack-Manila-API-Experimental',
                         response.headers)

    def test_default_version_is_2_0_and_latest_is_max(self):
        response = self.request('/v2/limits')
        self.assertEqual('2.0',
                         response.headers['X-OpenStack-Manila-API-Version'])
        response = self.request('/v2/limits', headers={
            'openstack-api-version': 'shared-file-system latest'})
        self.assertEqual('2.91',
                         response.headers['X-OpenStack-Manila-API-Version'])

    def test_experimental_header_accepted_and_echoed(self):
        response = self.request('/v2/limits', version='2.80', headers={
            'x-openstack-manila-api-experimental': 'true'})
        self.assertEqual(200, response.status_int)
        self.assertEqual(
            'True', response.headers['X-OpenStack-Manila-API-Experimental'])

    def test_version_headers_on_faults_after_routing(self):
        response = self.request('/v2/nope', version='2.60')
        self.assertFault(response, 404, 'itemNotFound')
        self.assertEqual('2.60',
                         response.headers['X-OpenStack-Manila-API-Version'])

    def test_datetimes_rendered_like_manila(self):
        zone = {'id': 'z', 'name': 'nova', 'updated_at': None,
                'created_at': datetime.datetime(2015, 9, 7, 14, 50, 38)}
        with mock.patch('manila_bk.share.info.list_availability_zones',
                        return_value=[zone]):
            response = self.request('/v2/availability-zones',
                                    version='2.7')
        body = self.json(response)
        self.assertEqual('2015-09-07T14:50:38.000000',
                         body['availability_zones'][0]['created_at'])


class TestErrors(base.ApiTestCase):
    """Every malformed request gets the right 4xx, never a 500."""

    CASES = [
        # (method, path, request kwargs, status, fault name)
        ('PUT', '/v2/quota-sets/project-a',
         {'body': '{bad json', 'version': '2.7'}, 400, 'badRequest'),
        ('PUT', '/v2/quota-sets/project-a',
         {'body': '[1, 2]', 'version': '2.7'}, 400, 'badRequest'),
        ('PUT', '/v2/quota-sets/project-a',
         {'body': '', 'version': '2.7'}, 400, 'badRequest'),
        ('PUT', '/v2/quota-sets/project-a',
         {'body': '{"quota_set": {}}', 'version': '2.7',
          'content_type': 'text/plain'}, 400, 'badRequest'),
        ('PUT', '/v2/quota-sets/project-a',
         {'body': {'quota_set': {'bogus': 1}}, 'version': '2.7'},
         400, 'badRequest'),
        ('PUT', '/v2/quota-sets/project-a',
         {'body': {'quota_set': {'shares': -2}}, 'version': '2.7'},
         400, 'badRequest'),
        ('PUT', '/v2/quota-sets/project-a',
         {'body': {'quota_set': {'shares': 'ten'}}, 'version': '2.7'},
         400, 'badRequest'),
        ('PUT', '/v2/services/enable',
         {'body': {'host': 1}, 'version': '2.7'}, 400, 'badRequest'),
        ('GET', '/v2/limits', {'version': 'abc'}, 400, 'badRequest'),
        ('GET', '/v2/limits', {'version': '2.'}, 400, 'badRequest'),
        ('GET', '/v2/limits', {'version': '2.92'}, 406, 'notAcceptable'),
        ('GET', '/v2/limits', {'version': '1.0'}, 406, 'notAcceptable'),
        ('GET', '/v2/limits',
         {'headers': {'OpenStack-API-Version': 'shared-file-system 9.9'}},
         406, 'notAcceptable'),
        ('GET', '/v2/messages', {'version': '2.36'}, 404, 'itemNotFound'),
        ('GET', '/v2/services', {'version': '2.6'}, 404, 'itemNotFound'),
        ('GET', '/v2/os-services', {'version': '2.7'}, 404, 'itemNotFound'),
        ('GET', '/v2/quota-sets/project-a/detail', {'version': '2.24'},
         404, 'itemNotFound'),
        ('GET', '/v2/nope', {}, 404, 'itemNotFound'),
        ('GET', '/v2/project-a/nope', {}, 404, 'itemNotFound'),
        ('GET', '/v2/limits/extra/segments', {}, 404, 'itemNotFound'),
        ('GET', '/nope', {}, 404, 'itemNotFound'),
        ('GET', '/v1/shares', {}, 404, 'itemNotFound'),
        ('GET', '/v2/other-project/limits', {}, 400, 'badRequest'),
        ('PUT', '/v2/services', {'body': {}, 'version': '2.7'}, 404,
         'itemNotFound'),
        ('DELETE', '/v2/quota-sets', {'version': '2.7'}, 404,
         'itemNotFound'),
        ('DELETE', '/v2/limits', {}, 405, 'badMethod'),
        ('POST', '/v2/availability-zones', {'body': {}, 'version': '2.7'},
         405, 'badMethod'),
        ('POST', '/', {}, 405, 'badMethod'),
        ('PUT', '/v2/', {}, 405, 'badMethod'),
        ('PUT', '/v2/quota-sets/project-a',
         {'body': b'x' * 114689, 'version': '2.7'}, 413, 'overLimit'),
        ('GET', '/v2/services', {'version': '2.7', 'roles': base.MEMBER},
         403, 'forbidden'),
        ('PUT', '/v2/quota-sets/project-a',
         {'body': {'quota_set': {'shares': 1}}, 'version': '2.7',
          'roles': base.MEMBER}, 403, 'forbidden'),
    ]

    def setUp(self):
        super().setUp()
        for name in ('get_project_quotas', 'update_project_quotas',
                     'get_defaults'):
            self.useFixture(_patch(quota, name, return_value=QUOTAS))

    def test_malformed_requests_get_manila_faults(self):
        for method, path, kwargs, status, name in self.CASES:
            response = self.request(path, method, **kwargs)
            self.assertEqual(status, response.status_int,
                             '%s %s %r: %s' % (method, path, kwargs,
                                               response.body))
            self.assertFault(response, status, name)
        self.assertFalse(quota.update_project_quotas.called)

    def test_chunked_body_over_limit_is_413(self):
        self.flags(osapi_max_request_body_size=1024)
        app = base.app.setup_app()
        request = webob.Request.blank('/v2/quota-sets/project-a',
                                      method='PUT')
        request.environ['wsgi.input'] = io.BytesIO(b'{' + b' ' * 4096)
        request.environ.pop('CONTENT_LENGTH', None)
        # What a server that decodes chunked bodies tells the application.
        request.environ['wsgi.input_terminated'] = True
        request.headers['Transfer-Encoding'] = 'chunked'
        request.headers['Content-Type'] = 'application/json'
        request.headers['X-OpenStack-Manila-API-Version'] = '2.7'
        response = request.get_response(app)
        self.assertFault(response, 413, 'overLimit')

    def test_unexpected_error_is_generic_500(self):
        quota.get_project_quotas.side_effect = RuntimeError('db password')
        response = self.request('/v2/limits')
        fault = self.assertFault(response, 500, 'computeFault')
        self.assertNotIn('password', fault['message'])

    def test_type_error_inside_controller_is_500_not_404(self):
        quota.get_project_quotas.side_effect = TypeError('a bug')
        response = self.request('/v2/limits')
        self.assertFault(response, 500, 'computeFault')

    def test_keystone_without_token_is_manila_401(self):
        self.flags(auth_strategy='keystone')
        self.flags(www_authenticate_uri='http://keystone.example/identity',
                   group='keystone_authtoken')
        app = base.app.setup_app()
        response = webob.Request.blank('/v2/limits').get_response(app)
        self.assertFault(response, 401, 'unauthorized')
        self.assertIn('WWW-Authenticate', response.headers)


class TestRouting(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(_patch(quota, 'get_project_quotas',
                               return_value=QUOTAS))

    def test_routes_with_and_without_project_id(self):
        for path in ('/v2/limits', '/v2/project-a/limits',
                     '/v2/project-a/limits/'):
            response = self.request(path)
            self.assertEqual(200, response.status_int, path)
            self.assertIn('limits', self.json(response))

    def test_project_id_must_match_even_for_admin(self):
        response = self.request('/v2/admin/limits', roles=base.ADMIN)
        fault = self.assertFault(response, 400, 'badRequest')
        self.assertEqual('Malformed request url', fault['message'])

    def test_empty_collections_list_nothing(self):
        for segment, (key, _name) in empty.COLLECTIONS.items():
            for suffix in ('', '/detail'):
                path = '/v2/project-a/%s%s' % (segment, suffix)
                response = self.request(path)
                self.assertEqual(200, response.status_int, path)
                self.assertEqual({key: []}, self.json(response))
            response = self.request('/v2/%s/some-id' % segment)
            self.assertFault(response, 404, 'itemNotFound')

    def test_healthcheck_needs_no_token(self):
        self.flags(auth_strategy='keystone')
        app = base.app.setup_app()
        response = webob.Request.blank('/healthcheck').get_response(app)
        self.assertEqual(200, response.status_int)


def _patch(obj, name, **kwargs):
    return fixtures.MockPatchObject(obj, name, **kwargs)
