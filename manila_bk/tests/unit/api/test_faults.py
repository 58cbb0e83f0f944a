"""Manila fault bodies from exceptions and from foreign error responses."""

from unittest import mock

from oslo_serialization import jsonutils
import testtools
import webob
import webob.exc

from manila_bk.api import faults
from manila_bk import exception


def _body(response):
    return jsonutils.loads(response.body)


class TestFaultResponse(testtools.TestCase):

    def test_fault_response_uses_manila_fault_names(self):
        for code, name in ((400, 'badRequest'), (401, 'unauthorized'),
                           (403, 'forbidden'), (404, 'itemNotFound'),
                           (405, 'badMethod'), (406, 'notAcceptable'),
                           (409, 'conflictingRequest'), (413, 'overLimit'),
                           (500, 'computeFault'), (503,
                                                   'serviceUnavailable')):
            response = faults.fault_response(code, 'boom')
            self.assertEqual(code, response.status_int)
            self.assertEqual({name: {'code': code, 'message': 'boom'}},
                             _body(response))

    def test_fault_response_413_with_retry_after_adds_retry_after(self):
        response = faults.fault_response(413, 'quota',
                                         {'Retry-After': '0'})
        self.assertEqual('0', response.headers['Retry-After'])
        self.assertEqual('0', _body(response)['overLimit']['retryAfter'])


class TestFromException(testtools.TestCase):

    def test_from_exception_manila_bk_exception_keeps_code_and_message(self):
        exc = exception.ShareNotFound(share_id='abc')
        body = _body(faults.from_exception(exc))
        self.assertEqual({'itemNotFound': {
            'code': 404, 'message': 'Share abc could not be found.'}}, body)

    def test_from_exception_over_quota_is_413_with_retry_after(self):
        response = faults.from_exception(exception.OverQuota(overs='shares'))
        self.assertEqual(413, response.status_int)
        self.assertIn('Retry-After', response.headers)
        self.assertIn('shares', _body(response)['overLimit']['message'])

    def test_from_exception_unexpected_error_is_generic_500_and_logged(self):
        with mock.patch.object(faults.LOG, 'error') as log:
            response = faults.from_exception(RuntimeError('secret detail'))
        self.assertEqual(500, response.status_int)
        fault = _body(response)['computeFault']
        self.assertEqual(faults.GENERIC_500, fault['message'])
        self.assertNotIn(b'secret', response.body)
        self.assertTrue(log.called)

    def test_from_exception_unsafe_internal_error_hides_message(self):
        response = faults.from_exception(
            exception.ShareDriverException(reason='password=xyz'))
        self.assertEqual(500, response.status_int)
        self.assertNotIn(b'xyz', response.body)

    def test_from_exception_webob_error_keeps_status(self):
        response = faults.from_exception(
            webob.exc.HTTPRequestEntityTooLarge(explanation='too big'))
        self.assertEqual({'overLimit': {'code': 413,
                                        'message': 'too big'}},
                         _body(response))


class TestFaultWrapper(testtools.TestCase):

    def _wrap(self, inner):
        return faults.FaultWrapper(inner)

    def test_wrapper_turns_middleware_exception_into_fault(self):
        def inner(environ, start_response):
            environ['openstack.request_id'] = 'req-1'
            raise exception.NotAuthenticated()

        response = webob.Request.blank('/v2/x').get_response(
            self._wrap(inner))
        self.assertEqual(401, response.status_int)
        self.assertIn('unauthorized', _body(response))
        self.assertEqual('req-1',
                         response.headers['x-openstack-request-id'])
        self.assertEqual('req-1', response.headers['x-compute-request-id'])

    def test_wrapper_rewrites_keystone_401_body_keeping_auth_header(self):
        @webob.dec.wsgify
        def inner(req):
            response = webob.Response(status=401,
                                      content_type='application/json')
            response.text = jsonutils.dumps({'error': {
                'code': 401, 'title': 'Unauthorized',
                'message': 'The request you have made requires '
                           'authentication.'}})
            response.headers['WWW-Authenticate'] = "Keystone uri='x'"
            return response

        response = webob.Request.blank('/v2/x').get_response(
            self._wrap(inner))
        self.assertEqual(401, response.status_int)
        self.assertEqual({'unauthorized': {
            'code': 401,
            'message': 'The request you have made requires '
                       'authentication.'}}, _body(response))
        self.assertEqual("Keystone uri='x'",
                         response.headers['WWW-Authenticate'])

    def test_wrapper_rewrites_html_error_page(self):
        inner = webob.exc.HTTPServiceUnavailable()
        response = webob.Request.blank('/v2/x').get_response(
            self._wrap(inner))
        self.assertEqual(503, response.status_int)
        self.assertIn('serviceUnavailable', _body(response))

    def test_wrapper_leaves_manila_faults_and_successes_alone(self):
        fault = faults.fault_response(409, 'busy')
        response = webob.Request.blank('/v2/x').get_response(
            self._wrap(fault))
        self.assertEqual(fault.body, response.body)
        ok = webob.Response(body=b'plain')
        response = webob.Request.blank('/v2/x').get_response(self._wrap(ok))
        self.assertEqual(b'plain', response.body)
