"""User messages (manila_bk.message.api)."""

import datetime

from manila_bk.common import utils
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.message import api as message_api
from manila_bk.message import message_field as mf
from manila_bk.tests import base


class MessageAPITestCase(base.DBTestCase):

    def setUp(self):
        super().setUp()
        self.api = message_api.API()
        self.user = self.user_context('project-a')

    def _create(self, ctx=None, **kw):
        args = dict(resource_type=mf.Resource.SHARE, resource_id='s1',
                    action_id=mf.Action.CREATE,
                    detail_id=mf.Detail.NO_VALID_HOST)
        args.update(kw)
        return self.api.create(ctx or self.user, **args)

    def test_create_sets_fields_and_expiry(self):
        self.flags(message_ttl=3600)
        message = self._create()
        self.assertEqual(('project-a', 'SHARE', 's1', '002', '002',
                          'ERROR'),
                         (message.project_id, message.resource_type,
                          message.resource_id, message.action_id,
                          message.detail_id, message.message_level))
        self.assertEqual(self.user.request_id, message.request_id)
        ttl = message.expires_at - utils.utcnow()
        self.assertTrue(datetime.timedelta(minutes=59) < ttl
                        <= datetime.timedelta(hours=1))
        self.assertEqual('create: ' + mf.Detail.NO_VALID_HOST[1],
                         self.api.get(self.user, message.id).user_message)

    def test_create_for_other_project_from_service_context(self):
        exc = exception.NoValidHost(reason='x')
        exc.detail_id = '009'
        message = self.api.create(self.ctx, mf.Resource.SHARE, 's1',
                                  mf.Action.CREATE, exc=exc,
                                  project_id='project-a')
        self.assertEqual('009', message.detail_id)
        self.assertEqual([message.id],
                         [m.id for m in self.api.get_all(self.user)])

    def test_create_without_project_dropped_not_raised(self):
        self.assertIsNone(self.api.create(self.ctx, 'SHARE', 's1',
                                          mf.Action.CREATE))

    def test_get_all_filters_and_isolation(self):
        self._create(resource_id='s1')
        self._create(resource_id='s2', action_id=mf.Action.EXTEND)
        self._create(self.user_context('project-b'))
        self.assertEqual(2, len(self.api.get_all(self.user)))
        found = self.api.get_all(self.user, {'action_id': '008'})
        self.assertEqual(['s2'], [m.resource_id for m in found])
        self.assertEqual(3, len(self.api.get_all(self.ctx)))
        self.assertRaises(exception.InvalidInput, self.api.get_all,
                          self.user, {'created_since': 'yesterday'})

    def test_delete_and_other_project_404(self):
        mine = self._create()
        theirs = self._create(self.user_context('project-b'))
        self.assertRaises(exception.MessageNotFound, self.api.get,
                          self.user, theirs.id)
        self.assertRaises(exception.MessageNotFound, self.api.delete,
                          self.user, theirs.id)
        self.api.delete(self.user, mine.id)
        self.assertRaises(exception.MessageNotFound, self.api.get,
                          self.user, mine.id)

    def test_cleanup_expired(self):
        message = self._create()
        db.message_create(self.ctx, {
            'project_id': 'project-a', 'action_id': '002',
            'message_level': 'ERROR',
            'expires_at': utils.utcnow() - datetime.timedelta(seconds=1)})
        self.assertEqual(1, self.api.cleanup_expired(self.ctx))
        self.assertEqual([message.id],
                         [m.id for m in self.api.get_all(self.user)])
