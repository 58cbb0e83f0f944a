"""Project isolation of lists, types, quotas and services over HTTP.

noauth tokens ``user:project`` with ``X-Roles`` make the personas: a member
and a reader of project A, a member of project B and an admin.  A owns a
share and a snapshot; an admin-made private share type is open to A only.

* lists show each persona only what it may see; the admin with
  all_tenants=1 sees both projects' shares;
* members cannot change quotas (403);
* the private type is visible to and usable by A, and absent for B.

Every action on a share, snapshot or backup against every persona is in
test_security_matrix, which shares PERSONAS with this module.  Every row
of a table becomes one test, named after the row.
"""

import uuid

import testtools

from manila_bk.tests.functional import test_api_bad_input as live

PROJECT_A = uuid.uuid4().hex
PROJECT_B = uuid.uuid4().hex
PERSONAS = {
    'a_member': ('alice:%s' % PROJECT_A, 'member'),
    'a_reader': ('rita:%s' % PROJECT_A, 'reader'),
    'b_member': ('bob:%s' % PROJECT_B, 'member'),
    'admin': ('root:admin', 'admin'),
}
POLICY_REFUSAL = "Policy doesn't allow"


def _act(name, payload=None):
    return {name: payload}


# (row name, persona, path, resource key, ids that must be listed,
#  ids that must not be listed)
LISTS = [
    ('b_lists_shares', 'b_member', '/shares', 'shares', ['b_share'],
     ['share']),
    ('b_lists_share_details', 'b_member', '/shares/detail', 'shares',
     ['b_share'], ['share']),
    ('b_lists_shares_of_all_tenants', 'b_member', '/shares?all_tenants=1',
     'shares', ['b_share'], ['share']),
    ('b_lists_shares_of_a', 'b_member', '/shares?project_id=$project_a',
     'shares', [], ['share']),
    ('b_lists_snapshots', 'b_member', '/snapshots/detail', 'snapshots', [],
     ['snapshot']),
    ('a_reader_lists_shares', 'a_reader', '/shares', 'shares', ['share'],
     ['b_share']),
    ('a_reader_lists_snapshots', 'a_reader', '/snapshots', 'snapshots',
     ['snapshot'], []),
    ('admin_lists_all_tenants', 'admin', '/shares?all_tenants=1', 'shares',
     ['share', 'b_share'], []),
    ('admin_lists_snapshots_of_all_tenants', 'admin',
     '/snapshots?all_tenants=1', 'snapshots', ['snapshot'], []),
    ('admin_lists_own_project', 'admin', '/shares', 'shares', [],
     ['share', 'b_share']),
    ('admin_lists_project_a', 'admin', '/shares?project_id=$project_a',
     'shares', ['share'], ['b_share']),
    ('a_member_lists_types', 'a_member', '/types', 'share_types',
     ['type'], []),
    ('b_member_lists_types', 'b_member', '/types', 'share_types', [],
     ['type']),
    ('b_member_lists_all_types', 'b_member', '/types?is_public=all',
     'share_types', [], ['type']),
    ('admin_lists_all_types', 'admin', '/types?is_public=all',
     'share_types', ['type'], []),
]

# (row name, persona, method, path, body, status) of everything else.
OTHERS = [
    ('a_member_shows_private_type', 'a_member', 'GET', '/types/$type', None,
     200),
    ('b_member_shows_private_type', 'b_member', 'GET', '/types/$type', None,
     404),
    ('b_member_reads_private_type_specs', 'b_member', 'GET',
     '/types/$type/extra_specs', None, 404),
    ('b_member_creates_share_of_private_type', 'b_member', 'POST',
     '/shares', {'share': {'share_proto': 'NFS', 'size': 1,
                           'share_type': '$type'}}, 404),
    ('a_member_lists_type_access', 'a_member', 'GET',
     '/types/$type/share_type_access', None, 403),
    ('a_member_adds_type_access', 'a_member', 'POST', '/types/$type/action',
     _act('addProjectAccess', {'project': '$project_b'}), 403),
    ('a_member_creates_type', 'a_member', 'POST', '/types',
     {'share_type': {'name': 'mine', 'extra_specs': {
         'driver_handles_share_servers': False}}}, 403),
    ('a_member_updates_own_quota', 'a_member', 'PUT',
     '/quota-sets/$project_a', {'quota_set': {'shares': 100}}, 403),
    ('a_member_deletes_own_quota', 'a_member', 'DELETE',
     '/quota-sets/$project_a', None, 403),
    ('a_reader_updates_own_quota', 'a_reader', 'PUT',
     '/quota-sets/$project_a', {'quota_set': {'shares': 100}}, 403),
    ('b_member_updates_quota_of_a', 'b_member', 'PUT',
     '/quota-sets/$project_a', {'quota_set': {'shares': 100}}, 403),
    ('b_member_shows_quota_of_a', 'b_member', 'GET',
     '/quota-sets/$project_a', None, 403),
    ('a_member_updates_quota_class', 'a_member', 'PUT',
     '/quota-class-sets/default', {'quota_class_set': {'shares': 1}}, 403),
    ('a_reader_shows_own_quota', 'a_reader', 'GET',
     '/quota-sets/$project_a', None, 200),
    ('a_member_lists_services', 'a_member', 'GET', '/services', None, 403),
    ('a_member_disables_service', 'a_member', 'PUT', '/services/disable',
     {'host': 'x', 'binary': 'manila-bk-share'}, 403),
    ('a_reader_creates_share', 'a_reader', 'POST', '/shares',
     {'share': {'share_proto': 'NFS', 'size': 1}}, 403),
    ('b_member_uses_url_of_a', 'b_member', 'GET', '/$project_a/shares',
     None, 400),
    ('a_reader_uses_own_url', 'a_reader', 'GET', '/$project_a/shares/$share',
     None, 200),
    ('b_member_lists_access_rules_of_a', 'b_member', 'GET',
     '/share-access-rules?share_id=$share', None, 400),
]


class IsolationTestCase(live.LiveAPIMixin, testtools.TestCase):
    """The personas against one manila-bk-all."""

    @classmethod
    def prepare(cls):
        cls.names.update(project_a=PROJECT_A, project_b=PROJECT_B)
        cls.wait_for_pools()
        a_token, a_roles = PERSONAS['a_member']
        cls.names['share'] = cls.create_share(
            a_token, a_roles, name='a-share', metadata={'owner': 'a'})
        cls.names['snapshot'] = cls.create_snapshot(cls.names['share'],
                                                    a_token, a_roles)
        cls.names['b_share'] = cls.create_share(*PERSONAS['b_member'],
                                                name='b-share')
        response = cls.as_persona('admin', 'POST', '/types', {
            'share_type': {'name': 'private-a',
                           'share_type_access:is_public': False,
                           'extra_specs': {
                               'driver_handles_share_servers': False,
                               'snapshot_support': True}}})
        assert response.status_code == 200, response.text
        cls.names['type'] = response.json()['share_type']['id']
        response = cls.as_persona(
            'admin', 'POST', '/types/$type/action',
            _act('addProjectAccess', {'project': PROJECT_A}))
        assert response.status_code == 202, response.text

    @classmethod
    def as_persona(cls, persona, method, path, body=live.DEFAULT):
        token, roles = PERSONAS[persona]
        return cls.call(method, path, body, token=token, roles=roles)

    def check_list(self, persona, path, key, present, absent):
        response = self.as_persona(persona, 'GET', path)
        self.assertEqual(200, response.status_code, response.text)
        listed = {item['id'] for item in response.json()[key]}
        for name in present:
            self.assertIn(self.names[name], listed, name)
        for name in absent:
            self.assertNotIn(self.names[name], listed, name)

    def check_other(self, persona, method, path, body, status):
        response = self.as_persona(persona, method, path,
                                   live.DEFAULT if body is None else body)
        if status < 400:
            self.assertEqual(status, response.status_code, response.text)
        else:
            self.assertFault(response, status)

    def test_a_member_creates_share_of_private_type(self):
        share_id = self.create_share(*PERSONAS['a_member'],
                                     share_type=self.names['type'])
        share = self.as_persona('a_reader', 'GET',
                                '/shares/%s' % share_id).json()['share']
        self.assertEqual(self.names['type'], share['share_type'])


def _add(name, function):
    if hasattr(IsolationTestCase, name):
        raise ValueError('two rows make %s' % name)
    setattr(IsolationTestCase, name, function)


def _list_test(row):
    def test(self):
        self.check_list(*row[1:])
    return test


def _other_test(row):
    def test(self):
        self.check_other(*row[1:])
    return test


for _row in LISTS:
    _add('test_%s_shows_only_visible' % _row[0], _list_test(_row))
for _row in OTHERS:
    _add('test_%s_gives_%d' % (_row[0], _row[-1]), _other_test(_row))
