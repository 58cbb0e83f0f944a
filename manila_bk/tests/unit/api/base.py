"""Requests through the complete WSGI stack of the API, in process.

``ApiTestCase.request()`` builds a webob request (noauth tokens, roles,
microversion headers) and returns the response of ``app.setup_app()``:
fault wrapper, request id, size limit, auth, pecan hooks and routing are
the real ones.  Tests patch the business layer, never the framework.
"""

from oslo_serialization import jsonutils
import webob

from manila_bk.api import app
from manila_bk import policy
from manila_bk.tests import base

PROJECT_ID = 'project-a'
USER_ID = 'user-a'
MEMBER = ('member', 'reader')
READER = ('reader',)
ADMIN = ('admin', 'member', 'reader')


class ApiTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        policy.reset()
        self.addCleanup(policy.reset)
        self.app = app.setup_app()

    def request(self, path, method='GET', body=None, version=None,
                project_id=PROJECT_ID, user_id=USER_ID, roles=ADMIN,
                headers=None, content_type='application/json',
                experimental=False):
        """Send a request as ``user_id:project_id`` with ``roles``.

        ``body`` (a dict) is JSON-encoded; bytes or str go as they are.
        ``project_id=None`` sends no token (noauth's admin/admin).
        """
        req = webob.Request.blank(path, method=method)
        if project_id is not None:
            req.headers['X-Auth-Token'] = '%s:%s' % (user_id, project_id)
        if roles is not None:
            req.headers['X-Roles'] = ','.join(roles)
        if version is not None:
            req.headers['X-OpenStack-Manila-API-Version'] = version
        if experimental:
            req.headers['X-OpenStack-Manila-API-Experimental'] = 'True'
        if body is not None:
            if isinstance(body, dict):
                body = jsonutils.dumps(body)
            req.body = body.encode() if isinstance(body, str) else body
            if content_type:
                req.content_type = content_type
        for key, value in (headers or {}).items():
            req.headers[key] = value
        return req.get_response(self.app)

    def json(self, response):
        return jsonutils.loads(response.body)

    def assertFault(self, response, code, name):
        """``response`` is a Manila fault ``{name: {code, message}}``."""
        self.assertEqual(code, response.status_int, response.body)
        self.assertEqual('application/json', response.content_type)
        body = self.json(response)
        self.assertEqual([name], list(body))
        self.assertEqual(code, body[name]['code'])
        self.assertIsInstance(body[name]['message'], str)
        self.assertTrue(body[name]['message'])
        return body[name]
