"""/v2/shares/{id}/metadata[/{key}]."""

from manila_bk import exception
from manila_bk.tests.unit.api.v2 import fakes

URL = '/v2/shares/%s/metadata' % fakes.SHARE_ID


class ShareMetadataTest(fakes.ControllerTestCase):

    def setUp(self):
        super().setUp()
        self.get = self.patch_share_api('get', return_value=fakes.share())
        self.get_md = self.patch_share_api('get_metadata',
                                           return_value={'k': 'v'})
        self.set_md = self.patch_share_api(
            'set_metadata', side_effect=lambda ctx, sid, md, replace: md)

    def test_index(self):
        response = self.request('GET', URL)
        self.assertEqual({'metadata': {'k': 'v'}}, response.json)
        self.get_md.assert_called_once_with(self.ctx, fakes.SHARE_ID)

    def test_show_item(self):
        response = self.request('GET', URL + '/k')
        self.assertEqual({'meta': {'k': 'v'}}, response.json)

    def test_show_missing_item_is_404(self):
        self.assertFault(self.request('GET', URL + '/nope'), 404)

    def test_post_merges(self):
        response = self.request('POST', URL, {'metadata': {'a': 'b'}})
        self.assertEqual(200, response.status)
        self.assertEqual({'metadata': {'a': 'b'}}, response.json)
        self.set_md.assert_called_once_with(self.ctx, fakes.SHARE_ID,
                                            {'a': 'b'}, replace=False)

    def test_put_replaces(self):
        self.request('PUT', URL, {'metadata': {'a': 'b'}})
        self.set_md.assert_called_once_with(self.ctx, fakes.SHARE_ID,
                                            {'a': 'b'}, replace=True)

    def test_put_item(self):
        response = self.request('PUT', URL + '/a', {'meta': {'a': 'c'}})
        self.assertEqual({'meta': {'a': 'c'}}, response.json)
        self.set_md.assert_called_once_with(self.ctx, fakes.SHARE_ID,
                                            {'a': 'c'}, replace=False)

    def test_item_body_and_uri_mismatch_is_400(self):
        response = self.request('PUT', URL + '/a', {'meta': {'b': 'c'}})
        self.assertEqual('Request body and URI mismatch',
                         self.assertFault(response, 400))
        self.set_md.assert_not_called()

    def test_invalid_metadata_is_400(self):
        for metadata in ({'k': ''}, {'': 'v'}, {'k': 'v' * 1024},
                         {'k' * 256: 'v'}, {'k': 1}, ['k']):
            response = self.request('POST', URL, {'metadata': metadata})
            self.assertFault(response, 400)
        self.set_md.assert_not_called()

    def test_delete_item(self):
        delete = self.patch_share_api('delete_metadata')
        response = self.request('DELETE', URL + '/k')
        # Manila's code; pecan alone would turn the empty 200 into a 204.
        self.assertEqual(200, response.status)
        self.assertEqual('', response.text)
        delete.assert_called_once_with(self.ctx, fakes.SHARE_ID, 'k')

    def test_delete_missing_item_is_404(self):
        self.patch_share_api('delete_metadata',
                             side_effect=exception.ShareMetadataNotFound(
                                 key='nope'))
        self.assertFault(self.request('DELETE', URL + '/nope'), 404)

    def test_metadata_of_missing_share_is_404(self):
        self.get.side_effect = exception.ShareNotFound(share_id='x')
        self.assertFault(self.request('GET', URL), 404)
