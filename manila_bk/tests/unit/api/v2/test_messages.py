"""/messages (>= 2.37): list with filters and paging, show, delete."""

import datetime
from unittest import mock

from manila_bk.db import models
from manila_bk import exception
from manila_bk.message import api as message_api
from manila_bk.message import message_field
from manila_bk.tests.unit.api import base

MESSAGE_ID = '66666666-6666-4666-8666-666666666666'


def _message(message_id=MESSAGE_ID):
    return models.Message(
        id=message_id, project_id='project-a', request_id='req-1',
        resource_type='SHARE', resource_id='s1', action_id='001',
        detail_id='002', message_level='ERROR',
        created_at=datetime.datetime(2024, 1, 1, 0, 0, 0),
        expires_at=datetime.datetime(2024, 2, 1, 0, 0, 0))


class TestMessages(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        self.api = mock.Mock()
        for name in ('get', 'get_all', 'delete'):
            patcher = mock.patch.object(message_api.API, name,
                                        getattr(self.api, name))
            patcher.start()
            self.addCleanup(patcher.stop)

    def test_show_renders_manila_fields(self):
        self.api.get.return_value = _message()
        response = self.request('/v2/messages/%s' % MESSAGE_ID,
                                version='2.37', roles=base.READER)
        body = self.json(response)['message']
        self.assertEqual({'id', 'project_id', 'request_id', 'resource_type',
                          'resource_id', 'action_id', 'detail_id',
                          'message_level', 'user_message', 'created_at',
                          'expires_at', 'links'}, set(body))
        self.assertEqual('2024-01-01T00:00:00.000000', body['created_at'])
        self.assertEqual('%s: %s' % (message_field.translate_action('001'),
                                     message_field.translate_detail('002')),
                         body['user_message'])
        self.assertEqual('http://localhost/v2/messages/%s' % MESSAGE_ID,
                         body['links'][0]['href'])

    def test_index_passes_filters_paging_and_default_sort(self):
        self.api.get_all.return_value = [_message('m1'), _message('m2')]
        response = self.request(
            '/v2/messages?resource_type=SHARE&limit=2&bogus=1',
            version='2.37')
        body = self.json(response)
        self.assertEqual(['m1', 'm2'], [m['id'] for m in body['messages']])
        self.assertIn('marker=m2', body['messages_links'][0]['href'])
        kwargs = self.api.get_all.call_args[1]
        self.assertEqual({'resource_type': 'SHARE'}, kwargs['search_opts'])
        self.assertEqual((2, 'created_at', 'desc'),
                         (kwargs['limit'], kwargs['sort_key'],
                          kwargs['sort_dir']))

    def test_index_time_filters_from_2_52(self):
        self.api.get_all.return_value = []
        self.request('/v2/messages?created_since=2024-01-01T00:00:00',
                     version='2.52')
        opts = self.api.get_all.call_args[1]['search_opts']
        self.assertEqual(datetime.datetime(2024, 1, 1),
                         opts['created_since'])
        self.request('/v2/messages?created_since=2024-01-01T00:00:00',
                     version='2.51')
        self.assertEqual({}, self.api.get_all.call_args[1]['search_opts'])
        response = self.request('/v2/messages?created_before=yesterday',
                                version='2.52')
        self.assertFault(response, 400, 'badRequest')

    def test_index_bad_sort_key_is_400(self):
        response = self.request('/v2/messages?sort_key=secret',
                                version='2.37')
        self.assertFault(response, 400, 'badRequest')
        self.assertFalse(self.api.get_all.called)

    def test_delete_answers_204(self):
        response = self.request('/v2/messages/%s' % MESSAGE_ID, 'DELETE',
                                version='2.37', roles=base.MEMBER)
        self.assertEqual(204, response.status_int)
        self.assertEqual(b'', response.body)
        self.assertEqual(MESSAGE_ID, self.api.delete.call_args[0][1])

    def test_delete_as_reader_forbidden(self):
        response = self.request('/v2/messages/%s' % MESSAGE_ID, 'DELETE',
                                version='2.37', roles=base.READER)
        self.assertFault(response, 403, 'forbidden')

    def test_show_missing_is_404(self):
        self.api.get.side_effect = exception.MessageNotFound(
            message_id='nope')
        response = self.request('/v2/messages/nope', version='2.37')
        self.assertFault(response, 404, 'itemNotFound')
