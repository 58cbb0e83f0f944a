"""/v2/share-backups: views, versions, status codes, policy, paging."""

import fixtures

from manila_bk.api import microversion
from manila_bk.api.views import share_backups as views
from manila_bk.backup import api as backup_api
from manila_bk.db import models
from manila_bk import exception
from manila_bk.tests.unit.api.v2 import fakes

BACKUP_ID = '66666666-6666-4666-8666-666666666666'
TARGET_ID = '77777777-7777-4777-8777-777777777777'
URL = '/v2/share-backups'
BACKUP_URL = '%s/%s' % (URL, BACKUP_ID)
ACTION_URL = BACKUP_URL + '/action'
SUMMARY_KEYS = {'id', 'name', 'share_id', 'status'}
DETAIL_KEYS = SUMMARY_KEYS | {
    'description', 'size', 'created_at', 'updated_at', 'availability_zone',
    'progress', 'restore_progress'}
ADMIN_KEYS = {'host', 'topic'}
EXPERIMENTAL = {microversion.EXPERIMENTAL_HEADER: 'True'}


def backup(**values):
    defaults = {
        'id': BACKUP_ID, 'share_id': fakes.SHARE_ID,
        'user_id': fakes.USER_ID, 'project_id': fakes.PROJECT_ID,
        'display_name': 'b1', 'display_description': 'first backup',
        'status': 'available', 'size': 1, 'progress': '100',
        'restore_progress': '0', 'availability_zone': 'nova',
        'host': 'data1', 'topic': 'manila-bk-data', 'backup_type': 'full',
        'created_at': fakes.CREATED_AT, 'updated_at': None,
    }
    defaults.update(values)
    return models.ShareBackup(**defaults)


def reader_context():
    return fakes.user_context(roles=['reader'])


class BackupViewTest(fakes.ViewTestCase):

    def keys(self, version, ctx=None):
        self.use(version, ctx)
        return set(views.detail(backup()))

    def test_summary_keys(self):
        self.use('2.80')
        self.assertEqual(SUMMARY_KEYS, set(views.summary(backup())))

    def test_detail_keys_for_members(self):
        self.assertEqual(DETAIL_KEYS, self.keys('2.80'))
        self.assertEqual(DETAIL_KEYS, self.keys('2.84'))
        self.assertEqual(DETAIL_KEYS | {'backup_type'}, self.keys('2.85'))
        self.assertEqual(DETAIL_KEYS | {'backup_type'}, self.keys('2.91'))

    def test_detail_keys_for_admins(self):
        admin = fakes.admin_context()
        self.assertEqual(DETAIL_KEYS | ADMIN_KEYS, self.keys('2.80', admin))
        self.assertEqual(DETAIL_KEYS | ADMIN_KEYS | {'backup_type'},
                         self.keys('2.85', admin))
        self.assertEqual(DETAIL_KEYS | ADMIN_KEYS | {'backup_type'},
                         self.keys('2.91', admin))

    def test_detail_values(self):
        self.use('2.91', fakes.admin_context())
        view = views.detail(backup(updated_at=fakes.CREATED_AT))
        self.assertEqual({
            'id': BACKUP_ID, 'name': 'b1', 'share_id': fakes.SHARE_ID,
            'status': 'available', 'description': 'first backup',
            'size': 1, 'created_at': '2016-03-10T15:41:33.123456',
            'updated_at': '2016-03-10T15:41:33.123456',
            'availability_zone': 'nova', 'progress': '100',
            'restore_progress': '0', 'backup_type': 'full',
            'host': 'data1', 'topic': 'manila-bk-data'}, view)

    def test_progress_is_a_string_or_null(self):
        self.use('2.80')
        view = views.detail(backup(progress=None, restore_progress='42'))
        self.assertIsNone(view['progress'])
        self.assertEqual('42', view['restore_progress'])

    def test_list_view_links_key(self):
        self.use('2.80')
        body = views.list_view([backup()], detailed=False, limit=1)
        self.assertEqual({'share_backups', 'share_backup_links'}, set(body))
        body = views.list_view([backup()], detailed=True, limit=2)
        self.assertEqual({'share_backups'}, set(body))
        self.assertEqual(DETAIL_KEYS, set(body['share_backups'][0]))

    def test_restore_view(self):
        self.assertEqual(
            {'restore': {'backup_id': BACKUP_ID, 'share_id': TARGET_ID}},
            views.restore({'backup_id': BACKUP_ID, 'share_id': TARGET_ID}))


class BackupControllerTestCase(fakes.ControllerTestCase):

    def setUp(self):
        super().setUp()
        self.get = self.patch_api('get', return_value=backup())

    def patch_api(self, name, **kw):
        return self.useFixture(fixtures.MockPatchObject(
            backup_api.API, name, **kw)).mock

    def call(self, method, path, body=None, version='2.80', ctx=None,
             experimental=True, raw_body=None):
        return self.request(method, path, body=body, version=version,
                            ctx=ctx, raw_body=raw_body,
                            headers=EXPERIMENTAL if experimental else None)


class VersionTest(BackupControllerTestCase):

    REQUESTS = (('GET', URL, None), ('GET', URL + '/detail', None),
                ('GET', BACKUP_URL, None),
                ('POST', URL, {'share_backup': {'share_id': 'x'}}),
                ('PUT', BACKUP_URL, {'share_backup': {'name': 'x'}}),
                ('DELETE', BACKUP_URL, None),
                ('POST', ACTION_URL, {'restore': None}))

    def test_before_2_80_every_method_is_404(self):
        for method, path, body in self.REQUESTS:
            self.assertFault(self.call(method, path, body, version='2.79'),
                             404, 'itemNotFound')
        self.get.assert_not_called()

    def test_without_experimental_header_every_method_is_404(self):
        for method, path, body in self.REQUESTS:
            self.assertFault(self.call(method, path, body,
                                       experimental=False), 404)
        self.get.assert_not_called()

    def test_experimental_header_is_echoed(self):
        response = self.call('GET', BACKUP_URL)
        self.assertEqual('True', response.headers[
            microversion.EXPERIMENTAL_HEADER])

    def test_project_scoped_url(self):
        response = self.call('GET', '/v2/%s/share-backups/%s'
                             % (fakes.PROJECT_ID, BACKUP_ID))
        self.assertEqual(200, response.status)


class ListTest(BackupControllerTestCase):

    def setUp(self):
        super().setUp()
        self.get_all = self.patch_api('get_all', return_value=[backup()])

    def test_summary_and_detail(self):
        response = self.call('GET', URL)
        self.assertEqual(200, response.status)
        self.assertEqual({'share_backups'}, set(response.json))
        self.assertEqual(SUMMARY_KEYS,
                         set(response.json['share_backups'][0]))
        response = self.call('GET', URL + '/detail', version='2.85')
        self.assertEqual(DETAIL_KEYS | {'backup_type'},
                         set(response.json['share_backups'][0]))

    def test_filters_and_paging_are_passed(self):
        self.call('GET', URL + '/detail?name=b&name~=x&description=d'
                  '&description~=y&status=error&share_id=s&bogus=1'
                  '&limit=5&offset=2&marker=m&sort_key=name&sort_dir=ASC')
        kwargs = self.get_all.call_args.kwargs
        self.assertEqual({'name': 'b', 'name~': 'x', 'description': 'd',
                          'description~': 'y', 'status': 'error',
                          'share_id': 's'}, kwargs['search_opts'])
        self.assertEqual((5, 2, 'm', 'name', 'asc'),
                         (kwargs['limit'], kwargs['offset'],
                          kwargs['marker'], kwargs['sort_key'],
                          kwargs['sort_dir']))

    def test_display_name_aliases(self):
        self.call('GET', URL + '?display_name=a&display_description=b')
        self.assertEqual({'name': 'a', 'description': 'b'},
                         self.get_all.call_args.kwargs['search_opts'])

    def test_all_tenants_and_project_id_for_admins_only(self):
        query = '?all_tenants=1&project_id=project-b'
        self.call('GET', URL + query)
        self.assertEqual({}, self.get_all.call_args.kwargs['search_opts'])
        self.call('GET', URL + query, ctx=fakes.admin_context())
        self.assertEqual({'all_tenants': True, 'project_id': 'project-b'},
                         self.get_all.call_args.kwargs['search_opts'])
        self.call('GET', URL + '?all_projects=true',
                  ctx=fakes.admin_context())
        self.assertEqual({'all_tenants': True},
                         self.get_all.call_args.kwargs['search_opts'])

    def test_bad_paging_params_400(self):
        for query in ('sort_key=bogus', 'sort_dir=up', 'limit=-1',
                      'offset=x', 'all_tenants=maybe'):
            self.assertFault(self.call('GET', URL + '?' + query), 400,
                             'badRequest')
        self.get_all.assert_not_called()

    def test_business_400_is_rendered(self):
        self.get_all.side_effect = exception.Invalid(
            message='No share exists with ID s.')
        message = self.assertFault(self.call('GET', URL + '?share_id=s'),
                                   400)
        self.assertIn('No share exists', message)

    def test_full_page_has_next_link_with_marker(self):
        response = self.call('GET', URL + '?limit=1&name=b1')
        links = response.json['share_backup_links']
        self.assertEqual('next', links[0]['rel'])
        self.assertIn('/v2/share-backups?', links[0]['href'])
        self.assertIn('marker=%s' % BACKUP_ID, links[0]['href'])
        self.assertIn('name=b1', links[0]['href'])
        response = self.call('GET', URL + '?limit=2')
        self.assertNotIn('share_backup_links', response.json)

    def test_reader_may_list(self):
        response = self.call('GET', URL, ctx=reader_context())
        self.assertEqual(200, response.status)

    def test_no_role_is_403(self):
        response = self.call('GET', URL, ctx=fakes.user_context(roles=[]))
        self.assertFault(response, 403, 'forbidden')


class ShowTest(BackupControllerTestCase):

    def test_show_member_and_admin(self):
        response = self.call('GET', BACKUP_URL)
        self.assertEqual(200, response.status)
        self.assertEqual(DETAIL_KEYS, set(response.json['share_backup']))
        self.get.assert_called_once_with(self.ctx, BACKUP_ID)
        response = self.call('GET', BACKUP_URL, version='2.91',
                             ctx=fakes.admin_context())
        self.assertEqual(DETAIL_KEYS | ADMIN_KEYS | {'backup_type'},
                         set(response.json['share_backup']))

    def test_show_non_uuid_404_without_lookup(self):
        self.assertFault(self.call('GET', URL + '/my-backup'), 404,
                         'itemNotFound')
        self.get.assert_not_called()

    def test_show_missing_404(self):
        self.get.side_effect = exception.ShareBackupNotFound(
            backup_id=BACKUP_ID)
        message = self.assertFault(self.call('GET', BACKUP_URL), 404,
                                   'itemNotFound')
        self.assertIn(BACKUP_ID, message)


class CreateTest(BackupControllerTestCase):

    def setUp(self):
        super().setUp()
        self.create = self.patch_api(
            'create', return_value=backup(status='creating', progress='0'))

    def body(self, **values):
        data = {'share_id': fakes.SHARE_ID}
        data.update(values)
        return {'share_backup': data}

    def test_create_202_with_detail(self):
        response = self.call('POST', URL, self.body(
            name='b1', description='d', backup_options={'backup_type':
                                                        'incremental'}))
        self.assertEqual(202, response.status)
        self.assertEqual(DETAIL_KEYS, set(response.json['share_backup']))
        self.assertEqual('creating', response.json['share_backup']['status'])
        self.create.assert_called_once_with(
            self.ctx, fakes.SHARE_ID, name='b1', description='d',
            backup_options={'backup_type': 'incremental'})

    def test_create_manilaclient_body_with_nulls(self):
        response = self.call('POST', URL, self.body(
            name=None, description=None, backup_options=None))
        self.assertEqual(202, response.status)
        self.create.assert_called_once_with(
            self.ctx, fakes.SHARE_ID, name=None, description=None,
            backup_options=None)

    def test_create_spec_share_key_and_display_names(self):
        response = self.call('POST', URL, {'share_backup': {
            'share': fakes.SHARE_ID, 'display_name': 'n',
            'display_description': 'd'}})
        self.assertEqual(202, response.status)
        self.create.assert_called_once_with(
            self.ctx, fakes.SHARE_ID, name='n', description='d',
            backup_options=None)

    def test_create_without_share_backup_key_422(self):
        for body in ({'backup': {}}, {'share_backup': 'x'}):
            self.assertFault(self.call('POST', URL, body), 422)
        self.create.assert_not_called()

    def test_create_invalid_body_400(self):
        for body in (self.body(share_id=None), {'share_backup': {}},
                     self.body(name='n' * 256), self.body(name=3),
                     self.body(backup_options='full'),
                     self.body(backup_options={'backup_type': 1})):
            self.assertFault(self.call('POST', URL, body), 400,
                             'badRequest')
        self.assertFault(self.call('POST', URL, raw_body=b'{x'), 400)
        self.create.assert_not_called()

    def test_create_non_uuid_share_404(self):
        self.assertFault(self.call('POST', URL, self.body(share_id='x')),
                         404, 'itemNotFound')
        self.create.assert_not_called()

    def test_create_reader_403(self):
        self.assertFault(self.call('POST', URL, self.body(),
                                   ctx=reader_context()), 403, 'forbidden')
        self.create.assert_not_called()

    def test_create_business_errors_keep_their_codes(self):
        errors = (
            (exception.ShareNotFound(share_id='x'), 404, 'itemNotFound'),
            (exception.InvalidShare(reason='not available'), 400,
             'badRequest'),
            (backup_api.BackupBackendUnavailable(), 400, 'badRequest'),
            (backup_api.BackupShareForbidden(reason='soft deleted'), 403,
             'forbidden'),
            (exception.ShareBusy(share_id='x', status='extending'), 409,
             'conflictingRequest'),
            (backup_api.ShareBusyWithTask(share_id='x', task='t'), 409,
             'conflictingRequest'),
            (backup_api.BackupLimitExceeded(allowed=0), 413, 'overLimit'),
            (backup_api.ShareBackupSizeExceedsAvailableQuota(
                requested=2, quota=1, consumed=0), 413, 'overLimit'),
        )
        for error, code, name in errors:
            self.create.side_effect = error
            message = self.assertFault(self.call('POST', URL, self.body()),
                                       code, name)
            self.assertEqual(error.msg, message)


class UpdateTest(BackupControllerTestCase):

    def setUp(self):
        super().setUp()
        self.update = self.patch_api('update',
                                     return_value=backup(display_name='n'))

    def test_update_200_with_detail(self):
        response = self.call('PUT', BACKUP_URL, {'share_backup': {
            'name': 'n', 'description': None, 'status': 'error'}})
        self.assertEqual(200, response.status)
        self.assertEqual('n', response.json['share_backup']['name'])
        self.assertEqual(DETAIL_KEYS, set(response.json['share_backup']))
        self.update.assert_called_once_with(
            self.ctx, BACKUP_ID, {'display_name': 'n',
                                  'display_description': None})

    def test_update_errors(self):
        self.assertFault(self.call('PUT', BACKUP_URL, {'name': 'x'}), 422)
        self.assertFault(self.call('PUT', BACKUP_URL, {
            'share_backup': {'name': 'x' * 256}}), 400)
        self.assertFault(self.call('PUT', URL + '/x', {
            'share_backup': {'name': 'x'}}), 404)
        self.assertFault(self.call('PUT', BACKUP_URL, {
            'share_backup': {'name': 'x'}}, ctx=reader_context()), 403)
        self.update.assert_not_called()

    def test_update_other_owner_403(self):
        self.get.return_value = backup(project_id='project-b')
        self.assertFault(self.call('PUT', BACKUP_URL, {
            'share_backup': {'name': 'x'}}), 403)
        self.update.assert_not_called()


class DeleteTest(BackupControllerTestCase):

    def setUp(self):
        super().setUp()
        self.delete = self.patch_api('delete')

    def test_delete_202_empty(self):
        response = self.call('DELETE', BACKUP_URL)
        self.assertEqual(202, response.status)
        self.assertEqual('', response.text)
        self.delete.assert_called_once_with(self.ctx, BACKUP_ID)

    def test_delete_wrong_status_400(self):
        self.delete.side_effect = exception.InvalidShareBackup(
            reason='Backup status must be available or error')
        self.assertFault(self.call('DELETE', BACKUP_URL), 400, 'badRequest')

    def test_delete_reader_403_missing_404(self):
        self.assertFault(self.call('DELETE', BACKUP_URL,
                                   ctx=reader_context()), 403)
        self.get.side_effect = exception.ShareBackupNotFound(
            backup_id=BACKUP_ID)
        self.assertFault(self.call('DELETE', BACKUP_URL), 404)
        self.delete.assert_not_called()


class RestoreTest(BackupControllerTestCase):

    def setUp(self):
        super().setUp()
        self.restore = self.patch_api('restore', return_value={
            'backup_id': BACKUP_ID, 'share_id': fakes.SHARE_ID})

    def test_restore_to_source_202(self):
        response = self.call('POST', ACTION_URL, {'restore': None})
        self.assertEqual(202, response.status)
        self.assertEqual({'restore': {'backup_id': BACKUP_ID,
                                      'share_id': fakes.SHARE_ID}},
                         response.json)
        self.restore.assert_called_once_with(self.ctx, BACKUP_ID,
                                             target_share_id=None)

    def test_restore_target_from_2_91(self):
        self.restore.return_value = {'backup_id': BACKUP_ID,
                                     'share_id': TARGET_ID}
        response = self.call('POST', ACTION_URL, {'restore': TARGET_ID},
                             version='2.91')
        self.assertEqual(202, response.status)
        self.assertEqual(TARGET_ID, response.json['restore']['share_id'])
        self.restore.assert_called_once_with(self.ctx, BACKUP_ID,
                                             target_share_id=TARGET_ID)
        self.call('POST', ACTION_URL, {'restore': {'share_id': TARGET_ID}},
                  version='2.91')
        self.assertEqual(TARGET_ID,
                         self.restore.call_args.kwargs['target_share_id'])
        self.call('POST', ACTION_URL, {'restore': None}, version='2.91')
        self.assertIsNone(self.restore.call_args.kwargs['target_share_id'])

    def test_restore_target_before_2_91_is_ignored(self):
        self.call('POST', ACTION_URL, {'restore': TARGET_ID},
                  version='2.90')
        self.restore.assert_called_once_with(self.ctx, BACKUP_ID,
                                             target_share_id=None)

    def test_restore_bad_target(self):
        self.assertFault(self.call('POST', ACTION_URL, {'restore': 'x'},
                                   version='2.91'), 404, 'itemNotFound')
        for payload in (5, [TARGET_ID], {'other': 1}):
            self.assertFault(self.call('POST', ACTION_URL,
                                       {'restore': payload},
                                       version='2.91'), 400)
        self.restore.assert_not_called()

    def test_restore_business_errors_keep_their_codes(self):
        errors = ((exception.InvalidShareBackup(reason='x'), 400),
                  (exception.InvalidShare(reason='too small'), 400),
                  (exception.ShareNotFound(share_id=TARGET_ID), 404),
                  (backup_api.BackupShareForbidden(reason='x'), 403),
                  (exception.ShareBusy(share_id='x', status='y'), 409))
        for error, code in errors:
            self.restore.side_effect = error
            self.assertFault(self.call('POST', ACTION_URL,
                                       {'restore': None}), code)

    def test_restore_reader_403(self):
        self.assertFault(self.call('POST', ACTION_URL, {'restore': None},
                                   ctx=reader_context()), 403)
        self.restore.assert_not_called()


class ResetStatusTest(BackupControllerTestCase):

    def setUp(self):
        super().setUp()
        self.reset = self.patch_api('reset_status')

    def test_reset_status_admin_202(self):
        admin = fakes.admin_context()
        response = self.call('POST', ACTION_URL,
                             {'reset_status': {'status': 'error'}},
                             ctx=admin)
        self.assertEqual(202, response.status)
        self.assertEqual('', response.text)
        self.reset.assert_called_once_with(admin, BACKUP_ID, 'error')

    def test_reset_status_member_403(self):
        self.assertFault(self.call('POST', ACTION_URL,
                                   {'reset_status': {'status': 'error'}}),
                         403, 'forbidden')
        self.reset.assert_not_called()

    def test_reset_status_bad_bodies_400(self):
        admin = fakes.admin_context()
        for payload in ({}, None, {'status': 3}, 'error'):
            self.assertFault(self.call('POST', ACTION_URL,
                                       {'reset_status': payload},
                                       ctx=admin), 400)
        self.reset.side_effect = exception.InvalidInput(reason='bad state')
        self.assertFault(self.call('POST', ACTION_URL,
                                   {'reset_status': {'status': 'deleted'}},
                                   ctx=admin), 400)

    def test_unknown_or_malformed_action_400(self):
        self.assertFault(self.call('POST', ACTION_URL, {'teleport': None}),
                         400)
        self.assertFault(self.call('POST', ACTION_URL,
                                   {'restore': None, 'reset_status': {}}),
                         400)
