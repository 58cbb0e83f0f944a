"""/v2/shares: list, show, create, update, delete."""

from unittest import mock

from manila_bk import exception
from manila_bk.tests.unit.api.v2 import fakes


class ShareListTest(fakes.ControllerTestCase):

    def setUp(self):
        super().setUp()
        self.get_all = self.patch_share_api(
            'get_all', return_value=[fakes.share()])

    def test_list_returns_summaries(self):
        response = self.request('GET', '/v2/shares')
        self.assertEqual(200, response.status)
        self.assertEqual({'id', 'name', 'links'},
                         set(response.json['shares'][0]))
        self.assertEqual('2.91', response.headers[
            'X-OpenStack-Manila-API-Version'])

    def test_detail_passes_filters_and_default_sort(self):
        response = self.request(
            'GET', "/v2/shares/detail?name~=sha&status=available"
                   "&is_public=True&is_soft_deleted=true&share_type_id=t"
                   "&metadata=%7B'k':'v'%7D&export_location_path=/p"
                   "&unknown=x")
        self.assertEqual(200, response.status)
        self.assertIn('revert_to_snapshot_support',
                      response.json['shares'][0])
        _ctx, = self.get_all.call_args.args
        kwargs = self.get_all.call_args.kwargs
        self.assertEqual({'name~': 'sha', 'status': 'available',
                          'is_public': True, 'is_soft_deleted': True,
                          'share_type_id': 't', 'metadata': {'k': 'v'},
                          'export_location_path': '/p'},
                         kwargs['search_opts'])
        self.assertEqual('created_at', kwargs['sort_key'])
        self.assertEqual('desc', kwargs['sort_dir'])

    def test_list_drops_filters_newer_than_the_request(self):
        self.request('GET', '/v2/shares/detail?name~=x&is_soft_deleted=1'
                            '&export_location_id=e', version='2.34')
        self.assertEqual({}, self.get_all.call_args.kwargs['search_opts'])

    def test_list_sort_alias_name_sorts_by_display_name(self):
        self.request('GET', '/v2/shares?sort_key=name&sort_dir=asc')
        kwargs = self.get_all.call_args.kwargs
        self.assertEqual('display_name', kwargs['sort_key'])
        self.assertEqual('asc', kwargs['sort_dir'])

    def test_list_unknown_sort_key_is_400(self):
        response = self.request('GET', '/v2/shares?sort_key=bogus')
        self.assertFault(response, 400, 'badRequest')
        self.get_all.assert_not_called()

    def test_list_bad_metadata_filter_is_400(self):
        response = self.request('GET', '/v2/shares?metadata=notadict')
        self.assertFault(response, 400)

    def test_list_full_page_has_next_link_with_marker(self):
        response = self.request('GET', '/v2/shares?limit=1')
        links = response.json['shares_links']
        self.assertEqual('next', links[0]['rel'])
        self.assertIn('marker=%s' % fakes.SHARE_ID, links[0]['href'])
        self.assertEqual(1, self.get_all.call_args.kwargs['limit'])

    def test_list_with_count_counts_all_matches(self):
        self.get_all.side_effect = [[fakes.share()],
                                    [fakes.share(), fakes.share()]]
        response = self.request('GET', '/v2/shares?with_count=true&limit=1')
        self.assertEqual(2, response.json['count'])

    def test_list_all_tenants_ignored_for_member(self):
        self.request('GET', '/v2/shares?all_tenants=1')
        self.assertNotIn('all_tenants',
                         self.get_all.call_args.kwargs['search_opts'])

    def test_list_all_tenants_for_admin(self):
        self.request('GET', '/v2/shares?all_tenants=1',
                     ctx=fakes.admin_context())
        self.assertTrue(
            self.get_all.call_args.kwargs['search_opts']['all_tenants'])

    def test_list_host_filter_is_admin_only(self):
        response = self.request('GET', '/v2/shares?host=h')
        self.assertFault(response, 403, 'forbidden')

    def test_list_with_project_id_in_url(self):
        response = self.request('GET', '/v2/%s/shares' % fakes.PROJECT_ID)
        self.assertEqual(200, response.status)
        self.assertIn('/v2/%s/shares/' % fakes.PROJECT_ID,
                      response.json['shares'][0]['links'][0]['href'])


class ShareShowTest(fakes.ControllerTestCase):

    def test_show_returns_detail(self):
        get = self.patch_share_api('get', return_value=fakes.share())
        response = self.request('GET', '/v2/shares/%s' % fakes.SHARE_ID)
        self.assertEqual(200, response.status)
        self.assertEqual(fakes.SHARE_ID, response.json['share']['id'])
        get.assert_called_once_with(self.ctx, fakes.SHARE_ID)

    def test_show_non_uuid_is_404_without_lookup(self):
        get = self.patch_share_api('get', side_effect=fakes.not_called())
        response = self.request('GET', '/v2/shares/123')
        self.assertFault(response, 404, 'itemNotFound')
        get.assert_not_called()

    def test_show_missing_share_is_404(self):
        self.patch_share_api('get', side_effect=exception.ShareNotFound(
            share_id=fakes.SHARE_ID))
        response = self.request('GET', '/v2/shares/%s' % fakes.SHARE_ID)
        self.assertFault(response, 404, 'itemNotFound')


class ShareCreateTest(fakes.ControllerTestCase):

    def setUp(self):
        super().setUp()
        self.create = self.patch_share_api('create',
                                           return_value=fakes.share())
        self.get_type = self.patch_types_api('get',
                                             return_value=fakes.share_type())
        self.get_default = self.patch_types_api(
            'get_default', return_value=fakes.share_type())

    def _create(self, version='2.91', **share):
        body = {'share_proto': 'nfs', 'size': 1}
        body.update(share)
        return self.request('POST', '/v2/shares', {'share': body},
                            version=version)

    def test_create_answers_200_with_detail(self):
        response = self._create(name='share1', description='d',
                                metadata={'a': 'b'}, share_type='default',
                                availability_zone='nova',
                                scheduler_hints={'same_host': 'x'})
        self.assertEqual(200, response.status)
        self.assertEqual(fakes.SHARE_ID, response.json['share']['id'])
        self.get_type.assert_called_once_with(self.ctx, 'default')
        self.create.assert_called_once_with(
            self.ctx, share_proto='NFS', size=1, name='share1',
            description='d', share_type_id=fakes.TYPE_ID,
            availability_zone='nova', metadata={'a': 'b'}, is_public=False,
            snapshot_id=None)

    def test_create_without_type_uses_default(self):
        self._create(size='2')
        self.get_default.assert_called_once_with(self.ctx)
        kwargs = self.create.call_args.kwargs
        self.assertEqual(fakes.TYPE_ID, kwargs['share_type_id'])
        self.assertEqual(2, kwargs['size'])

    def test_create_missing_size_is_400(self):
        response = self.request('POST', '/v2/shares',
                                {'share': {'share_proto': 'NFS'}})
        self.assertFault(response, 400, 'badRequest')
        self.create.assert_not_called()

    def test_create_zero_or_bogus_size_is_400(self):
        for size in (0, '0', 'ten', -1, 1.5):
            self.assertFault(self._create(size=size), 400)
        self.create.assert_not_called()

    def test_create_without_share_key_is_422(self):
        # Manila answers 422 Unprocessable Entity for a body without its
        # resource key.
        response = self.request('POST', '/v2/shares', {'size': 1})
        self.assertFault(response, 422)

    def test_create_malformed_json_is_400(self):
        response = self.request('POST', '/v2/shares', raw_body=b'{nope')
        self.assertFault(response, 400)

    def test_create_with_share_network_is_400(self):
        response = self._create(share_network_id=fakes.SHARE_ID)
        self.assertIn('share_network_id', self.assertFault(response, 400))

    def test_create_with_share_group_is_400_from_2_31(self):
        self.assertFault(self._create(share_group_id='g'), 400)
        self.assertEqual(200, self._create(version='2.30',
                                           share_group_id='g').status)

    def test_create_with_dhss_type_is_400(self):
        self.get_type.return_value = fakes.share_type(
            extra_specs={'driver_handles_share_servers': 'True'})
        response = self._create(share_type=fakes.TYPE_ID)
        self.assertIn('driver_handles_share_servers',
                      self.assertFault(response, 400))

    def test_create_unknown_type_is_404(self):
        self.get_type.side_effect = exception.ShareTypeNotFound(
            share_type_id='nope')
        self.assertFault(self._create(share_type='nope'), 404)

    def test_create_both_share_and_volume_type_is_400(self):
        self.assertFault(self._create(share_type='a', volume_type='b'), 400)

    def test_create_public_share_as_member_is_403(self):
        self.assertFault(self._create(is_public=True), 403, 'forbidden')

    def test_create_public_share_as_admin(self):
        response = self.request(
            'POST', '/v2/shares',
            {'share': {'share_proto': 'NFS', 'size': 1,
                       'is_public': 'true'}},
            ctx=fakes.admin_context())
        self.assertEqual(200, response.status)
        self.assertIs(True, self.create.call_args.kwargs['is_public'])

    def test_create_invalid_is_public_is_400(self):
        self.assertFault(self._create(is_public='maybe'), 400)

    def test_create_from_snapshot_uses_parent_type(self):
        self.patch_share_api('get_snapshot', return_value=fakes.snapshot())
        self.patch_share_api('get', return_value=fakes.share(
            share_type_id='parent-type'))
        self._create(snapshot_id=fakes.SNAPSHOT_ID)
        kwargs = self.create.call_args.kwargs
        self.assertEqual('parent-type', kwargs['share_type_id'])
        self.assertEqual(fakes.SNAPSHOT_ID, kwargs['snapshot_id'])
        self.get_default.assert_not_called()

    def test_create_from_snapshot_without_capability_is_400(self):
        self.patch_share_api('get_snapshot', return_value=fakes.snapshot())
        self.patch_share_api('get', return_value=fakes.share(
            create_share_from_snapshot_support=False))
        response = self._create(snapshot_id=fakes.SNAPSHOT_ID)
        self.assertFault(response, 400)
        self.create.assert_not_called()


class ShareUpdateDeleteTest(fakes.ControllerTestCase):

    def setUp(self):
        super().setUp()
        self.get = self.patch_share_api('get', return_value=fakes.share())

    def test_update_answers_200_with_detail(self):
        update = self.patch_share_api('update', return_value=fakes.share(
            display_name='new'))
        response = self.request(
            'PUT', '/v2/shares/%s' % fakes.SHARE_ID,
            {'share': {'display_name': 'new', 'description': 'd',
                       'is_public': 'false', 'size': 99}})
        self.assertEqual(200, response.status)
        self.assertEqual('new', response.json['share']['name'])
        update.assert_called_once_with(
            self.ctx, fakes.SHARE_ID,
            {'display_name': 'new', 'display_description': 'd',
             'is_public': False})

    def test_update_soft_deleted_share_is_403(self):
        self.get.return_value = fakes.share(is_soft_deleted=True)
        update = self.patch_share_api('update')
        response = self.request('PUT', '/v2/shares/%s' % fakes.SHARE_ID,
                                {'share': {'display_name': 'x'}})
        self.assertFault(response, 403)
        update.assert_not_called()

    def test_update_make_public_as_member_is_403(self):
        self.patch_share_api('update')
        response = self.request('PUT', '/v2/shares/%s' % fakes.SHARE_ID,
                                {'share': {'is_public': True}})
        self.assertFault(response, 403)

    def test_delete_answers_202_without_body(self):
        delete = self.patch_share_api('delete')
        response = self.request('DELETE', '/v2/shares/%s' % fakes.SHARE_ID)
        self.assertEqual(202, response.status)
        self.assertEqual('', response.text)
        delete.assert_called_once_with(self.ctx, fakes.SHARE_ID)

    def test_delete_of_share_with_snapshots_is_403(self):
        self.patch_share_api('delete', side_effect=exception.InvalidShare(
            reason='Share still has 1 dependent snapshots'))
        response = self.request('DELETE', '/v2/shares/%s' % fakes.SHARE_ID)
        self.assertIn('dependent snapshots', self.assertFault(response, 403))

    def test_delete_of_other_projects_public_share_is_403(self):
        self.get.return_value = fakes.share(project_id='other',
                                            is_public=True)
        delete = self.patch_share_api('delete', new=mock.Mock())
        response = self.request('DELETE', '/v2/shares/%s' % fakes.SHARE_ID)
        self.assertFault(response, 403)
        delete.assert_not_called()
