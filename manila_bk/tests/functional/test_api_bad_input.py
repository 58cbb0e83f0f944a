"""Bad input over HTTP against a live manila-bk-all: Manila's codes, no 5xx.

Every row of ROWS becomes one test ``test_<row>_gives_<status>``: it sends
one request and checks the exact status and, for errors, a Manila fault
body ``{"<faultName>": {"code": <status>, "message": "..."}}``.  After each
test and after the class the service log must hold no traceback.

Paths and bodies name the resources made in setUpClass as ``$share``,
``$snapshot``, ``$type`` (a private type) and ``$project`` (the project of
``TOKEN_A``).
"""

import os
import string
import uuid

import requests
import testtools

from manila_bk.tests.functional import fixtures as ffx

LATEST = '2.91'
FAULT_NAMES = {400: 'badRequest', 401: 'unauthorized', 403: 'forbidden',
               404: 'itemNotFound', 405: 'badMethod', 406: 'notAcceptable',
               409: 'conflictingRequest', 413: 'overLimit',
               # Manila has no name of its own for 422.
               422: 'computeFault'}
DEFAULT = object()


def _substitute(value, names):
    if isinstance(value, str):
        return string.Template(value).safe_substitute(names)
    if isinstance(value, dict):
        return {_substitute(k, names): _substitute(v, names)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, names) for v in value]
    return value


class LiveAPIMixin:
    """One manila-bk-all per test class, HTTP helpers and log checks."""

    names = None
    # {section: {option: value}} for the deployment's manila.conf.
    extra_config = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.deployment = ffx.Deployment('all', 'sqlite',
                                        extra_config=cls.extra_config)
        cls.names = {}
        try:
            cls.deployment.start()
            cls.prepare()
        except BaseException:
            cls.deployment.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        text = cls.service_log()
        cls.deployment.cleanup()
        super().tearDownClass()
        if 'Traceback' in text:
            raise AssertionError('the service logged a traceback:\n%s'
                                 % _around_traceback(text))

    @classmethod
    def prepare(cls):
        """Create what the tests of the class need (override)."""

    @classmethod
    def service_log(cls, offset=0):
        path = os.path.join(cls.deployment.workdir, 'manila-bk-all.log')
        with open(path, 'rb') as f:
            f.seek(offset)
            return f.read().decode('utf-8', 'replace')

    def setUp(self):
        super().setUp()
        path = os.path.join(self.deployment.workdir, 'manila-bk-all.log')
        offset = os.path.getsize(path)
        self.addCleanup(self._check_no_traceback_since, offset)

    def _check_no_traceback_since(self, offset):
        text = self.service_log(offset)
        if 'Traceback' in text:
            self.fail('the service logged a traceback:\n%s'
                      % _around_traceback(text))

    @classmethod
    def call(cls, method, path, body=DEFAULT, raw=None, version=LATEST,
             token=None, roles=None, headers=None):
        sent = {}
        if version is not None:
            sent['X-OpenStack-Manila-API-Version'] = version
        if token is not None:
            sent['X-Auth-Token'] = _substitute(token, cls.names)
        if roles is not None:
            sent['X-Roles'] = roles
        kwargs = {}
        if raw is not None:
            sent['Content-Type'] = 'application/json'
            kwargs['data'] = raw
        elif body is not DEFAULT:
            kwargs['json'] = _substitute(body, cls.names)
        sent.update(headers or {})
        url = cls.deployment.endpoint + _substitute(path, cls.names)
        return requests.request(method, url, headers=sent, timeout=60,
                                **kwargs)

    @classmethod
    def wait_status(cls, path, key, status, token=None, roles=None):
        def current():
            response = cls.call('GET', path, token=token, roles=roles)
            value = response.json()[key]['status']
            if value not in (status, 'creating'):
                raise AssertionError('%s went %s, not %s' % (path, value,
                                                             status))
            return value == status
        ffx.wait_for(current, 60, what='%s %s' % (path, status))

    @classmethod
    def create_share(cls, token=None, roles=None, **fields):
        share = dict({'share_proto': 'NFS', 'size': 1}, **fields)
        response = cls.call('POST', '/shares', {'share': share},
                            token=token, roles=roles)
        assert response.status_code == 200, response.text
        share_id = response.json()['share']['id']
        cls.wait_status('/shares/' + share_id, 'share', 'available',
                        token, roles)
        return share_id

    @classmethod
    def create_snapshot(cls, share_id, token=None, roles=None):
        response = cls.call('POST', '/snapshots',
                            {'snapshot': {'share_id': share_id}},
                            token=token, roles=roles)
        assert response.status_code == 202, response.text
        snapshot_id = response.json()['snapshot']['id']
        cls.wait_status('/snapshots/' + snapshot_id, 'snapshot',
                        'available', token, roles)
        return snapshot_id

    @classmethod
    def wait_for_pools(cls):
        ffx.wait_for(lambda: cls.call(
            'GET', '/scheduler-stats/pools').json().get('pools'),
            60, what='share pools')

    def assertFault(self, response, status, message=None):
        text = '%s %s -> %s %s' % (response.request.method,
                                   response.request.url,
                                   response.status_code, response.text[:500])
        self.assertEqual(status, response.status_code, text)
        self.assertTrue(response.headers.get('Content-Type', '').startswith(
            'application/json'), text)
        body = response.json()
        self.assertEqual([FAULT_NAMES[status]], list(body), text)
        fault = body[FAULT_NAMES[status]]
        self.assertEqual(status, fault.get('code'), text)
        self.assertIsInstance(fault.get('message'), str, text)
        self.assertTrue(fault['message'].strip(), text)
        if message is not None:
            self.assertIn(message, fault['message'], text)


def _around_traceback(text):
    index = text.index('Traceback')
    return text[max(0, index - 1500):index + 3000]


class Row:
    """One request and the answer Manila gives it."""

    def __init__(self, name, method, path, status, body=DEFAULT, raw=None,
                 version=LATEST, headers=None, token=None, message=None):
        self.name, self.method, self.path = name, method, path
        self.status, self.body, self.raw = status, body, raw
        self.version, self.headers = version, headers
        self.token, self.message = token, message


TOKEN_A = 'alice:$project'
NOT_UUID = 'not-a-uuid'
UNKNOWN = '2f9a7c54-5f4e-4a8e-9d0b-7a3c1e6b2d10'
SHARE = {'share_proto': 'NFS', 'size': 1}
TOO_BIG = 2 ** 31
HUGE = 10 ** 20
BIG_BODY = '{"share": {"description": "%s"}}' % ('x' * 200000)
# A nesting depth Python's JSON parser refuses with RecursionError.
DEEP_JSON = '{"a":' * 5000 + '1' + '}' * 5000


def _share(**fields):
    return {'share': dict(SHARE, **fields)}


def _act(name, payload):
    return {name: payload}


SHARE_ROWS = [
    Row('share_create_malformed_json', 'POST', '/shares', 400,
        raw='{"share": {'),
    Row('share_create_json_array', 'POST', '/shares', 400,
        raw='[{"share": {}}]'),
    Row('share_create_json_number', 'POST', '/shares', 400, raw='42'),
    Row('share_create_json_string', 'POST', '/shares', 400, raw='"share"'),
    Row('share_create_json_null', 'POST', '/shares', 400, raw='null'),
    Row('share_create_empty_body', 'POST', '/shares', 400, raw=''),
    Row('share_create_without_share_key', 'POST', '/shares', 422,
        body={'shares': SHARE}),
    Row('share_create_share_not_object', 'POST', '/shares', 422,
        body={'share': ['NFS', 1]}),
    Row('share_create_size_text', 'POST', '/shares', 400,
        body=_share(size='abc')),
    Row('share_create_size_negative', 'POST', '/shares', 400,
        body=_share(size=-1)),
    Row('share_create_size_fraction', 'POST', '/shares', 400,
        body=_share(size=1.5)),
    Row('share_create_size_zero', 'POST', '/shares', 400,
        body=_share(size=0)),
    Row('share_create_size_beyond_db_int', 'POST', '/shares', 400,
        body=_share(size=TOO_BIG), message='2147483647'),
    Row('share_create_size_huge', 'POST', '/shares', 400,
        body=_share(size=HUGE)),
    Row('share_create_name_number', 'POST', '/shares', 400,
        body=_share(name=123)),
    Row('share_create_is_public_maybe', 'POST', '/shares', 400,
        body=_share(is_public='maybe')),
    Row('share_create_proto_unknown', 'POST', '/shares', 400,
        body=_share(share_proto='XFS')),
    Row('share_create_proto_number', 'POST', '/shares', 400,
        body=_share(share_proto=5)),
    Row('share_create_metadata_list', 'POST', '/shares', 400,
        body=_share(metadata=['a'])),
    Row('share_create_metadata_number_value', 'POST', '/shares', 400,
        body=_share(metadata={'a': 1})),
    Row('share_create_share_network_unsupported', 'POST', '/shares', 400,
        body=_share(share_network_id=UNKNOWN)),
    Row('share_create_type_unknown', 'POST', '/shares', 404,
        body=_share(share_type='no-such-type')),
    Row('share_create_snapshot_unknown', 'POST', '/shares', 404,
        body=_share(snapshot_id=UNKNOWN)),
    Row('share_create_zone_unknown', 'POST', '/shares', 404,
        body=_share(availability_zone='no-such-zone'),
        message='no-such-zone'),
    Row('share_show_id_not_uuid', 'GET', '/shares/' + NOT_UUID, 404),
    Row('share_show_id_unknown', 'GET', '/shares/' + UNKNOWN, 404),
    Row('share_update_id_not_uuid', 'PUT', '/shares/' + NOT_UUID, 404,
        body={'share': {'name': 'x'}}),
    Row('share_delete_id_not_uuid', 'DELETE', '/shares/' + NOT_UUID, 404),
    Row('share_action_id_not_uuid', 'POST',
        '/shares/%s/action' % NOT_UUID, 404,
        body=_act('extend', {'new_size': 2})),
    Row('share_update_name_number', 'PUT', '/shares/$share', 400,
        body={'share': {'name': 123}}),
    Row('share_update_is_public_maybe', 'PUT', '/shares/$share', 400,
        body={'share': {'is_public': 'maybe'}}),
    Row('share_update_share_not_object', 'PUT', '/shares/$share', 400,
        body={'share': 'x'}),
    Row('share_update_without_share_key', 'PUT', '/shares/$share', 422,
        body={}),
    Row('share_update_json_array', 'PUT', '/shares/$share', 400,
        raw='[1]'),
    Row('share_list_sort_key_unknown', 'GET', '/shares?sort_key=bogus',
        400),
    Row('share_list_sort_dir_bad', 'GET', '/shares?sort_dir=up', 400),
    Row('share_list_more_sort_dirs_than_keys', 'GET',
        '/shares?sort_key=id&sort_dir=asc,desc', 400),
    Row('share_list_two_sort_keys', 'GET',
        '/shares/detail?sort_key=id,name&sort_dir=asc,desc', 200),
    Row('share_list_sort_key_aliases_of_one_column', 'GET',
        '/shares?sort_key=name,display_name,id,id', 200),
    Row('share_list_limit_text', 'GET', '/shares?limit=abc', 400),
    Row('share_list_limit_negative', 'GET', '/shares?limit=-1', 400),
    Row('share_list_offset_text', 'GET', '/shares?offset=abc', 400),
    Row('share_list_offset_negative', 'GET', '/shares?offset=-3', 400),
    Row('share_list_offset_huge', 'GET', '/shares?offset=%d' % HUGE, 400),
    Row('share_list_marker_not_uuid', 'GET', '/shares?marker=nope', 400),
    Row('share_list_marker_unknown', 'GET', '/shares?marker=' + UNKNOWN,
        400),
    Row('share_list_all_tenants_maybe', 'GET', '/shares?all_tenants=maybe',
        400),
    Row('share_list_is_public_maybe', 'GET', '/shares?is_public=maybe',
        400),
    Row('share_list_metadata_not_dict', 'GET', '/shares?metadata=nodict',
        400),
    Row('share_list_metadata_nested', 'GET',
        '/shares?metadata={"a":{"b":1}}', 400),
    Row('share_list_metadata_number_value', 'GET',
        '/shares?metadata={"a":1}', 200),
    Row('share_list_with_count_maybe', 'GET', '/shares?with_count=maybe',
        400),
    Row('share_action_unknown_name', 'POST', '/shares/$share/action', 400,
        body=_act('bogus', {}), message='There is no such action'),
    Row('share_action_two_keys', 'POST', '/shares/$share/action', 400,
        body={'extend': {'new_size': 2}, 'shrink': {'new_size': 1}}),
    Row('share_action_no_key', 'POST', '/shares/$share/action', 400,
        body={}),
    Row('share_action_json_array', 'POST', '/shares/$share/action', 400,
        raw='[{"extend": {"new_size": 2}}]'),
    Row('share_action_malformed_json', 'POST', '/shares/$share/action', 400,
        raw='{"extend": '),
    Row('share_extend_size_text', 'POST', '/shares/$share/action', 400,
        body=_act('extend', {'new_size': 'abc'})),
    Row('share_extend_size_negative', 'POST', '/shares/$share/action', 400,
        body=_act('extend', {'new_size': -1})),
    Row('share_extend_size_fraction', 'POST', '/shares/$share/action', 400,
        body=_act('extend', {'new_size': 1.5})),
    Row('share_extend_size_huge', 'POST', '/shares/$share/action', 400,
        body=_act('extend', {'new_size': HUGE})),
    Row('share_extend_size_missing', 'POST', '/shares/$share/action', 400,
        body=_act('extend', {})),
    Row('share_extend_payload_string', 'POST', '/shares/$share/action',
        400, body=_act('extend', 'x')),
    Row('share_reset_status_unknown', 'POST', '/shares/$share/action', 400,
        body=_act('reset_status', {'status': 'bogus'})),
    Row('share_allow_access_bad_ip', 'POST', '/shares/$share/action', 400,
        body=_act('allow_access', {'access_type': 'ip',
                                   'access_to': 'not-an-ip'})),
    Row('share_allow_access_bad_type', 'POST', '/shares/$share/action', 400,
        body=_act('allow_access', {'access_type': 'bogus',
                                   'access_to': '10.0.0.1'})),
    Row('share_allow_access_bad_level', 'POST', '/shares/$share/action',
        400, body=_act('allow_access', {'access_type': 'ip',
                                        'access_to': '10.0.0.1',
                                        'access_level': 'xx'})),
    Row('share_deny_access_unknown', 'POST', '/shares/$share/action', 404,
        body=_act('deny_access', {'access_id': UNKNOWN})),
    Row('share_revert_snapshot_not_uuid', 'POST', '/shares/$share/action',
        400, body=_act('revert', {'snapshot_id': NOT_UUID})),
    Row('share_revert_snapshot_unknown', 'POST', '/shares/$share/action',
        400, body=_act('revert', {'snapshot_id': UNKNOWN})),
    Row('share_access_list_after_2_44', 'POST', '/shares/$share/action',
        404, body=_act('access_list', None), version='2.45'),
    Row('share_os_extend_after_2_6', 'POST', '/shares/$share/action', 404,
        body=_act('os-extend', {'new_size': 2})),
    Row('share_soft_delete_before_2_69', 'POST', '/shares/$share/action',
        404, body=_act('soft_delete', None), version='2.68'),
    Row('share_reset_task_state_without_experimental_header', 'POST',
        '/shares/$share/action', 404,
        body=_act('reset_task_state', {'task_state': None})),
    Row('share_metadata_not_object', 'POST', '/shares/$share/metadata', 400,
        body={'metadata': 'x'}),
    Row('share_metadata_item_uri_mismatch', 'PUT',
        '/shares/$share/metadata/k', 400, body={'meta': {'j': 'x'}}),
    Row('share_metadata_item_unknown', 'GET',
        '/shares/$share/metadata/nope', 404),
    Row('share_collection_patch', 'PATCH', '/shares', 405),
    Row('share_collection_put', 'PUT', '/shares', 404, body={}),
    Row('share_collection_delete', 'DELETE', '/shares', 404),
    Row('share_item_post', 'POST', '/shares/$share', 404, body={}),
    Row('share_item_patch', 'PATCH', '/shares/$share', 405),
    Row('share_action_get', 'GET', '/shares/$share/action', 404),
]

SNAPSHOT_ROWS = [
    Row('snapshot_create_malformed_json', 'POST', '/snapshots', 400,
        raw='{"snapshot": '),
    Row('snapshot_create_json_array', 'POST', '/snapshots', 400, raw='[]'),
    Row('snapshot_create_without_snapshot_key', 'POST', '/snapshots', 422,
        body={'snapshots': {'share_id': '$share'}}),
    Row('snapshot_create_share_unknown', 'POST', '/snapshots', 404,
        body={'snapshot': {'share_id': UNKNOWN}}),
    Row('snapshot_create_share_id_number', 'POST', '/snapshots', 400,
        body={'snapshot': {'share_id': 5}}),
    Row('snapshot_create_force_maybe', 'POST', '/snapshots', 400,
        body={'snapshot': {'share_id': '$share', 'force': 'maybe'}}),
    Row('snapshot_create_name_number', 'POST', '/snapshots', 400,
        body={'snapshot': {'share_id': '$share', 'name': 5}}),
    Row('snapshot_show_id_not_uuid', 'GET', '/snapshots/' + NOT_UUID, 404),
    Row('snapshot_show_id_unknown', 'GET', '/snapshots/' + UNKNOWN, 404),
    Row('snapshot_update_name_number', 'PUT', '/snapshots/$snapshot', 400,
        body={'snapshot': {'name': 5}}),
    Row('snapshot_update_without_snapshot_key', 'PUT',
        '/snapshots/$snapshot', 422, body={'name': 'x'}),
    Row('snapshot_create_snapshot_not_object', 'POST', '/snapshots', 422,
        body={'snapshot': '$share'}),
    Row('snapshot_delete_id_not_uuid', 'DELETE', '/snapshots/' + NOT_UUID,
        404),
    Row('snapshot_list_sort_key_unknown', 'GET',
        '/snapshots?sort_key=bogus', 400),
    Row('snapshot_list_sort_dir_bad', 'GET', '/snapshots?sort_dir=up', 400),
    Row('snapshot_list_limit_text', 'GET', '/snapshots?limit=abc', 400),
    Row('snapshot_list_offset_negative', 'GET', '/snapshots?offset=-1',
        400),
    Row('snapshot_list_offset_huge', 'GET', '/snapshots?offset=%d' % HUGE,
        400),
    Row('snapshot_list_marker_unknown', 'GET', '/snapshots?marker=nope',
        400),
    Row('snapshot_list_size_text', 'GET', '/snapshots?size=abc', 400),
    Row('snapshot_list_size_huge', 'GET', '/snapshots?size=%d' % HUGE, 400),
    Row('snapshot_list_two_sort_keys', 'GET',
        '/snapshots/detail?sort_key=name,id&sort_dir=asc', 200),
    Row('snapshot_action_unknown_name', 'POST', '/snapshots/$snapshot/action',
        400, body=_act('bogus', {})),
    Row('snapshot_action_two_keys', 'POST', '/snapshots/$snapshot/action',
        400, body={'reset_status': {'status': 'error'},
                   'force_delete': None}),
    Row('snapshot_reset_status_unknown', 'POST',
        '/snapshots/$snapshot/action', 400,
        body=_act('reset_status', {'status': 'bogus'})),
    Row('snapshot_reset_status_payload_string', 'POST',
        '/snapshots/$snapshot/action', 400, body=_act('reset_status', 'x')),
    Row('snapshot_action_id_not_uuid', 'POST',
        '/snapshots/%s/action' % NOT_UUID, 404,
        body=_act('force_delete', None)),
    Row('snapshot_collection_delete', 'DELETE', '/snapshots', 404),
    Row('snapshot_item_patch', 'PATCH', '/snapshots/$snapshot', 405),
    Row('snapshot_item_post', 'POST', '/snapshots/$snapshot', 404, body={}),
]

_DHSS = {'driver_handles_share_servers': False}


def _type(**fields):
    return {'share_type': dict({'name': 'bad-input-type',
                                'extra_specs': _DHSS}, **fields)}


TYPE_ROWS = [
    Row('type_create_malformed_json', 'POST', '/types', 400,
        raw='{"share_type": '),
    Row('type_create_json_array', 'POST', '/types', 400, raw='[]'),
    Row('type_create_empty_object', 'POST', '/types', 400, body={}),
    Row('type_create_type_not_object', 'POST', '/types', 400,
        body={'share_type': 'x'}),
    Row('type_create_name_number', 'POST', '/types', 400,
        body=_type(name=5)),
    Row('type_create_extra_specs_string', 'POST', '/types', 400,
        body=_type(extra_specs='x')),
    Row('type_create_without_dhss', 'POST', '/types', 400,
        body=_type(extra_specs={})),
    Row('type_create_dhss_maybe', 'POST', '/types', 400,
        body=_type(extra_specs={'driver_handles_share_servers': 'maybe'})),
    Row('type_create_spec_value_number', 'POST', '/types', 400,
        body=_type(extra_specs=dict(_DHSS, k=5))),
    Row('type_create_spec_key_bad', 'POST', '/types', 400,
        body=_type(extra_specs=dict(_DHSS, **{'bad key!': 'v'}))),
    Row('type_create_is_public_maybe', 'POST', '/types', 400,
        body=_type(**{'share_type_access:is_public': 'maybe'})),
    Row('type_create_name_taken', 'POST', '/types', 409,
        body=_type(name='default')),
    Row('type_update_name_number', 'PUT', '/types/$type', 400,
        body={'share_type': {'name': 5}}),
    Row('type_update_nothing', 'PUT', '/types/$type', 400,
        body={'share_type': {}}),
    Row('type_update_unknown', 'PUT', '/types/' + UNKNOWN, 404,
        body={'share_type': {'name': 'y'}}),
    Row('type_update_before_2_50', 'PUT', '/types/$type', 404,
        body={'share_type': {'name': 'y'}}, version='2.49'),
    Row('type_show_unknown', 'GET', '/types/' + UNKNOWN, 404),
    Row('type_delete_unknown', 'DELETE', '/types/' + UNKNOWN, 404),
    Row('type_list_is_public_maybe', 'GET', '/types?is_public=maybe', 400),
    Row('type_list_extra_specs_not_dict', 'GET', '/types?extra_specs=x',
        400),
    Row('type_action_unknown_name', 'POST', '/types/$type/action', 400,
        body=_act('bogus', {})),
    Row('type_action_two_keys', 'POST', '/types/$type/action', 400,
        body={'addProjectAccess': {'project': '$project'},
              'removeProjectAccess': {'project': '$project'}}),
    Row('type_access_project_not_uuid', 'POST', '/types/$type/action', 400,
        body=_act('addProjectAccess', {'project': 'not uuid'})),
    Row('type_access_payload_string', 'POST', '/types/$type/action', 400,
        body=_act('addProjectAccess', 'x')),
    Row('type_access_on_public_type', 'POST', '/types/default/action', 409,
        body=_act('addProjectAccess', {'project': '$project'})),
    Row('type_extra_specs_not_object', 'POST', '/types/$type/extra_specs',
        400, body={'extra_specs': 'x'}),
    Row('type_extra_spec_uri_mismatch', 'PUT', '/types/$type/extra_specs/k',
        400, body={'j': 'v'}),
    Row('type_extra_spec_unknown', 'GET', '/types/$type/extra_specs/nope',
        404),
    Row('type_extra_spec_delete_required', 'DELETE',
        '/types/$type/extra_specs/driver_handles_share_servers', 403),
    Row('type_collection_patch', 'PATCH', '/types', 405),
    Row('type_collection_delete', 'DELETE', '/types', 404),
    Row('type_default_post', 'POST', '/types/default', 404, body={}),
]


def _quota(**values):
    return {'quota_set': values}


QUOTA_ROWS = [
    Row('quota_update_malformed_json', 'PUT', '/quota-sets/$project', 400,
        raw='{"quota_set": '),
    Row('quota_update_json_array', 'PUT', '/quota-sets/$project', 400,
        raw='[]'),
    Row('quota_update_without_quota_set', 'PUT', '/quota-sets/$project',
        400, body={}),
    Row('quota_update_value_text', 'PUT', '/quota-sets/$project', 400,
        body=_quota(shares='abc')),
    Row('quota_update_value_below_unlimited', 'PUT', '/quota-sets/$project',
        400, body=_quota(shares=-2)),
    Row('quota_update_value_fraction', 'PUT', '/quota-sets/$project', 400,
        body=_quota(shares=1.5)),
    Row('quota_update_value_bool', 'PUT', '/quota-sets/$project', 400,
        body=_quota(shares=True)),
    Row('quota_update_value_beyond_db_int', 'PUT', '/quota-sets/$project',
        400, body=_quota(shares=TOO_BIG)),
    Row('quota_update_value_huge_string', 'PUT', '/quota-sets/$project',
        400, body=_quota(shares=str(HUGE))),
    Row('quota_update_unknown_key', 'PUT', '/quota-sets/$project', 400,
        body=_quota(bogus=1), message='Bad key(s)'),
    Row('quota_update_per_user', 'PUT', '/quota-sets/$project?user_id=u',
        400, body=_quota(shares=1)),
    Row('quota_update_project_id_too_long', 'PUT', '/quota-sets/' + 'p' * 300,
        400, body=_quota(shares=1)),
    Row('quota_show_user_and_type', 'GET',
        '/quota-sets/$project?share_type=x&user_id=y', 400),
    Row('quota_show_type_unknown', 'GET',
        '/quota-sets/$project?share_type=nope', 404),
    Row('quota_detail_before_2_25', 'GET', '/quota-sets/$project/detail',
        404, version='2.24'),
    Row('quota_show_without_project', 'GET', '/quota-sets', 404),
    Row('quota_legacy_url_after_2_6', 'GET', '/os-quota-sets/$project', 404),
    Row('quota_post', 'POST', '/quota-sets/$project', 405, body={}),
    Row('quota_patch', 'PATCH', '/quota-sets/$project', 405),
    Row('quota_class_update_unknown_key', 'PUT',
        '/quota-class-sets/default', 400,
        body={'quota_class_set': {'bogus': 1}}),
    Row('quota_class_update_value_huge', 'PUT', '/quota-class-sets/default',
        400, body={'quota_class_set': {'shares': TOO_BIG}}),
]

_SERVICE = {'host': 'nohost', 'binary': 'manila-bk-share'}

SERVICE_ROWS = [
    Row('service_enable_malformed_json', 'PUT', '/services/enable', 400,
        raw='{"host": '),
    Row('service_enable_json_array', 'PUT', '/services/enable', 400,
        raw='[]'),
    Row('service_enable_empty_object', 'PUT', '/services/enable', 400,
        body={}),
    Row('service_enable_host_number', 'PUT', '/services/enable', 400,
        body=dict(_SERVICE, host=5)),
    Row('service_enable_unknown', 'PUT', '/services/enable', 404,
        body=_SERVICE),
    Row('service_unknown_action', 'PUT', '/services/bogus', 404,
        body=_SERVICE),
    Row('service_enable_with_reason', 'PUT', '/services/enable', 400,
        body=dict(_SERVICE, disabled_reason='z')),
    Row('service_disable_reason_number', 'PUT', '/services/disable', 400,
        body=dict(_SERVICE, disabled_reason=5)),
    Row('service_list_before_2_7', 'GET', '/services', 404, version='2.6'),
    Row('service_legacy_url_after_2_6', 'GET', '/os-services', 404),
    Row('service_collection_post', 'POST', '/services', 405, body={}),
    Row('service_collection_patch', 'PATCH', '/services', 405),
    Row('service_enable_delete', 'DELETE', '/services/enable', 405),
]

GENERIC_ROWS = [
    Row('version_major_only', 'GET', '/shares', 400, version='2'),
    Row('version_word', 'GET', '/shares', 400, version='two'),
    Row('version_minor_letter', 'GET', '/shares', 400, version='2.x'),
    Row('version_leading_zero', 'GET', '/shares', 400, version='2.05'),
    Row('version_empty', 'GET', '/shares', 400, version=''),
    Row('version_generic_header_bad', 'GET', '/shares', 400, version=None,
        headers={'OpenStack-API-Version': 'shared-file-system 2.x'}),
    Row('version_1_0', 'GET', '/shares', 406, version='1.0'),
    Row('version_3_0', 'GET', '/shares', 406, version='3.0'),
    Row('version_2_999', 'GET', '/shares', 406, version='2.999'),
    Row('backups_without_experimental_header', 'GET', '/share-backups',
        404, version='2.80'),
    Row('url_project_foreign', 'GET', '/%s/shares' % uuid.uuid4().hex, 400,
        token=TOKEN_A, message='Malformed request url'),
    Row('url_project_own', 'GET', '/$project/shares', 200, token=TOKEN_A),
    Row('collection_unknown', 'GET', '/nope', 404),
    Row('body_too_large_share', 'POST', '/shares', 413, raw=BIG_BODY),
    Row('body_too_large_snapshot', 'POST', '/snapshots', 413, raw=BIG_BODY),
    Row('body_too_large_type', 'POST', '/types', 413, raw=BIG_BODY),
    Row('body_too_large_quota', 'PUT', '/quota-sets/$project', 413,
        raw=BIG_BODY),
    Row('body_too_large_service', 'PUT', '/services/enable', 413,
        raw=BIG_BODY),
    Row('body_too_large_action', 'POST', '/shares/$share/action', 413,
        raw=BIG_BODY),
    Row('body_nested_too_deep', 'POST', '/shares', 400, raw=DEEP_JSON),
    # Found by reliability/test_hostile_strings.py and test_fuzz.py
    # (500s before).
    Row('body_nested_too_deep_empty_content_type', 'POST', '/shares', 400,
        raw=DEEP_JSON, headers={'Content-Type': ''}),
    # requests escapes a lone surrogate as JSON allows: "\ud800x".
    Row('body_lone_surrogate_in_name', 'POST', '/shares', 400,
        body=_share(name='\ud800x'), message='surrogate'),
    Row('body_nul_in_name', 'POST', '/shares', 400,
        body=_share(name='a\x00b'), message='NUL'),
    Row('body_nul_in_metadata_key', 'POST', '/shares/$share/metadata', 400,
        body={'metadata': {'k\x00': 'v'}}, message='NUL'),
    Row('body_lone_surrogate_backup_name', 'POST', '/share-backups', 400,
        body={'share_backup': {'share_id': '$share', 'name': '\udfff'}},
        headers={'X-OpenStack-Manila-API-Experimental': 'True'}),
    Row('body_lone_surrogate_snapshot_description', 'PUT',
        '/snapshots/$snapshot', 400,
        body={'snapshot': {'description': '\ud83d'}}),
    Row('path_nul', 'GET', '/types/%00', 400,
        message='Malformed request url'),
    Row('query_nul', 'GET', '/shares?name=a%00', 400,
        message='Malformed request url'),
    Row('body_not_utf8', 'POST', '/shares', 400, raw=b'\xff\xfe{}'),
    Row('body_unknown_charset', 'POST', '/shares', 400, raw='{}',
        headers={'Content-Type': 'application/json; charset=bogus'}),
    Row('body_form_not_utf8', 'POST', '/shares', 400, raw=b'a=\xff',
        headers={'Content-Type': 'application/x-www-form-urlencoded'}),
    Row('body_text_plain', 'POST', '/shares', 400, raw='{}',
        headers={'Content-Type': 'text/plain'}),
    Row('path_not_utf8', 'GET', '/shares/%ff', 400),
    Row('query_not_utf8', 'GET', '/shares?name=%ff%fe', 400),
    Row('noauth_project_id_too_long', 'GET', '/shares', 401,
        token='u:' + 'p' * 300),
]

ROWS = (SHARE_ROWS + SNAPSHOT_ROWS + TYPE_ROWS + QUOTA_ROWS + SERVICE_ROWS
        + GENERIC_ROWS)


class BadInputTestCase(LiveAPIMixin, testtools.TestCase):
    """Each row of ROWS against one manila-bk-all."""

    @classmethod
    def prepare(cls):
        cls.names['project'] = uuid.uuid4().hex
        cls.wait_for_pools()
        cls.names['share'] = cls.create_share(name='bad-input')
        cls.names['snapshot'] = cls.create_snapshot(cls.names['share'])
        response = cls.call('POST', '/types', _type(
            name='private-%s' % uuid.uuid4().hex[:6],
            **{'share_type_access:is_public': False}))
        assert response.status_code == 200, response.text
        cls.names['type'] = response.json()['share_type']['id']

    def check_row(self, row):
        response = self.call(row.method, row.path, body=row.body,
                             raw=row.raw, version=row.version,
                             headers=row.headers, token=row.token)
        if row.status >= 400:
            self.assertFault(response, row.status, row.message)
        else:
            self.assertEqual(row.status, response.status_code, response.text)
            self.assertIsInstance(response.json(), dict)


def _row_test(row):
    def test(self):
        self.check_row(row)
    test.__doc__ = '%s %s answers %d.' % (row.method, row.path, row.status)
    return test


def _add_row_tests(cls, rows):
    for row in rows:
        name = 'test_%s_gives_%d' % (row.name, row.status)
        if hasattr(cls, name):
            raise ValueError('two rows are named %s' % row.name)
        setattr(cls, name, _row_test(row))


_add_row_tests(BadInputTestCase, ROWS)
