"""Share access: allow/deny/list actions and /v2/share-access-rules."""

from manila_bk.api.controllers.v2 import share_access
from manila_bk import exception
from manila_bk.tests.unit.api.v2 import fakes

URL = '/v2/shares/%s/action' % fakes.SHARE_ID


class AllowDenyAccessTest(fakes.ControllerTestCase):

    def setUp(self):
        super().setUp()
        self.get = self.patch_share_api('get', return_value=fakes.share())
        self.allow = self.patch_share_api('allow_access',
                                          return_value=fakes.access_rule())

    def _allow(self, version='2.91', **access):
        body = {'access_type': 'ip', 'access_to': '10.0.0.0/24'}
        body.update(access)
        legacy = int(version.split('.')[1]) < 7
        name = 'os-allow_access' if legacy else 'allow_access'
        return self.request('POST', URL, {name: body}, version=version)

    def test_allow_access_answers_200_with_rule(self):
        response = self._allow(access_level='ro')
        self.assertEqual(200, response.status)
        access = response.json['access']
        self.assertEqual(
            {'id', 'share_id', 'access_level', 'access_to', 'access_type',
             'state', 'access_key', 'created_at', 'updated_at', 'metadata'},
            set(access))
        self.assertEqual({}, access['metadata'])
        self.allow.assert_called_once_with(self.ctx, fakes.SHARE_ID, 'ip',
                                           '10.0.0.0/24', 'ro',
                                           allow_on_error_state=True)

    def test_allow_access_on_error_state_from_2_74(self):
        self._allow(version='2.73')
        self.assertIs(False,
                      self.allow.call_args.kwargs['allow_on_error_state'])

    def test_allow_access_defaults_to_rw(self):
        self._allow()
        self.assertEqual('rw', self.allow.call_args.args[4])

    def test_allow_access_legacy_view_has_fewer_keys(self):
        response = self._allow(version='2.6')
        self.assertEqual({'id', 'share_id', 'access_level', 'access_to',
                          'access_type', 'state'},
                         set(response.json['access']))

    def test_allow_access_invalid_rules_are_400(self):
        cases = [
            {'access_to': '10.0.0.0/33'},
            {'access_type': 'user', 'access_to': 'ab'},
            {'access_type': 'cert', 'access_to': ''},
            {'access_type': 'cephx', 'access_to': 'client.x'},
            {'access_type': 'bogus', 'access_to': 'x'},
            {'access_level': 'rx'},
            {'metadata': {'k': 'v'}},
            {'lock_deletion': True},
            {'lock_reason': 'why'},
        ]
        for access in cases:
            self.assertFault(self._allow(**access), 400)
        self.allow.assert_not_called()

    def test_allow_access_ipv6_needs_2_38(self):
        self.assertFault(self._allow(version='2.37', access_to='fd00::/64'),
                         400)
        self.assertEqual(200, self._allow(access_to='fd00::/64').status)

    def test_allow_access_cephx_needs_2_13(self):
        body = {'access_type': 'cephx', 'access_to': 'alice'}
        self.assertFault(self._allow(version='2.12', **body), 400)
        self.assertEqual(200, self._allow(version='2.13', **body).status)

    def test_allow_access_soft_deleted_share_is_403(self):
        self.get.return_value = fakes.share(is_soft_deleted=True)
        self.assertFault(self._allow(), 403)

    def test_deny_access_answers_202(self):
        deny = self.patch_share_api('deny_access')
        response = self.request('POST', URL,
                                {'deny_access': {'access_id': fakes.RULE_ID}})
        self.assertEqual(202, response.status)
        deny.assert_called_once_with(self.ctx, fakes.SHARE_ID,
                                     fakes.RULE_ID,
                                     allow_on_error_state=True)

    def test_deny_access_unknown_rule_is_404(self):
        self.patch_share_api('deny_access',
                             side_effect=exception.AccessRuleNotFound(
                                 access_id='x'))
        response = self.request('POST', URL,
                                {'deny_access': {'access_id': 'x'}})
        self.assertFault(response, 404)

    def test_deny_access_without_id_is_400(self):
        self.assertFault(self.request('POST', URL, {'deny_access': {}}), 400)

    def test_access_list_action(self):
        self.patch_share_api('access_list', return_value=[
            fakes.access_rule(state='queued_to_apply')])
        response = self.request('POST', URL, {'os-access_list': None},
                                version='2.0')
        rule, = response.json['access_list']
        self.assertEqual({'id', 'access_level', 'access_to', 'access_type',
                          'state'}, set(rule))
        self.assertEqual('new', rule['state'])


class ShareAccessRulesTest(fakes.ControllerTestCase):

    def setUp(self):
        super().setUp()
        self.get = self.patch_share_api('get', return_value=fakes.share())
        self.rules = [fakes.access_rule(),
                      fakes.access_rule(id='r2', access_level='ro',
                                        access_to='10.1.0.0/16')]
        self.list = self.patch_share_api('access_list',
                                         return_value=self.rules)

    def test_list_rules_of_share(self):
        response = self.request(
            'GET', '/v2/share-access-rules?share_id=%s' % fakes.SHARE_ID)
        self.assertEqual(200, response.status)
        self.assertEqual([fakes.RULE_ID, 'r2'],
                         [r['id'] for r in response.json['access_list']])
        self.list.assert_called_once_with(self.ctx, fakes.SHARE_ID)

    def test_list_filters_from_2_82(self):
        url = ('/v2/share-access-rules?share_id=%s&access_level=ro'
               % fakes.SHARE_ID)
        response = self.request('GET', url)
        self.assertEqual(['r2'],
                         [r['id'] for r in response.json['access_list']])
        response = self.request('GET', url, version='2.81')
        self.assertEqual(2, len(response.json['access_list']))

    def test_list_bad_filters_are_400(self):
        for query in ('access_level=rx', 'access_type=bogus',
                      'access_to=1.1.1.1'):
            response = self.request(
                'GET', '/v2/share-access-rules?share_id=%s&%s'
                % (fakes.SHARE_ID, query))
            self.assertFault(response, 400)

    def test_list_metadata_filter_matches_nothing(self):
        response = self.request(
            'GET', "/v2/share-access-rules?share_id=%s&metadata={'k':'v'}"
            % fakes.SHARE_ID)
        self.assertEqual([], response.json['access_list'])

    def test_list_without_share_id_is_400(self):
        self.assertFault(self.request('GET', '/v2/share-access-rules'), 400)

    def test_list_unknown_share_is_400(self):
        self.get.side_effect = exception.ShareNotFound(share_id='x')
        response = self.request(
            'GET', '/v2/share-access-rules?share_id=%s' % fakes.SHARE_ID)
        self.assertFault(response, 400)

    def test_rules_api_needs_2_45(self):
        response = self.request(
            'GET', '/v2/share-access-rules?share_id=%s' % fakes.SHARE_ID,
            version='2.44')
        self.assertFault(response, 404)

    def test_show_rule(self):
        get_rule = self.patch_share_api('access_get',
                                        return_value=fakes.access_rule())
        response = self.request('GET',
                                '/v2/share-access-rules/%s' % fakes.RULE_ID)
        self.assertEqual(fakes.SHARE_ID, response.json['access']['share_id'])
        get_rule.assert_called_once_with(self.ctx, fakes.RULE_ID)

    def test_show_non_uuid_rule_is_404(self):
        self.patch_share_api('access_get', side_effect=fakes.not_called())
        self.assertFault(self.request('GET', '/v2/share-access-rules/1'),
                         404)


class ValidateAccessTest(fakes.ViewTestCase):

    def test_valid_rules_pass(self):
        share_access.validate_access('ip', '10.0.0.1', False, False)
        share_access.validate_access('ip', '::1', False, True)
        share_access.validate_access('user', 'alice', False, False)
        share_access.validate_access('cert', 'cn', False, False)
        share_access.validate_access('cephx', 'alice', True, False)

    def test_invalid_rules_fail(self):
        for args in (('ip', '::1', False, False),
                     ('user', '....', False, False),
                     ('cephx', '', True, True),
                     ('cert', 'x' * 65, False, False)):
            self.assertRaises(exception.Invalid,
                              share_access.validate_access, *args)
