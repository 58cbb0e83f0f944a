"""Share views: the exact keys Manila renders at each microversion."""

import datetime
from unittest import mock

from manila_bk.api.views import shares as views
from manila_bk.api.views import timefmt
from manila_bk.common import utils
from manila_bk.tests import base
from manila_bk.tests.unit.api.v2 import fakes

KEYS_2_0 = {
    'id', 'size', 'availability_zone', 'created_at', 'status', 'name',
    'description', 'project_id', 'snapshot_id', 'share_network_id',
    'share_proto', 'export_location', 'metadata', 'share_type',
    'volume_type', 'links', 'is_public', 'export_locations',
}
KEYS_2_27 = (KEYS_2_0 - {'export_location', 'export_locations'}) | {
    'snapshot_support', 'task_state', 'share_type_name',
    'access_rules_status', 'replication_type', 'has_replicas', 'user_id',
    'create_share_from_snapshot_support', 'revert_to_snapshot_support',
}
KEYS_2_80 = KEYS_2_27 | {
    'share_group_id', 'source_share_group_snapshot_member_id',
    'mount_snapshot_support', 'progress', 'is_soft_deleted',
    'scheduled_to_be_deleted_at', 'source_backup_id',
}
KEYS_2_91 = KEYS_2_80 | {'encryption_key_ref'}
ADMIN_KEYS = {'share_server_id', 'host'}


class ShareDetailViewTest(fakes.ViewTestCase):

    def _keys(self, version, ctx=None):
        self.use(version, ctx)
        return set(views.detail(fakes.share()))

    def test_detail_at_2_0_has_manila_2_0_keys(self):
        self.assertEqual(KEYS_2_0, self._keys('2.0'))

    def test_detail_at_2_27_has_manila_2_27_keys(self):
        self.assertEqual(KEYS_2_27, self._keys('2.27'))

    def test_detail_at_2_80_has_manila_2_80_keys(self):
        self.assertEqual(KEYS_2_80, self._keys('2.80'))

    def test_detail_at_2_91_has_manila_2_91_keys(self):
        self.assertEqual(KEYS_2_91, self._keys('2.91'))

    def test_detail_as_admin_adds_host_and_share_server(self):
        for version, keys in (('2.0', KEYS_2_0), ('2.91', KEYS_2_91)):
            self.assertEqual(keys | ADMIN_KEYS,
                             self._keys(version, fakes.admin_context()))

    def test_detail_values_at_2_91(self):
        self.use('2.91', fakes.admin_context())
        view = views.detail(fakes.share())
        self.assertEqual('2016-03-10T15:41:33.123456', view['created_at'])
        self.assertEqual(fakes.TYPE_ID, view['share_type'])
        self.assertEqual('default', view['share_type_name'])
        self.assertEqual('default', view['volume_type'])
        self.assertEqual({'k': 'v'}, view['metadata'])
        self.assertEqual('host@local#pool', view['host'])
        self.assertIsNone(view['share_server_id'])
        self.assertIsNone(view['share_network_id'])
        self.assertIsNone(view['encryption_key_ref'])
        self.assertIs(False, view['has_replicas'])
        self.assertIs(True, view['revert_to_snapshot_support'])
        self.assertEqual('active', view['access_rules_status'])
        self.assertEqual('100%', view['progress'])
        self.assertEqual('share1', view['name'])

    def test_detail_before_2_6_shows_type_name_as_share_type(self):
        self.use('2.5')
        view = views.detail(fakes.share())
        self.assertEqual('default', view['share_type'])
        self.assertNotIn('share_type_name', view)

    def test_detail_before_2_9_lists_export_paths(self):
        self.use('2.8')
        admin_only = fakes.export_location(uuid='x', path='/admin',
                                           is_admin_only=True)
        share = fakes.share(export_locations=[fakes.export_location(),
                                              admin_only])
        view = views.detail(share)
        self.assertEqual('10.0.0.1:/shares/x', view['export_location'])
        self.assertEqual(['10.0.0.1:/shares/x'], view['export_locations'])

    def test_detail_syncing_rules_status_is_out_of_sync_until_2_27(self):
        share = fakes.share()
        share.access_rules_status = 'syncing'
        self.use('2.27')
        self.assertEqual('out_of_sync',
                         views.detail(share)['access_rules_status'])

    def test_detail_syncing_rules_status_kept_from_2_28(self):
        share = fakes.share()
        share.access_rules_status = 'syncing'
        self.use('2.28')
        self.assertEqual('syncing',
                         views.detail(share)['access_rules_status'])

    def test_detail_without_type_shows_null_type(self):
        self.use('2.91')
        view = views.detail(fakes.share(share_type=None, share_type_id=None))
        self.assertIsNone(view['share_type'])
        self.assertIsNone(view['share_type_name'])


class ShareListViewTest(fakes.ViewTestCase):

    def test_summary_has_id_name_links(self):
        self.use('2.91')
        self.assertEqual({'id', 'name', 'links'},
                         set(views.summary(fakes.share())))

    def test_list_view_full_page_adds_next_link(self):
        self.use('2.91')
        body = views.list_view([fakes.share()], detailed=False, limit=1)
        self.assertEqual({'shares', 'shares_links'}, set(body))
        self.assertEqual(fakes.SHARE_ID, body['shares'][0]['id'])

    def test_list_view_short_page_has_no_links(self):
        self.use('2.91')
        body = views.list_view([fakes.share()], detailed=True, limit=5,
                               count=7)
        self.assertEqual({'shares', 'count'}, set(body))
        self.assertEqual(7, body['count'])
        self.assertIn('revert_to_snapshot_support', body['shares'][0])


class ShareListRenderingTest(fakes.ViewTestCase):
    """A list works out the version, caller and links once, not per row."""

    def test_version_and_caller_read_once_per_list(self):
        self.use('2.91', fakes.admin_context())
        shares = [fakes.share(id='%08d-1111-4111-8111-111111111111' % i)
                  for i in range(5)]
        with mock.patch.object(views.mv, 'request_version',
                               wraps=views.mv.request_version) as version, \
                mock.patch.object(views.common, 'context',
                                  wraps=views.common.context) as context:
            body = views.list_view(shares, detailed=True)
        self.assertEqual(1, version.call_count)
        self.assertEqual(1, context.call_count)
        self.assertEqual([s.id for s in shares],
                         [item['id'] for item in body['shares']])
        self.assertEqual(['host@local#pool'] * 5,
                         [item['host'] for item in body['shares']])

    def test_links_are_resource_links_of_each_share(self):
        self.use('2.91')
        shares = [fakes.share(id='a'), fakes.share(id='b')]
        body = views.list_view(shares, detailed=False)
        self.assertEqual([views.common.resource_links('shares', 'a'),
                          views.common.resource_links('shares', 'b')],
                         [item['links'] for item in body['shares']])

    def test_links_of_another_shape_come_from_resource_links(self):
        self.use('2.91')
        with mock.patch.object(views.common, 'resource_links',
                               side_effect=lambda coll, rid: [
                                   {'rel': 'self', 'href': rid + '/x'}]):
            links = views.Links('shares')
            self.assertEqual([{'rel': 'self', 'href': 'a/x'}], links('a'))


class TimestampTest(base.TestCase):

    def test_naive_timestamps_as_manila_renders_them(self):
        for value in (fakes.CREATED_AT, fakes.CREATED_AT.replace(
                microsecond=0), datetime.datetime(1000, 1, 2, 3, 4, 5, 6)):
            self.assertEqual(utils.isotime(value), timefmt.isotime(value))
        self.assertEqual('2016-03-10T15:41:33.000000', timefmt.isotime(
            fakes.CREATED_AT.replace(microsecond=0)))
        self.assertIsNone(timefmt.isotime(None))

    def test_other_timestamps_through_utils(self):
        aware = fakes.CREATED_AT.replace(tzinfo=datetime.timezone.utc)
        old = datetime.datetime(999, 1, 1)
        for value in (aware, old):
            self.assertEqual(utils.isotime(value), timefmt.isotime(value))
