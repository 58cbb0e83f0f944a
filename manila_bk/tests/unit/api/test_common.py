"""Paging, filters, bodies, schema validation and links of api.common."""

import fixtures
import webob

from manila_bk.api import common
from manila_bk import exception
from manila_bk.tests import base

SORT_KEYS = ('id', 'created_at', 'name')


class TestPagingParams(base.TestCase):

    def test_paging_params_valid_values_returned(self):
        params = {'limit': '5', 'offset': '10', 'marker': 'abc',
                  'sort_key': 'name,created_at', 'sort_dir': 'DESC,asc',
                  'status': 'available'}
        self.assertEqual({'limit': 5, 'offset': 10, 'marker': 'abc',
                          'sort_key': 'name,created_at',
                          'sort_dir': 'desc,asc'},
                         common.paging_params(params, SORT_KEYS))

    def test_paging_params_absent_values_are_none(self):
        self.assertEqual({'limit': None, 'offset': None, 'marker': None,
                          'sort_key': None, 'sort_dir': None},
                         common.paging_params({}, SORT_KEYS))

    def test_paging_params_limit_capped_by_osapi_max_limit(self):
        self.flags(osapi_max_limit=20)
        self.assertEqual(20, common.paging_params({'limit': '500'},
                                                  SORT_KEYS)['limit'])

    def test_paging_params_bad_values_raise_400(self):
        for params, error in (({'limit': 'x'}, exception.InvalidInput),
                              ({'limit': '-1'}, exception.InvalidInput),
                              ({'offset': '1.5'}, exception.InvalidInput),
                              ({'offset': '-3'}, exception.InvalidInput),
                              ({'sort_dir': 'up'}, exception.InvalidInput),
                              ({'sort_key': 'password'},
                               exception.InvalidSortKey),
                              ({'sort_key': 'id,bogus'},
                               exception.InvalidSortKey)):
            exc = self.assertRaises(error, common.paging_params, params,
                                    SORT_KEYS)
            self.assertEqual(400, exc.code, params)


class TestFilters(base.TestCase):

    def test_search_opts_keeps_allowed_keys_only(self):
        params = {'status': 'available', 'limit': '3', 'bogus': '1',
                  'name': 'x'}
        self.assertEqual({'status': 'available', 'name': 'x'},
                         common.search_opts(params,
                                            ('status', 'name', 'limit')))

    def test_is_all_tenants_values(self):
        self.assertFalse(common.is_all_tenants({}))
        for value in ('1', 'true', 'True', 'yes'):
            self.assertTrue(common.is_all_tenants({'all_tenants': value}))
        for value in ('0', 'false', 'False'):
            self.assertFalse(common.is_all_tenants({'all_tenants': value}))
        self.assertRaises(exception.InvalidInput, common.is_all_tenants,
                          {'all_tenants': 'maybe'})


class TestValidate(base.TestCase):

    SCHEMA = {'type': 'object',
              'properties': {'share': {
                  'type': 'object',
                  'properties': {'size': {'type': 'integer',
                                          'minimum': 1}},
                  'required': ['size']}},
              'required': ['share']}

    def test_validate_valid_body_returned(self):
        body = {'share': {'size': 1}}
        self.assertIs(body, common.validate(self.SCHEMA, body))

    def test_validate_invalid_body_raises_400_naming_the_field(self):
        exc = self.assertRaises(exception.InvalidRequestBody,
                                common.validate, self.SCHEMA,
                                {'share': {'size': 0}})
        self.assertEqual(400, exc.code)
        self.assertIn('share/size', str(exc))
        exc = self.assertRaises(exception.InvalidRequestBody,
                                common.validate, self.SCHEMA, {})
        self.assertIn("'share' is a required property", str(exc))


class RequestTestCase(base.TestCase):
    """Tests with a webob request standing in for pecan's."""

    def use_request(self, path='/v2/shares', body=None,
                    content_type='application/json', environ=None):
        request = webob.Request.blank(path, environ=environ or {})
        if body is not None:
            request.body = body
            request.content_type = content_type
        self.useFixture(fixtures.MockPatchObject(common.pecan, 'request',
                                                 request))
        return request


class TestBody(RequestTestCase):

    def test_body_json_object_returned(self):
        self.use_request(body=b'{"share": {"size": 1}}')
        self.assertEqual({'share': {'size': 1}}, common.body())

    def test_body_bad_input_raises_400(self):
        for raw, content_type in ((b'{bad', 'application/json'),
                                  (b'[1, 2]', 'application/json'),
                                  (b'"text"', 'application/json'),
                                  (b'\xff\xfe', 'application/json'),
                                  (b'{}', 'text/plain'),
                                  (b'{}', 'application/xml')):
            self.use_request(body=raw, content_type=content_type)
            exc = self.assertRaises(exception.Invalid, common.body)
            self.assertEqual(400, exc.code, raw)

    def test_body_missing_raises_400(self):
        self.use_request()
        self.assertRaises(exception.InvalidRequestBody, common.body)


class TestLinks(RequestTestCase):

    def test_resource_links_without_project_in_url(self):
        self.use_request('http://api:8786/v2/messages')
        self.assertEqual(
            [{'rel': 'self', 'href': 'http://api:8786/v2/messages/m1'},
             {'rel': 'bookmark', 'href': 'http://api:8786/messages/m1'}],
            common.resource_links('messages', 'm1'))

    def test_resource_links_with_project_and_base_url(self):
        self.flags(osapi_share_base_URL='https://proxy.example/share/')
        self.use_request('http://api:8786/v2/p1/messages',
                         environ={common.ENV_URL_PROJECT: 'p1'})
        self.assertEqual(
            'https://proxy.example/share/v2/p1/messages/m1',
            common.resource_links('messages', 'm1')[0]['href'])
        self.assertEqual(
            'https://proxy.example/share/p1/messages/m1',
            common.resource_links('messages', 'm1')[1]['href'])

    def test_collection_links_full_page_gives_next_with_marker(self):
        self.use_request('http://api:8786/v2/messages?limit=2&sort_dir=asc')
        links = common.collection_links([{'id': 'a'}, {'id': 'b'}],
                                        'messages', 2)
        self.assertEqual(1, len(links))
        self.assertEqual('next', links[0]['rel'])
        href = links[0]['href']
        self.assertTrue(href.startswith('http://api:8786/v2/messages?'))
        self.assertIn('marker=b', href)
        self.assertIn('limit=2', href)
        self.assertIn('sort_dir=asc', href)

    def test_collection_links_short_page_or_no_limit_gives_none(self):
        self.use_request('http://api:8786/v2/messages')
        self.assertEqual([], common.collection_links([{'id': 'a'}],
                                                     'messages', 2))
        self.assertEqual([], common.collection_links([{'id': 'a'}],
                                                     'messages', None))

    def test_context_missing_raises_401(self):
        self.use_request()
        exc = self.assertRaises(exception.NotAuthenticated, common.context)
        self.assertEqual(401, exc.code)
