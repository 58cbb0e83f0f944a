"""Access rules, metadata and export locations of manila_bk.share.api."""

from unittest import mock

from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.share import _errors
from manila_bk.share import api as share_api
from manila_bk.tests import base
from manila_bk.tests.unit.share import api_fakes as fakes


class AccessTestCase(base.DBTestCase):

    def setUp(self):
        super().setUp()
        self.api = share_api.API()
        self.rpc = mock.Mock()
        self.api.share_rpcapi = self.rpc
        self.user = self.user_context('project-a')
        self.share = fakes.share(self.ctx)

    def test_allow_access_queues_rule_and_casts(self):
        rule = self.api.allow_access(self.user, self.share.id, 'ip',
                                     '10.0.0.0/24', 'ro')
        self.assertEqual(('queued_to_apply', 'ro', '10.0.0.0/24'),
                         (rule.state, rule.access_level, rule.access_to))
        self.rpc.update_access.assert_called_once_with(
            self.user, self.share.id, self.share.host)

    def test_allow_access_default_level_rw(self):
        rule = self.api.allow_access(self.user, self.share.id, 'user',
                                     'alice')
        self.assertEqual('rw', rule.access_level)

    def test_allow_access_duplicate_400_same_network_spelled_differently(self):
        self.api.allow_access(self.user, self.share.id, 'ip', '10.0.0.1')
        exc = self.assertRaises(exception.ShareAccessExists,
                                self.api.allow_access, self.user,
                                self.share.id, 'ip', '10.0.0.1/32')
        self.assertEqual(400, exc.code)

    def test_allow_access_invalid_values_400(self):
        for args in (('ip', '10.0.0.1/8'), ('ip', 'host.example'),
                     ('nfs', 'x'), ('user', '')):
            self.assertRaises(exception.InvalidShareAccess,
                              self.api.allow_access, self.user,
                              self.share.id, *args)
        self.assertRaises(exception.InvalidShareAccess,
                          self.api.allow_access, self.user, self.share.id,
                          'ip', '10.0.0.1', 'rx')

    def test_allow_access_transitional_share_400(self):
        share = fakes.share(self.ctx, status='creating')
        self.assertRaises(exception.InvalidShare, self.api.allow_access,
                          self.user, share.id, 'ip', '10.0.0.1')
        share = fakes.share(self.ctx, status='error')
        self.assertRaises(exception.InvalidShare, self.api.allow_access,
                          self.user, share.id, 'ip', '10.0.0.1',
                          allow_on_error_state=False)
        self.api.allow_access(self.user, share.id, 'ip', '10.0.0.1')

    def test_allow_access_while_snapshotting_allowed(self):
        share = fakes.share(self.ctx, status='snapshotting')
        self.api.allow_access(self.user, share.id, 'ip', '10.0.0.1')

    def test_allow_access_soft_deleted_403(self):
        share = fakes.share(self.ctx, is_soft_deleted=True)
        self.assertRaises(_errors.ShareActionForbidden,
                          self.api.allow_access, self.user, share.id, 'ip',
                          '10.0.0.1')

    def test_deny_access_queues_deny_and_casts(self):
        rule = self.api.allow_access(self.user, self.share.id, 'ip',
                                     '10.0.0.1')
        self.rpc.reset_mock()
        self.api.deny_access(self.user, self.share.id, rule.id)
        self.assertEqual('queued_to_deny',
                         db.share_access_get(self.ctx, rule.id).state)
        self.rpc.update_access.assert_called_once_with(
            self.user, self.share.id, self.share.host)
        # A rule queued for removal can be granted again.
        self.api.allow_access(self.user, self.share.id, 'ip', '10.0.0.1')

    def test_deny_access_rule_of_other_share_404(self):
        other = fakes.share(self.ctx)
        rule = self.api.allow_access(self.user, other.id, 'ip', '10.0.0.1')
        self.assertRaises(exception.AccessRuleNotFound, self.api.deny_access,
                          self.user, self.share.id, rule.id)

    def test_access_get_of_invisible_share_404(self):
        other = fakes.share(self.ctx, project_id='project-b')
        rule = self.api.allow_access(self.ctx, other.id, 'ip', '10.0.0.1')
        self.assertRaises(exception.AccessRuleNotFound, self.api.access_get,
                          self.user, rule.id)
        self.assertEqual(rule.id, self.api.access_get(self.ctx, rule.id).id)

    def test_access_list(self):
        self.api.allow_access(self.user, self.share.id, 'ip', '10.0.0.1')
        self.api.allow_access(self.user, self.share.id, 'cert', 'client1')
        rules = self.api.access_list(self.user, self.share.id)
        self.assertEqual(['10.0.0.1', 'client1'],
                         [r.access_to for r in rules])


class MetadataTestCase(base.DBTestCase):

    def setUp(self):
        super().setUp()
        self.api = share_api.API()
        self.user = self.user_context('project-a')
        self.share = fakes.share(self.ctx)

    def test_set_update_and_replace(self):
        self.api.set_metadata(self.user, self.share.id, {'a': '1', 'b': '2'})
        self.api.set_metadata(self.user, self.share.id, {'b': '3'})
        self.assertEqual({'a': '1', 'b': '3'},
                         self.api.get_metadata(self.user, self.share.id))
        result = self.api.set_metadata(self.user, self.share.id, {'c': '4'},
                                       replace=True)
        self.assertEqual({'c': '4'}, result)

    def test_invalid_metadata_400(self):
        for metadata in ({'': 'x'}, {'k' * 256: 'x'}, {'k': 'v' * 1024},
                         {'k': 1}, ['k']):
            self.assertRaises(exception.InvalidInput, self.api.set_metadata,
                              self.user, self.share.id, metadata)

    def test_delete_metadata_missing_key_404(self):
        self.api.set_metadata(self.user, self.share.id, {'a': '1'})
        self.api.delete_metadata(self.user, self.share.id, 'a')
        self.assertRaises(exception.ShareMetadataNotFound,
                          self.api.delete_metadata, self.user, self.share.id,
                          'a')


class ExportLocationTestCase(base.DBTestCase):

    def test_non_admin_does_not_see_admin_only_locations(self):
        api = share_api.API()
        share = fakes.share(self.ctx)
        db.share_export_locations_update(self.ctx, share.id, [
            {'path': 'h:/public'},
            {'path': 'h:/admin', 'is_admin_only': True}])
        user = self.user_context('project-a')
        self.assertEqual(['h:/public'],
                         [el.path for el in api.get_export_locations(
                             user, share.id)])
        self.assertEqual(2, len(api.get_export_locations(self.ctx,
                                                         share.id)))
        location = api.get_export_locations(self.ctx, share.id)[1]
        self.assertEqual('h:/admin', api.get_export_location(
            self.ctx, share.id, location.uuid).path)
        self.assertRaises(exception.ShareExportLocationNotFound,
                          api.get_export_location, user, share.id,
                          'b0e3c4d5-0000-4000-8000-000000000000')
