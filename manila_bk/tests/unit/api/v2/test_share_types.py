"""/v2/types: share types, extra specs, project access, and the views."""

from manila_bk.api.views import share_types as views
from manila_bk import exception
from manila_bk.tests.unit.api.v2 import fakes

TYPE_URL = '/v2/types/%s' % fakes.TYPE_ID
DHSS = 'driver_handles_share_servers'


class ShareTypeViewTest(fakes.ViewTestCase):

    def _view(self, version, ctx=None, **kw):
        self.use(version, ctx)
        return views.trimmed(fakes.share_type(**kw))

    def test_view_at_2_0(self):
        view = self._view('2.0')
        self.assertEqual({'id', 'name', 'extra_specs', 'required_extra_specs',
                          'os-share-type-access:is_public'}, set(view))

    def test_view_at_2_91(self):
        view = self._view('2.91')
        self.assertEqual({'id', 'name', 'extra_specs', 'required_extra_specs',
                          'share_type_access:is_public', 'description',
                          'is_default'}, set(view))
        self.assertIs(True, view['is_default'])
        self.assertEqual({DHSS: 'False'}, view['required_extra_specs'])

    def test_member_sees_inferred_specs_from_2_24(self):
        view = self._view('2.24')
        self.assertEqual({DHSS: 'False', 'snapshot_support': 'True',
                          'create_share_from_snapshot_support': False,
                          'revert_to_snapshot_support': False,
                          'mount_snapshot_support': False},
                         view['extra_specs'])
        self.assertEqual({DHSS: 'False', 'snapshot_support': 'True'},
                         self._view('2.23')['extra_specs'])

    def test_member_does_not_see_private_specs(self):
        specs = {DHSS: 'False', 'vendor:secret': 'x'}
        view = self._view('2.23', extra_specs=specs)
        self.assertEqual({DHSS: 'False'}, view['extra_specs'])
        admin_view = self._view('2.91', fakes.admin_context(),
                                extra_specs=specs)
        self.assertEqual(specs, admin_view['extra_specs'])

    def test_is_default_false_for_other_types(self):
        self.assertIs(False, self._view('2.46', name='gold')['is_default'])

    def test_show_and_index_duplicate_under_volume_type(self):
        self.use('2.91')
        show = views.show(fakes.share_type())
        self.assertEqual(show['share_type'], show['volume_type'])
        index = views.index([fakes.share_type()])
        self.assertEqual(index['share_types'], index['volume_types'])


class ShareTypesControllerTest(fakes.ControllerTestCase):

    def setUp(self):
        super().setUp()
        self.admin = fakes.admin_context()
        self.get = self.patch_types_api('get',
                                        return_value=fakes.share_type())

    def test_index_member_sees_public(self):
        get_all = self.patch_types_api('get_all',
                                       return_value=[fakes.share_type()])
        response = self.request('GET', '/v2/types?is_public=all')
        self.assertEqual(1, len(response.json['share_types']))
        self.assertEqual({'is_public': 'true'},
                         get_all.call_args.kwargs['search_opts'])

    def test_index_admin_is_public_filter(self):
        get_all = self.patch_types_api('get_all', return_value=[])
        for value, expected in (('all', 'all'), ('false', 'false'),
                                (None, 'true')):
            query = '' if value is None else '?is_public=%s' % value
            self.request('GET', '/v2/types' + query, ctx=self.admin)
            self.assertEqual(expected, get_all.call_args.kwargs[
                'search_opts']['is_public'])

    def test_index_extra_specs_filter_needs_2_43(self):
        get_all = self.patch_types_api('get_all', return_value=[])
        url = "/v2/types?extra_specs={'snapshot_support':True}"
        self.assertFault(self.request('GET', url, version='2.42'), 400)
        self.request('GET', url)
        self.assertEqual({'snapshot_support': 'True'},
                         get_all.call_args.kwargs['search_opts'][
                             'extra_specs'])

    def test_show(self):
        response = self.request('GET', TYPE_URL)
        self.assertEqual(fakes.TYPE_ID, response.json['share_type']['id'])
        self.get.assert_called_once_with(self.ctx, fakes.TYPE_ID)

    def test_show_unknown_is_404(self):
        self.get.side_effect = exception.ShareTypeNotFound(share_type_id='x')
        self.assertFault(self.request('GET', '/v2/types/x'), 404)

    def test_default(self):
        self.patch_types_api('get_default', return_value=fakes.share_type())
        response = self.request('GET', '/v2/types/default')
        self.assertEqual('default', response.json['share_type']['name'])

    def test_default_missing_is_404(self):
        self.patch_types_api('get_default', return_value=None)
        self.assertFault(self.request('GET', '/v2/types/default'), 404)

    def _create(self, share_type, version='2.91', ctx=None):
        return self.request('POST', '/v2/types', {'share_type': share_type},
                            version=version, ctx=ctx or self.admin)

    def test_create_accepts_bools_and_strings(self):
        create = self.patch_types_api('create',
                                      return_value=fakes.share_type())
        response = self._create({
            'name': 'gold', 'description': 'd',
            'share_type_access:is_public': False,
            'extra_specs': {DHSS: False, 'snapshot_support': 'True'}})
        self.assertEqual(200, response.status)
        create.assert_called_once_with(
            self.admin, name='gold', description='d', is_public=False,
            extra_specs={DHSS: 'False', 'snapshot_support': 'True'})

    def test_create_before_2_24_defaults_snapshot_support(self):
        create = self.patch_types_api('create',
                                      return_value=fakes.share_type())
        self._create({'name': 'gold', 'extra_specs': {DHSS: 'false'},
                      'os-share-type-access:is_public': 'true'},
                     version='2.23')
        kwargs = create.call_args.kwargs
        self.assertEqual({DHSS: 'false', 'snapshot_support': 'True'},
                         kwargs['extra_specs'])
        self.assertIs(True, kwargs['is_public'])

    def test_create_invalid_bodies_are_400(self):
        create = self.patch_types_api('create', side_effect=AssertionError)
        bodies = [
            {'name': 'gold', 'extra_specs': {}},
            {'name': 'gold', 'extra_specs': {DHSS: 'maybe'}},
            {'name': '', 'extra_specs': {DHSS: False}},
            {'extra_specs': {DHSS: False}},
            {'name': 'g', 'extra_specs': {DHSS: False, 'bad key!': 'x'}},
            {'name': 'g', 'extra_specs': {DHSS: False,
                                          'snapshot_support': 'yes!'}},
            {'name': 'g', 'extra_specs': {DHSS: False, 'x': ''}},
            {'name': 'g', 'extra_specs': {DHSS: False, 'x': 1}},
            {'name': 'g', 'extra_specs': {DHSS: False},
             'share_type_access:is_public': 'maybe'},
        ]
        for body in bodies:
            self.assertFault(self._create(body), 400)
        create.assert_not_called()

    def test_create_description_needs_2_41(self):
        body = {'name': 'g', 'description': 'd', 'extra_specs': {DHSS: 'f'}}
        self.assertFault(self._create(body, version='2.40'), 400)

    def test_create_as_member_is_403(self):
        response = self._create({'name': 'g', 'extra_specs': {DHSS: 'f'}},
                                ctx=self.ctx)
        self.assertFault(response, 403)

    def test_update_needs_2_50(self):
        update = self.patch_types_api('update',
                                      return_value=fakes.share_type())
        body = {'share_type': {'name': 'new',
                               'share_type_access:is_public': 'false'}}
        self.assertFault(self.request('PUT', TYPE_URL, body, version='2.49',
                                      ctx=self.admin), 404)
        response = self.request('PUT', TYPE_URL, body, ctx=self.admin)
        self.assertEqual(200, response.status)
        update.assert_called_once_with(self.admin, fakes.TYPE_ID,
                                       name='new', description=None,
                                       is_public=False)

    def test_update_nothing_is_400(self):
        self.patch_types_api('update', side_effect=AssertionError)
        response = self.request('PUT', TYPE_URL, {'share_type': {}},
                                ctx=self.admin)
        self.assertFault(response, 400)

    def test_delete_answers_202(self):
        delete = self.patch_types_api('delete')
        response = self.request('DELETE', TYPE_URL, ctx=self.admin)
        self.assertEqual(202, response.status)
        delete.assert_called_once_with(self.admin, fakes.TYPE_ID)

    def test_delete_type_in_use_is_400(self):
        self.patch_types_api('delete', side_effect=exception.ShareTypeInUse(
            share_type_id=fakes.TYPE_ID))
        self.assertFault(self.request('DELETE', TYPE_URL, ctx=self.admin),
                         400)


class ShareTypeAccessTest(fakes.ControllerTestCase):

    def setUp(self):
        super().setUp()
        self.admin = fakes.admin_context()
        self.get = self.patch_types_api('get', return_value=fakes.share_type(
            is_public=False))
        self.project = 'f' * 32

    def test_list_access(self):
        self.patch_types_api('access_list', return_value=[self.project])
        for path in ('share_type_access', 'os-share-type-access'):
            response = self.request('GET', '%s/%s' % (TYPE_URL, path),
                                    ctx=self.admin)
            self.assertEqual(
                {'share_type_access': [{'share_type_id': fakes.TYPE_ID,
                                        'project_id': self.project}]},
                response.json)

    def test_list_access_of_public_type_is_404(self):
        self.get.return_value = fakes.share_type()
        response = self.request('GET', TYPE_URL + '/share_type_access',
                                ctx=self.admin)
        self.assertFault(response, 404)

    def test_add_and_remove_access(self):
        add = self.patch_types_api('add_access')
        remove = self.patch_types_api('remove_access')
        for action, mock in (('addProjectAccess', add),
                             ('removeProjectAccess', remove)):
            response = self.request(
                'POST', TYPE_URL + '/action',
                {action: {'project': self.project}}, ctx=self.admin)
            self.assertEqual(202, response.status)
            mock.assert_called_once_with(self.admin, fakes.TYPE_ID,
                                         self.project)

    def test_add_access_bad_project_is_400(self):
        self.patch_types_api('add_access', side_effect=AssertionError)
        response = self.request('POST', TYPE_URL + '/action',
                                {'addProjectAccess': {'project': 'bad'}},
                                ctx=self.admin)
        self.assertFault(response, 400)

    def test_add_access_to_public_type_is_409(self):
        self.get.return_value = fakes.share_type()
        response = self.request(
            'POST', TYPE_URL + '/action',
            {'addProjectAccess': {'project': self.project}}, ctx=self.admin)
        self.assertFault(response, 409, 'conflictingRequest')

    def test_unknown_type_action_is_400(self):
        response = self.request('POST', TYPE_URL + '/action',
                                {'bogus': {}}, ctx=self.admin)
        self.assertFault(response, 400)


class ExtraSpecsTest(fakes.ControllerTestCase):

    def setUp(self):
        super().setUp()
        self.admin = fakes.admin_context()
        self.patch_types_api('get', return_value=fakes.share_type())
        self.specs = self.patch_types_api(
            'get_extra_specs', return_value={DHSS: 'False', 'a': 'b'})
        self.set_specs = self.patch_types_api('set_extra_specs')

    def test_index(self):
        response = self.request('GET', TYPE_URL + '/extra_specs')
        self.assertEqual({'extra_specs': {DHSS: 'False', 'a': 'b'}},
                         response.json)

    def test_show_item_and_missing_item(self):
        self.assertEqual({'a': 'b'},
                         self.request('GET', TYPE_URL + '/extra_specs/a')
                         .json)
        self.assertFault(self.request('GET', TYPE_URL + '/extra_specs/x'),
                         404)

    def test_create_returns_request_specs(self):
        body = {'extra_specs': {'snapshot_support': True, 'x': 'y'}}
        response = self.request('POST', TYPE_URL + '/extra_specs', body,
                                ctx=self.admin)
        self.assertEqual(body, response.json)
        self.set_specs.assert_called_once_with(
            self.admin, fakes.TYPE_ID, {'snapshot_support': 'True',
                                        'x': 'y'})

    def test_update_item(self):
        response = self.request('PUT', TYPE_URL + '/extra_specs/x',
                                {'x': 'z'}, ctx=self.admin)
        self.assertEqual({'x': 'z'}, response.json)
        response = self.request('PUT', TYPE_URL + '/extra_specs/x',
                                {'y': 'z'}, ctx=self.admin)
        self.assertFault(response, 400)

    def test_delete_item(self):
        unset = self.patch_types_api('unset_extra_spec')
        response = self.request('DELETE', TYPE_URL + '/extra_specs/a',
                                ctx=self.admin)
        self.assertEqual(202, response.status)
        unset.assert_called_once_with(self.admin, fakes.TYPE_ID, 'a')

    def test_delete_required_spec_is_403(self):
        self.patch_types_api('unset_extra_spec', side_effect=AssertionError)
        response = self.request('DELETE', TYPE_URL + '/extra_specs/' + DHSS,
                                ctx=self.admin)
        self.assertFault(response, 403)
        response = self.request(
            'DELETE', TYPE_URL + '/extra_specs/snapshot_support',
            ctx=self.admin, version='2.23')
        self.assertFault(response, 403)

    def test_change_as_member_is_403(self):
        response = self.request('POST', TYPE_URL + '/extra_specs',
                                {'extra_specs': {'x': 'y'}})
        self.assertFault(response, 403)
        self.set_specs.assert_not_called()
