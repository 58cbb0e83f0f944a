"""POST /v2/shares/{id}/action: dispatch by name and microversion."""


from manila_bk import exception
from manila_bk.tests.unit.api.v2 import fakes

URL = '/v2/shares/%s/action' % fakes.SHARE_ID


class ShareActionDispatchTest(fakes.ControllerTestCase):

    def setUp(self):
        super().setUp()
        self.get = self.patch_share_api('get', return_value=fakes.share())

    def _action(self, body, version='2.91', ctx=None):
        return self.request('POST', URL, body, version=version, ctx=ctx)

    def test_unknown_action_is_400(self):
        message = self.assertFault(self._action({'bogus': None}), 400)
        self.assertEqual('There is no such action: bogus', message)

    def test_two_actions_in_one_body_is_400(self):
        response = self._action({'extend': {'new_size': 2},
                                 'shrink': {'new_size': 1}})
        self.assertEqual('Malformed request body',
                         self.assertFault(response, 400))

    def test_legacy_name_after_2_6_is_404(self):
        extend = self.patch_share_api('extend')
        response = self._action({'os-extend': {'new_size': 2}}, '2.7')
        self.assertFault(response, 404, 'itemNotFound')
        extend.assert_not_called()

    def test_new_name_before_2_7_is_404(self):
        self.assertFault(self._action({'extend': {'new_size': 2}}, '2.6'),
                         404)

    def test_legacy_extend_before_2_7(self):
        extend = self.patch_share_api('extend')
        response = self._action({'os-extend': {'new_size': '3'}}, '2.6')
        self.assertEqual(202, response.status)
        extend.assert_called_once_with(self.ctx, fakes.SHARE_ID, 3,
                                       force=False)

    def test_revert_needs_2_27(self):
        revert = self.patch_share_api('revert_to_snapshot')
        body = {'revert': {'snapshot_id': fakes.SNAPSHOT_ID}}
        self.assertFault(self._action(body, '2.26'), 404)
        self.assertEqual(202, self._action(body, '2.27').status)
        revert.assert_called_once_with(self.ctx, fakes.SHARE_ID,
                                       fakes.SNAPSHOT_ID)

    def test_access_list_action_ends_at_2_44(self):
        self.patch_share_api('access_list', return_value=[])
        self.assertEqual(200, self._action({'access_list': None},
                                           '2.44').status)
        self.assertFault(self._action({'access_list': None}, '2.45'), 404)

    def test_soft_delete_and_restore_need_2_69(self):
        self.assertFault(self._action({'soft_delete': None}, '2.68'), 404)
        self.assertFault(self._action({'restore': None}, '2.68'), 404)


class ShareResizeTest(fakes.ControllerTestCase):

    def setUp(self):
        super().setUp()
        self.get = self.patch_share_api('get', return_value=fakes.share())
        self.extend = self.patch_share_api('extend')
        self.shrink = self.patch_share_api('shrink')

    def test_extend_answers_202(self):
        response = self.request('POST', URL, {'extend': {'new_size': 2}})
        self.assertEqual(202, response.status)
        self.assertEqual('', response.text)
        self.extend.assert_called_once_with(self.ctx, fakes.SHARE_ID, 2,
                                            force=False)

    def test_extend_force_needs_admin(self):
        response = self.request('POST', URL,
                                {'extend': {'new_size': 2, 'force': True}})
        self.assertFault(response, 403)
        self.extend.assert_not_called()

    def test_extend_force_ignored_before_2_64(self):
        response = self.request('POST', URL,
                                {'extend': {'new_size': 2, 'force': True}},
                                version='2.63')
        self.assertEqual(202, response.status)
        self.assertIs(False, self.extend.call_args.kwargs['force'])

    def test_extend_force_as_admin(self):
        self.request('POST', URL, {'extend': {'new_size': 2,
                                              'force': 'true'}},
                     ctx=fakes.admin_context())
        self.assertIs(True, self.extend.call_args.kwargs['force'])

    def test_extend_bad_size_is_400(self):
        for body in ({'new_size': 'big'}, {'new_size': -1}, {},
                     {'new_size': None}):
            self.assertFault(self.request('POST', URL, {'extend': body}),
                             400)
        self.extend.assert_not_called()

    def test_extend_soft_deleted_share_is_403(self):
        self.get.return_value = fakes.share(is_soft_deleted=True)
        response = self.request('POST', URL, {'extend': {'new_size': 2}})
        self.assertFault(response, 403)

    def test_shrink_answers_202(self):
        response = self.request('POST', URL, {'shrink': {'new_size': '1'}})
        self.assertEqual(202, response.status)
        self.shrink.assert_called_once_with(self.ctx, fakes.SHARE_ID, 1)

    def test_extend_errors_of_business_layer_propagate(self):
        self.extend.side_effect = exception.InvalidInput(reason='too small')
        response = self.request('POST', URL, {'extend': {'new_size': 1}})
        self.assertIn('too small', self.assertFault(response, 400))


class ShareAdminActionsTest(fakes.ControllerTestCase):

    def setUp(self):
        super().setUp()
        self.get = self.patch_share_api('get', return_value=fakes.share())
        self.admin = fakes.admin_context()

    def test_reset_status_as_admin(self):
        reset = self.patch_share_api('reset_status')
        response = self.request('POST', URL,
                                {'reset_status': {'status': 'error'}},
                                ctx=self.admin)
        self.assertEqual(202, response.status)
        reset.assert_called_once_with(self.admin, fakes.SHARE_ID, 'error')

    def test_legacy_reset_status_accepts_os_status(self):
        reset = self.patch_share_api('reset_status')
        response = self.request(
            'POST', URL, {'os-reset_status': {'os-status': 'available'}},
            version='2.6', ctx=self.admin)
        self.assertEqual(202, response.status)
        reset.assert_called_once_with(self.admin, fakes.SHARE_ID,
                                      'available')

    def test_reset_status_invalid_status_is_400(self):
        self.patch_share_api('reset_status')
        for body in ({'status': 'bogus'}, {}):
            response = self.request('POST', URL, {'reset_status': body},
                                    ctx=self.admin)
            self.assertFault(response, 400)

    def test_reset_status_as_member_is_403(self):
        reset = self.patch_share_api('reset_status')
        response = self.request('POST', URL,
                                {'reset_status': {'status': 'error'}})
        self.assertFault(response, 403)
        reset.assert_not_called()

    def test_force_delete_as_admin(self):
        delete = self.patch_share_api('delete')
        response = self.request('POST', URL, {'force_delete': None},
                                ctx=self.admin)
        self.assertEqual(202, response.status)
        delete.assert_called_once_with(self.admin, fakes.SHARE_ID,
                                       force=True)

    def test_force_delete_as_member_is_403(self):
        self.patch_share_api('delete', side_effect=fakes.not_called())
        self.assertFault(self.request('POST', URL, {'force_delete': {}}),
                         403)


class ShareRecycleBinTest(fakes.ControllerTestCase):

    def setUp(self):
        super().setUp()
        self.get = self.patch_share_api('get', return_value=fakes.share())

    def test_soft_delete_answers_202(self):
        soft_delete = self.patch_share_api('soft_delete')
        response = self.request('POST', URL, {'soft_delete': None})
        self.assertEqual(202, response.status)
        soft_delete.assert_called_once_with(self.ctx, fakes.SHARE_ID)

    def test_soft_delete_busy_share_is_403(self):
        self.patch_share_api('soft_delete', side_effect=exception.ShareBusy(
            share_id=fakes.SHARE_ID, status='extending'))
        self.assertFault(self.request('POST', URL, {'soft_delete': None}),
                         403)

    def test_restore_soft_deleted_share_answers_202(self):
        self.get.return_value = fakes.share(is_soft_deleted=True)
        restore = self.patch_share_api('restore')
        response = self.request('POST', URL, {'restore': None})
        self.assertEqual(202, response.status)
        restore.assert_called_once_with(self.ctx, fakes.SHARE_ID)

    def test_restore_share_not_in_recycle_bin_is_a_no_op(self):
        restore = self.patch_share_api('restore')
        response = self.request('POST', URL, {'restore': None})
        self.assertEqual(200, response.status)
        restore.assert_not_called()

    def test_restore_share_being_deleted_is_403(self):
        self.get.return_value = fakes.share(is_soft_deleted=True,
                                            status='deleting')
        restore = self.patch_share_api('restore')
        self.assertFault(self.request('POST', URL, {'restore': None}), 403)
        restore.assert_not_called()


class ShareRevertTest(fakes.ControllerTestCase):

    def setUp(self):
        super().setUp()
        self.get = self.patch_share_api('get', return_value=fakes.share())
        self.revert = self.patch_share_api('revert_to_snapshot')

    def _revert(self, snapshot_id=fakes.SNAPSHOT_ID):
        return self.request('POST', URL,
                            {'revert': {'snapshot_id': snapshot_id}})

    def test_revert_answers_202(self):
        response = self._revert()
        self.assertEqual(202, response.status)
        self.assertEqual('', response.text)

    def test_revert_missing_snapshot_id_is_400(self):
        self.assertFault(self.request('POST', URL, {'revert': {}}), 400)
        self.revert.assert_not_called()

    def test_revert_bad_snapshot_id_is_400(self):
        self.assertFault(self._revert('not-a-uuid'), 400)
        self.revert.assert_not_called()

    def test_revert_unknown_snapshot_is_400(self):
        self.revert.side_effect = exception.ShareSnapshotNotFound(
            snapshot_id=fakes.SNAPSHOT_ID)
        self.assertFault(self._revert(), 400, 'badRequest')

    def test_revert_unknown_share_is_404(self):
        self.get.side_effect = exception.ShareNotFound(
            share_id=fakes.SHARE_ID)
        self.assertFault(self._revert(), 404)
        self.revert.assert_not_called()

    def test_revert_conflict_from_business_layer_is_409(self):
        self.revert.side_effect = exception.Conflict(
            message='Snapshot is not the latest')
        self.assertFault(self._revert(), 409, 'conflictingRequest')

    def test_revert_soft_deleted_share_is_403(self):
        self.get.return_value = fakes.share(is_soft_deleted=True)
        self.assertFault(self._revert(), 403)
        self.revert.assert_not_called()


class ShareResetTaskStateTest(fakes.ControllerTestCase):
    """``openstack share set`` sends reset_task_state on every call."""

    def setUp(self):
        super().setUp()
        self.get = self.patch_share_api('get', return_value=fakes.share())
        self.admin = fakes.admin_context()

    def _reset_task(self, task_state=None, experimental=True, ctx=None):
        headers = ({'X-OpenStack-Manila-API-Experimental': 'True'}
                   if experimental else {})
        return self.request('POST', URL,
                            {'reset_task_state': {'task_state': task_state}},
                            ctx=ctx or self.admin, headers=headers)

    def test_reset_to_null_as_admin_answers_202(self):
        self.assertEqual(202, self._reset_task().status)

    def test_reset_needs_experimental_header(self):
        self.assertFault(self._reset_task(experimental=False), 404)

    def test_reset_to_null_as_member_answers_202(self):
        # what "openstack share set --name x" sends for every user
        self.assertEqual(202, self._reset_task(ctx=self.ctx).status)

    def test_reset_to_state_as_member_is_403(self):
        self.assertFault(self._reset_task('migration_error', ctx=self.ctx),
                         403)

    def test_reset_to_null_as_reader_is_403(self):
        reader = fakes.user_context(roles=['reader'])
        self.assertFault(self._reset_task(ctx=reader), 403)

    def test_reset_to_migration_state_is_400(self):
        self.assertFault(self._reset_task('migration_error'), 400)
