"""noauth and keystone request contexts."""

from unittest import mock

from oslo_serialization import jsonutils
import webob
import webob.dec

from manila_bk.api import auth
from manila_bk.api import common
from manila_bk import exception
from manila_bk import policy
from manila_bk.tests import base


class _Capture(object):
    """Inner WSGI app remembering the context it was given."""

    def __init__(self):
        self.context = None

    @webob.dec.wsgify
    def __call__(self, req):
        self.context = req.environ[common.ENV_CONTEXT]
        return webob.Response(body=b'ok')


class AuthTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        policy.reset()
        self.addCleanup(policy.reset)
        self.inner = _Capture()


class TestNoAuth(AuthTestCase):

    def _call(self, headers=None, environ=None):
        request = webob.Request.blank('/v2/shares', headers=headers or {},
                                      environ=environ or {})
        response = request.get_response(
            auth.NoAuthMiddleware(self.inner))
        self.assertEqual(200, response.status_int)
        return self.inner.context

    def test_noauth_token_user_project_builds_context(self):
        ctx = self._call({'X-Auth-Token': 'alice:proj1'})
        self.assertEqual(('alice', 'proj1'), (ctx.user_id, ctx.project_id))
        self.assertEqual(['admin', 'member', 'reader'], ctx.roles)
        self.assertTrue(ctx.is_admin)

    def test_noauth_token_without_project_uses_user_as_project(self):
        ctx = self._call({'X-Auth-Token': 'bob'})
        self.assertEqual(('bob', 'bob'), (ctx.user_id, ctx.project_id))

    def test_noauth_no_token_is_admin_of_admin_project(self):
        ctx = self._call()
        self.assertEqual(('admin', 'admin'), (ctx.user_id, ctx.project_id))
        self.assertTrue(ctx.is_admin)

    def test_noauth_roles_header_sets_persona(self):
        ctx = self._call({'X-Auth-Token': 'carol:p', 'X-Roles':
                          'member, reader'})
        self.assertEqual(['member', 'reader'], ctx.roles)
        self.assertFalse(ctx.is_admin)

    def test_noauth_context_carries_request_ids(self):
        ctx = self._call(environ={'openstack.request_id': 'req-a',
                                  'openstack.global_request_id': 'req-g'})
        self.assertEqual('req-a', ctx.request_id)
        self.assertEqual('req-g', ctx.global_request_id)


class TestKeystoneContext(AuthTestCase):

    def _call(self, headers):
        request = webob.Request.blank('/v2/shares', headers=headers)
        return request.get_response(
            auth.KeystoneContextMiddleware(self.inner))

    def test_keystone_headers_build_context(self):
        catalog = [{'type': 'shared-file-system', 'endpoints': []}]
        response = self._call({
            'X-Identity-Status': 'Confirmed', 'X-User-Id': 'u1',
            'X-Project-Id': 'p1', 'X-Roles': 'reader,member',
            'X-Auth-Token': 'tok', 'X-User-Name': 'alice',
            'X-Project-Name': 'demo',
            'X-Service-Catalog': jsonutils.dumps(catalog)})
        self.assertEqual(200, response.status_int)
        ctx = self.inner.context
        self.assertEqual(('u1', 'p1'), (ctx.user_id, ctx.project_id))
        self.assertEqual(['reader', 'member'], ctx.roles)
        self.assertEqual('tok', ctx.auth_token)
        self.assertEqual(catalog, ctx.service_catalog)
        self.assertFalse(ctx.is_admin)

    def test_keystone_admin_role_is_admin_per_policy(self):
        self._call({'X-User-Id': 'u1', 'X-Project-Id': 'p1',
                    'X-Roles': 'admin'})
        self.assertTrue(self.inner.context.is_admin)

    def test_keystone_unconfirmed_identity_raises_401(self):
        request = webob.Request.blank('/v2/shares', headers={
            'X-Identity-Status': 'Invalid', 'X-User-Id': 'u1'})
        self.assertRaises(exception.NotAuthenticated, request.get_response,
                          auth.KeystoneContextMiddleware(self.inner))

    def test_keystone_bad_catalog_raises_400(self):
        request = webob.Request.blank('/v2/shares', headers={
            'X-User-Id': 'u1', 'X-Project-Id': 'p1',
            'X-Service-Catalog': '{not json'})
        self.assertRaises(exception.InvalidInput, request.get_response,
                          auth.KeystoneContextMiddleware(self.inner))


class TestPipeline(AuthTestCase):

    def test_pipeline_noauth_by_default(self):
        self.assertIsInstance(auth.pipeline(self.inner),
                              auth.NoAuthMiddleware)

    def test_pipeline_keystone_wraps_auth_token(self):
        self.flags(auth_strategy='keystone')
        with mock.patch.object(auth.auth_token, 'AuthProtocol') as proto:
            app = auth.pipeline(self.inner)
        self.assertIs(proto.return_value, app)
        wrapped, conf = proto.call_args[0]
        self.assertIsInstance(wrapped, auth.KeystoneContextMiddleware)
        self.assertIs(auth.CONF, conf['oslo_config_config'])
