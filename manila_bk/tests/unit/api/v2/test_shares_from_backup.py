"""POST /v2/shares with ``source_backup_id`` (manila_bk's extension, 2.80)."""

import fixtures

from manila_bk.backup import api as backup_api
from manila_bk.db import models
from manila_bk import exception
from manila_bk.tests.unit.api.v2 import fakes

BACKUP_ID = '66666666-6666-4666-8666-666666666666'


def backup(**values):
    defaults = {'id': BACKUP_ID, 'share_id': fakes.SHARE_ID,
                'project_id': fakes.PROJECT_ID, 'user_id': fakes.USER_ID,
                'status': 'available', 'size': 3}
    defaults.update(values)
    return models.ShareBackup(**defaults)


class ShareCreateFromBackupTest(fakes.ControllerTestCase):

    def setUp(self):
        super().setUp()
        self.create = self.patch_share_api('create',
                                           return_value=fakes.share())
        self.patch_types_api('get_default', return_value=fakes.share_type())
        self.source = self.useFixture(fixtures.MockPatchObject(
            backup_api.API, 'source_backup', return_value=backup())).mock

    def _create(self, version='2.80', **share):
        body = {'share_proto': 'nfs'}
        body.update(share)
        return self.request('POST', '/v2/shares', {'share': body},
                            version=version)

    def test_create_from_backup_defaults_to_backup_size(self):
        response = self._create(source_backup_id=BACKUP_ID)
        self.assertEqual(200, response.status, response.text)
        self.source.assert_called_once_with(self.ctx, BACKUP_ID)
        kwargs = self.create.call_args.kwargs
        self.assertEqual((3, BACKUP_ID, None),
                         (kwargs['size'], kwargs['source_backup_id'],
                          kwargs['snapshot_id']))

    def test_create_from_backup_with_larger_size(self):
        self._create(source_backup_id=BACKUP_ID, size=5)
        self.assertEqual(5, self.create.call_args.kwargs['size'])

    def test_create_from_backup_before_2_80_ignores_the_key(self):
        response = self._create(version='2.79', size=1,
                                source_backup_id=BACKUP_ID)
        self.assertEqual(200, response.status)
        self.source.assert_not_called()
        self.assertNotIn('source_backup_id', self.create.call_args.kwargs)

    def test_create_before_2_80_without_size_is_400(self):
        response = self._create(version='2.79', source_backup_id=BACKUP_ID)
        self.assertIn("'size' is a required property",
                      self.assertFault(response, 400, 'badRequest'))
        self.create.assert_not_called()

    def test_create_without_backup_still_needs_size(self):
        for extra in ({}, {'source_backup_id': None}):
            response = self._create(**extra)
            self.assertIn("'size' is a required property",
                          self.assertFault(response, 400))
        self.create.assert_not_called()

    def test_create_from_unknown_or_hidden_backup_is_400(self):
        self.source.side_effect = exception.Invalid(
            message='No backup exists with ID %s.' % BACKUP_ID)
        response = self._create(source_backup_id=BACKUP_ID)
        self.assertIn(BACKUP_ID, self.assertFault(response, 400))
        self.create.assert_not_called()

    def test_create_from_non_uuid_backup_is_400_without_lookup(self):
        for bogus in ('not-a-uuid', 'x' * 36):
            self.assertFault(self._create(source_backup_id=bogus), 400)
        self.assertFault(self._create(source_backup_id='x' * 37), 400)
        self.source.assert_not_called()

    def test_create_from_backup_and_snapshot_is_400(self):
        response = self._create(source_backup_id=BACKUP_ID,
                                snapshot_id=fakes.SNAPSHOT_ID, size=3)
        self.assertIn('not both', self.assertFault(response, 400))
        self.source.assert_not_called()
        self.create.assert_not_called()

    def test_create_from_backup_needs_restore_policy(self):
        self.useFixture(fixtures.MockPatch(
            'manila_bk.policy.authorize',
            side_effect=lambda ctx, rule, target=None, **kw: (
                _refuse(rule, 'share_backup:restore'))))
        response = self._create(source_backup_id=BACKUP_ID)
        self.assertFault(response, 403)
        self.create.assert_not_called()

    def test_create_from_backup_business_errors_pass_through(self):
        self.create.side_effect = exception.InvalidInput(
            reason="Share size '2' must be equal or greater than backup "
                   "size")
        response = self._create(source_backup_id=BACKUP_ID, size=2)
        self.assertIn('backup size', self.assertFault(response, 400))


def _refuse(rule, refused):
    if rule == refused:
        raise exception.PolicyNotAuthorized(action=rule)
    return True
