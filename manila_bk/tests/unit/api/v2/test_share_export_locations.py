"""/v2/shares/{id}/export_locations[/{id}] and their views."""

from manila_bk.api.views import export_locations as views
from manila_bk.tests.unit.api.v2 import fakes

URL = '/v2/shares/%s/export_locations' % fakes.SHARE_ID


class ShareExportLocationsTest(fakes.ControllerTestCase):

    def setUp(self):
        super().setUp()
        self.patch_share_api('get', return_value=fakes.share())
        self.locations = [
            fakes.export_location(),
            fakes.export_location(uuid='admin-el', path='/admin',
                                  is_admin_only=True, preferred=False)]
        self.list = self.patch_share_api('get_export_locations',
                                         return_value=self.locations)

    def test_list_hides_admin_only_from_members(self):
        response = self.request('GET', URL)
        self.assertEqual(200, response.status)
        location, = response.json['export_locations']
        self.assertEqual({'id': fakes.EL_ID, 'path': '10.0.0.1:/shares/x',
                          'preferred': True, 'metadata': {}}, location)

    def test_list_as_admin_shows_all_with_admin_keys(self):
        response = self.request('GET', URL, ctx=fakes.admin_context())
        locations = response.json['export_locations']
        self.assertEqual(2, len(locations))
        self.assertEqual({'id', 'path', 'preferred', 'metadata',
                          'share_instance_id', 'is_admin_only'},
                         set(locations[1]))
        self.assertIs(True, locations[1]['is_admin_only'])

    def test_list_needs_2_9(self):
        self.assertFault(self.request('GET', URL, version='2.8'), 404)

    def test_show_has_timestamps(self):
        self.patch_share_api('get_export_location',
                             return_value=self.locations[0])
        response = self.request('GET', '%s/%s' % (URL, fakes.EL_ID))
        self.assertEqual(
            {'id', 'path', 'preferred', 'metadata', 'created_at',
             'updated_at'}, set(response.json['export_location']))

    def test_show_admin_only_location_to_member_is_403(self):
        self.patch_share_api('get_export_location',
                             return_value=self.locations[1])
        response = self.request('GET', '%s/%s' % (URL, fakes.EL_ID))
        self.assertFault(response, 403)

    def test_show_non_uuid_is_404(self):
        self.assertFault(self.request('GET', URL + '/1'), 404)


class ExportLocationViewTest(fakes.ViewTestCase):

    def test_preferred_from_2_14_and_metadata_from_2_87(self):
        location = fakes.export_location()
        self.use('2.13')
        self.assertEqual({'id', 'path'},
                         set(views.share_export_location(location)))
        self.use('2.86')
        self.assertEqual({'id', 'path', 'preferred'},
                         set(views.share_export_location(location)))
