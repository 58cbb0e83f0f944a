"""The module-level WSGI application for uwsgi/mod_wsgi."""

import os
from unittest import mock

import fixtures
import webob

from manila_bk.tests import base
from manila_bk.wsgi import api as wsgi_api


class TestWsgiApplication(base.TestCase):

    def setUp(self):
        super().setUp()
        self.addCleanup(setattr, wsgi_api, '_APP', wsgi_api._APP)
        wsgi_api._APP = None
        self.conf_file = os.path.join(self.state_path, 'manila.conf')
        with open(self.conf_file, 'w') as handle:
            handle.write('[DEFAULT]\nosapi_max_limit = 7\nstate_path = %s\n'
                         % self.state_path)
        self.useFixture(fixtures.EnvironmentVariable(
            wsgi_api.CONFIG_FILES_ENV, self.conf_file))
        self.useFixture(fixtures.MockPatchObject(wsgi_api.logging,
                                                 'setup'))

    def test_import_builds_nothing_until_first_request(self):
        self.assertIsNone(wsgi_api._APP)
        response = webob.Request.blank('/').get_response(
            wsgi_api.application)
        self.assertEqual(300, response.status_int)
        self.assertIsNotNone(wsgi_api._APP)
        self.assertEqual(7, wsgi_api.CONF.osapi_max_limit)

    def test_init_application_builds_once(self):
        with mock.patch.object(wsgi_api.app, 'setup_app') as setup:
            first = wsgi_api.init_application()
            second = wsgi_api.init_application()
        self.assertIs(first, second)
        self.assertEqual(1, setup.call_count)

    def test_config_files_default_to_manila_conf_locations(self):
        self.useFixture(fixtures.EnvironmentVariable(
            wsgi_api.CONFIG_FILES_ENV, None))
        with mock.patch.object(wsgi_api.cfg, 'find_config_files',
                               return_value=['/etc/manila_bk/manila.conf']
                               ) as find:
            self.assertEqual(['/etc/manila_bk/manila.conf'],
                             wsgi_api._config_files())
        find.assert_called_once_with(project='manila_bk', prog='manila')
