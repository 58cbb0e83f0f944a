"""/v2/snapshots: views, list, show, create, update, delete, actions."""

from manila_bk.api.views import export_locations as el_views
from manila_bk.api.views import share_snapshots as views
from manila_bk import exception
from manila_bk.tests.unit.api.v2 import fakes

SNAP_URL = '/v2/snapshots/%s' % fakes.SNAPSHOT_ID
KEYS_2_0 = {'id', 'share_id', 'share_size', 'created_at', 'status', 'name',
            'description', 'size', 'share_proto', 'links'}


class SnapshotViewTest(fakes.ViewTestCase):

    def _keys(self, version, ctx=None):
        self.use(version, ctx)
        return set(views.detail(fakes.snapshot()))

    def test_detail_keys_per_version(self):
        self.assertEqual(KEYS_2_0, self._keys('2.0'))
        self.assertEqual(KEYS_2_0 | {'user_id', 'project_id'},
                         self._keys('2.27'))
        self.assertEqual(KEYS_2_0 | {'user_id', 'project_id'},
                         self._keys('2.72'))
        self.assertEqual(KEYS_2_0 | {'user_id', 'project_id', 'metadata'},
                         self._keys('2.80'))
        self.assertEqual(KEYS_2_0 | {'user_id', 'project_id', 'metadata'},
                         self._keys('2.91'))

    def test_provider_location_for_admin_from_2_12(self):
        admin = fakes.admin_context()
        self.assertNotIn('provider_location', self._keys('2.11', admin))
        self.assertIn('provider_location', self._keys('2.12', admin))
        self.assertNotIn('provider_location', self._keys('2.91'))

    def test_created_at_keeps_microseconds(self):
        self.use('2.91')
        view = views.detail(fakes.snapshot())
        self.assertEqual('2016-03-10T15:41:33.123456', view['created_at'])
        self.assertEqual({}, view['metadata'])

    def test_list_links_key(self):
        self.use('2.91')
        body = views.list_view([fakes.snapshot()], detailed=False, limit=1)
        self.assertEqual({'snapshots', 'share_snapshots_links'}, set(body))
        self.assertEqual({'id', 'name', 'links'}, set(body['snapshots'][0]))

    def test_snapshot_export_location_view(self):
        location = fakes.export_location()
        self.use('2.91')
        self.assertEqual({'id', 'path', 'links'},
                         set(el_views.snapshot_export_location(location)))
        self.use('2.91', fakes.admin_context())
        self.assertEqual(
            {'id', 'path', 'links', 'share_snapshot_instance_id',
             'is_admin_only', 'created_at', 'updated_at'},
            set(el_views.snapshot_export_location(location, True)))


class SnapshotControllerTest(fakes.ControllerTestCase):

    def setUp(self):
        super().setUp()
        self.get = self.patch_share_api('get_snapshot',
                                        return_value=fakes.snapshot())

    def test_list_and_detail(self):
        get_all = self.patch_share_api('get_all_snapshots',
                                       return_value=[fakes.snapshot()])
        response = self.request('GET', '/v2/snapshots/detail?share_id=s'
                                       '&name~=x&sort_key=name&usage=used')
        self.assertEqual(200, response.status)
        self.assertIn('share_size', response.json['snapshots'][0])
        kwargs = get_all.call_args.kwargs
        self.assertEqual({'share_id': 's', 'name~': 'x', 'usage': 'used'},
                         kwargs['search_opts'])
        self.assertEqual('display_name', kwargs['sort_key'])
        response = self.request('GET', '/v2/snapshots')
        self.assertEqual({'id', 'name', 'links'},
                         set(response.json['snapshots'][0]))

    def test_list_bad_sort_key_is_400(self):
        self.patch_share_api('get_all_snapshots', side_effect=AssertionError)
        self.assertFault(self.request('GET', '/v2/snapshots?sort_key=x'),
                         400)

    def test_list_with_count_from_2_79(self):
        self.patch_share_api('get_all_snapshots',
                             return_value=[fakes.snapshot()])
        response = self.request('GET', '/v2/snapshots?with_count=1')
        self.assertEqual(1, response.json['count'])
        response = self.request('GET', '/v2/snapshots?with_count=1',
                                version='2.78')
        self.assertNotIn('count', response.json)

    def test_show(self):
        response = self.request('GET', SNAP_URL)
        self.assertEqual(fakes.SNAPSHOT_ID, response.json['snapshot']['id'])
        self.get.assert_called_once_with(self.ctx, fakes.SNAPSHOT_ID)

    def test_show_non_uuid_is_404(self):
        self.get.side_effect = AssertionError
        self.assertFault(self.request('GET', '/v2/snapshots/abc'), 404)

    def test_create_answers_202_with_detail(self):
        self.patch_share_api('get', return_value=fakes.share())
        create = self.patch_share_api('create_snapshot',
                                      return_value=fakes.snapshot())
        response = self.request('POST', '/v2/snapshots', {'snapshot': {
            'share_id': fakes.SHARE_ID, 'force': 'True', 'name': 'snap1',
            'description': 'd', 'metadata': {}}})
        self.assertEqual(202, response.status)
        self.assertEqual('snap1', response.json['snapshot']['name'])
        create.assert_called_once_with(self.ctx, fakes.SHARE_ID,
                                       name='snap1', description='d',
                                       force=True)

    def test_create_without_snapshot_support_is_422(self):
        self.patch_share_api('get', return_value=fakes.share(
            snapshot_support=False))
        self.patch_share_api('create_snapshot', side_effect=AssertionError)
        response = self.request('POST', '/v2/snapshots', {'snapshot': {
            'share_id': fakes.SHARE_ID}})
        self.assertFault(response, 422)

    def test_create_bad_bodies_are_400(self):
        self.patch_share_api('get', return_value=fakes.share())
        self.patch_share_api('create_snapshot', side_effect=AssertionError)
        for snapshot in ({}, {'share_id': fakes.SHARE_ID, 'force': 'x'},
                         {'share_id': fakes.SHARE_ID,
                          'metadata': {'k': 'v'}}):
            response = self.request('POST', '/v2/snapshots',
                                    {'snapshot': snapshot})
            self.assertFault(response, 400)

    def test_create_of_missing_share_is_404(self):
        self.patch_share_api('get', side_effect=exception.ShareNotFound(
            share_id=fakes.SHARE_ID))
        response = self.request('POST', '/v2/snapshots', {'snapshot': {
            'share_id': fakes.SHARE_ID}})
        self.assertFault(response, 404)

    def test_update(self):
        update = self.patch_share_api('update_snapshot',
                                      return_value=fakes.snapshot())
        response = self.request('PUT', SNAP_URL, {'snapshot': {
            'display_name': 'n', 'display_description': 'd'}})
        self.assertEqual(200, response.status)
        update.assert_called_once_with(
            self.ctx, fakes.SNAPSHOT_ID,
            {'display_name': 'n', 'display_description': 'd'})

    def test_delete_answers_202(self):
        delete = self.patch_share_api('delete_snapshot')
        response = self.request('DELETE', SNAP_URL)
        self.assertEqual(202, response.status)
        delete.assert_called_once_with(self.ctx, fakes.SNAPSHOT_ID)

    def test_reset_status_and_force_delete_as_admin(self):
        admin = fakes.admin_context()
        reset = self.patch_share_api('reset_snapshot_status')
        delete = self.patch_share_api('delete_snapshot')
        url = SNAP_URL + '/action'
        self.assertEqual(202, self.request(
            'POST', url, {'reset_status': {'status': 'error'}},
            ctx=admin).status)
        reset.assert_called_once_with(admin, fakes.SNAPSHOT_ID, 'error')
        self.assertEqual(202, self.request(
            'POST', url, {'os-force_delete': None}, version='2.6',
            ctx=admin).status)
        delete.assert_called_once_with(admin, fakes.SNAPSHOT_ID, force=True)

    def test_actions_errors(self):
        url = SNAP_URL + '/action'
        self.assertFault(self.request('POST', url, {'force_delete': None}),
                         403)
        self.assertFault(self.request('POST', url, {
            'reset_status': {'status': 'bogus'}},
            ctx=fakes.admin_context()), 400)
        self.assertFault(self.request('POST', url, {'unmanage': None}), 400)
        self.assertFault(self.request('POST', url, {'force_delete': None},
                                      version='2.6'), 404)
        self.assertFault(self.request('POST', url, {'allow_access': {
            'access_type': 'ip', 'access_to': '1.1.1.1'}}), 400)

    def test_export_locations(self):
        locations = self.patch_share_api(
            'get_snapshot_export_locations',
            return_value=[fakes.export_location()])
        response = self.request('GET', SNAP_URL + '/export-locations')
        self.assertEqual(
            [fakes.EL_ID],
            [el['id'] for el in
             response.json['share_snapshot_export_locations']])
        locations.assert_called_once_with(self.ctx, fakes.SNAPSHOT_ID)
        self.assertFault(self.request('GET', SNAP_URL + '/export-locations',
                                      version='2.31'), 404)

    def test_export_location_show(self):
        self.patch_share_api('get_snapshot_export_location',
                             return_value=fakes.export_location())
        response = self.request(
            'GET', '%s/export-locations/%s' % (SNAP_URL, fakes.EL_ID))
        self.assertEqual(fakes.EL_ID, response.json[
            'share_snapshot_export_location']['id'])

    def test_metadata_is_empty_and_read_only(self):
        response = self.request('GET', SNAP_URL + '/metadata')
        self.assertEqual({'metadata': {}}, response.json)
        self.assertFault(self.request('POST', SNAP_URL + '/metadata',
                                      {'metadata': {'a': 'b'}}), 400)
        self.assertFault(self.request('GET', SNAP_URL + '/metadata',
                                      version='2.72'), 404)

    def test_access_list_is_400_without_mountable_snapshots(self):
        response = self.request('GET', SNAP_URL + '/access-list')
        self.assertIn('does not support mounting',
                      self.assertFault(response, 400))
        self.assertFault(self.request('GET', SNAP_URL + '/access-list',
                                      version='2.31'), 404)

    def test_list_metadata_filter_matches_nothing(self):
        get_all = self.patch_share_api('get_all_snapshots',
                                       side_effect=AssertionError)
        response = self.request('GET', "/v2/snapshots?metadata={'k':'v'}")
        self.assertEqual({'snapshots': []}, response.json)
        get_all.assert_not_called()
