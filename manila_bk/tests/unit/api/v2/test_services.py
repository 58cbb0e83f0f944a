"""/services: list with filters, enable and disable (admin only)."""

import datetime

import fixtures

from manila_bk import exception
from manila_bk.share import info
from manila_bk.tests.unit.api import base

UPDATED = datetime.datetime(2024, 5, 6, 7, 8, 9)


def _service(service_id, host, binary, status='enabled', state='up',
             reason=None):
    return {'id': service_id, 'binary': binary, 'host': host,
            'zone': 'nova', 'status': status, 'state': state,
            'updated_at': UPDATED, 'disabled_reason': reason}


SERVICES = [_service(1, 'node1@local', 'manila-bk-share'),
            _service(2, 'node1', 'manila-bk-data', status='disabled',
                     state='down', reason='maintenance')]


class TestServices(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        self.list_services = self.useFixture(fixtures.MockPatchObject(
            info, 'list_services', return_value=SERVICES)).mock
        self.update_service = self.useFixture(fixtures.MockPatchObject(
            info, 'update_service')).mock

    def test_index_renders_manila_fields(self):
        response = self.request('/v2/services', version='2.7')
        self.assertEqual(200, response.status_int)
        first = self.json(response)['services'][0]
        self.assertEqual({'id': 1, 'binary': 'manila-bk-share',
                          'host': 'node1@local', 'zone': 'nova',
                          'status': 'enabled', 'state': 'up',
                          'updated_at': '2024-05-06T07:08:09.000000'}, first)

    def test_index_from_2_83_adds_disabled_reason(self):
        response = self.request('/v2/services', version='2.83')
        services = self.json(response)['services']
        self.assertEqual([None, 'maintenance'],
                         [s['disabled_reason'] for s in services])

    def test_index_filters_exact_values(self):
        response = self.request('/v2/services?state=down&binary=manila-bk-'
                                'data', version='2.7')
        self.assertEqual([2], [s['id'] for s in
                               self.json(response)['services']])
        filters = self.list_services.call_args[0][1]
        self.assertEqual({'state': 'down', 'binary': 'manila-bk-data'},
                         filters)
        response = self.request('/v2/services?host=nowhere', version='2.7')
        self.assertEqual({'services': []}, self.json(response))

    def test_legacy_os_services_up_to_2_6(self):
        response = self.request('/v2/os-services', version='2.6')
        self.assertEqual(2, len(self.json(response)['services']))

    def test_index_non_admin_forbidden(self):
        response = self.request('/v2/services', version='2.7',
                                roles=base.MEMBER)
        self.assertFault(response, 403, 'forbidden')

    def test_disable_before_2_83_answers_disabled_flag(self):
        self.update_service.return_value = {
            'host': 'node1', 'binary': 'manila-bk-data', 'disabled': True,
            'status': 'disabled', 'disabled_reason': None}
        response = self.request('/v2/services/disable', 'PUT',
                                body={'host': 'node1',
                                      'binary': 'manila-bk-data'},
                                version='2.7')
        self.assertEqual(200, response.status_int)
        self.assertEqual({'host': 'node1', 'binary': 'manila-bk-data',
                          'disabled': True}, self.json(response))
        args, kwargs = self.update_service.call_args
        self.assertEqual(('node1', 'manila-bk-data'), args[1:])
        self.assertEqual({'disabled': True, 'reason': None}, kwargs)

    def test_disable_from_2_83_passes_reason_and_answers_status(self):
        self.update_service.return_value = {
            'host': 'node1', 'binary': 'manila-bk-data', 'disabled': True,
            'status': 'disabled', 'disabled_reason': 'disk swap'}
        response = self.request('/v2/services/disable', 'PUT', body={
            'host': 'node1', 'binary': 'manila-bk-data',
            'disabled_reason': 'disk swap'}, version='2.83')
        self.assertEqual({'host': 'node1', 'binary': 'manila-bk-data',
                          'status': 'disabled',
                          'disabled_reason': 'disk swap'},
                         self.json(response))
        self.assertEqual('disk swap',
                         self.update_service.call_args[1]['reason'])

    def test_enable_with_reason_is_400(self):
        response = self.request('/v2/services/enable', 'PUT', body={
            'host': 'node1', 'binary': 'b', 'disabled_reason': 'x'},
            version='2.83')
        self.assertFault(response, 400, 'badRequest')
        self.assertFalse(self.update_service.called)

    def test_update_unknown_action_or_service_is_404(self):
        response = self.request('/v2/services/reboot', 'PUT', body={
            'host': 'node1', 'binary': 'b'}, version='2.7')
        self.assertFault(response, 404, 'itemNotFound')
        self.update_service.side_effect = exception.ServiceNotFound(
            service_id='node9/b')
        response = self.request('/v2/services/enable', 'PUT', body={
            'host': 'node9', 'binary': 'b'}, version='2.7')
        self.assertFault(response, 404, 'itemNotFound')

    def test_update_missing_binary_is_400(self):
        response = self.request('/v2/services/enable', 'PUT',
                                body={'host': 'node1'}, version='2.7')
        fault = self.assertFault(response, 400, 'badRequest')
        self.assertIn('binary', fault['message'])
