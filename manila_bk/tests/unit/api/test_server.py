"""The threaded server, and python-manilaclient talking to it over HTTP."""

import gc
import http.client
import socket
import threading

import fixtures
from manilaclient import api_versions
from manilaclient import client as manila_client
from oslo_serialization import jsonutils

from manila_bk.api import app
from manila_bk.api import server
from manila_bk import quota
from manila_bk.share import info
from manila_bk.tests.unit.api import base


class ServerTestCase(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        self.server = server.APIServer(app.setup_app(), '127.0.0.1', 0,
                                       threads=4)
        self.server.start()
        self.addCleanup(self._stop)

    def _stop(self):
        self.server.stop()
        self.server.wait(5)

    def get(self, path, headers=None):
        conn = http.client.HTTPConnection('127.0.0.1', self.server.port,
                                          timeout=10)
        try:
            conn.request('GET', path, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), \
                response.read()
        finally:
            conn.close()


class TestAPIServer(ServerTestCase):

    def test_start_keeps_startup_objects_out_of_the_collector(self):
        gc.unfreeze()
        self.addCleanup(gc.unfreeze)
        self.assertEqual(0, gc.get_freeze_count())
        other = server.APIServer(lambda e, s: [], '127.0.0.1', 0)
        other.start()
        self.addCleanup(other.stop)
        self.assertGreater(gc.get_freeze_count(), 0)

    def test_serves_version_discovery_over_http(self):
        status, headers, body = self.get('/')
        self.assertEqual(300, status)
        self.assertIn('x-openstack-request-id', headers)
        self.assertEqual(
            'http://127.0.0.1:%d/v2/' % self.server.port,
            jsonutils.loads(body)['versions'][1]['links'][1]['href'])

    def test_serves_concurrent_requests(self):
        results = []

        def fetch():
            results.append(self.get('/v2/share-networks')[0])

        threads = [threading.Thread(target=fetch) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        self.assertEqual([200] * 8, results)

    def test_stop_refuses_new_connections(self):
        self._stop()
        self.assertRaises(OSError, self.get, '/')
        self.server = server.APIServer(lambda e, s: [], '127.0.0.1', 0)
        self.server.start()


class TestListenBacklog(base.ApiTestCase):
    """Connections wait in the kernel's queue until a thread accepts them.

    The servers below never accept: what connects is what the listen
    backlog holds.
    """

    def _connect_all(self, server_, count):
        self.addCleanup(server_.close_socket)
        connected = []
        self.addCleanup(lambda: [conn.close() for conn in connected])
        for _index in range(count):
            try:
                connected.append(socket.create_connection(
                    ('127.0.0.1', server_.port), timeout=0.5))
            except OSError:
                break
        return len(connected)

    def test_default_backlog_queues_a_burst_of_clients(self):
        # socketserver's own backlog of 5 let about 6 through.
        server_ = server.APIServer(lambda e, s: [], '127.0.0.1', 0)
        self.assertEqual(64, self._connect_all(server_, 64))

    def test_backlog_option_bounds_the_queue(self):
        server_ = server.APIServer(lambda e, s: [], '127.0.0.1', 0,
                                   backlog=2)
        self.assertLess(self._connect_all(server_, 16), 16)


class TestManilaClient(ServerTestCase):
    """python-manilaclient 6.x: version discovery and read-only calls."""

    def _client(self, version='2.91'):
        url = 'http://127.0.0.1:%d/v2' % self.server.port
        return manila_client.Client(version,
                                    input_auth_token='admin:project-a',
                                    service_catalog_url=url)

    def test_discover_version_finds_current_range(self):
        requested = api_versions.APIVersion(api_versions.MAX_VERSION)
        found = api_versions.discover_version(self._client(), requested)
        self.assertEqual('2.91', found.get_string())

    def test_client_lists_availability_zones_and_limits(self):
        self.useFixture(fixtures.MockPatchObject(
            info, 'list_availability_zones', return_value=[
                {'id': 'z1', 'name': 'nova', 'created_at': None,
                 'updated_at': None}]))
        self.useFixture(fixtures.MockPatchObject(
            quota, 'get_project_quotas', return_value={
                'shares': {'limit': 5, 'in_use': 1, 'reserved': 0}}))
        client = self._client()
        zones = client.availability_zones.list()
        self.assertEqual(['nova'], [zone.name for zone in zones])
        limits = client.limits.get()
        absolute = {item.name: item.value for item in limits.absolute}
        self.assertEqual(5, absolute['maxTotalShares'])
        self.assertEqual(1, absolute['totalSharesUsed'])
