"""python-manilaclient, unchanged, drives manila_bk end to end.

Run against the embedded default (``manila-bk-all``: SQLite, in-process
RPC) and against separate api/share/data processes over RabbitMQ with
MariaDB and with PostgreSQL.
"""

import os
import uuid

import requests
import testtools

from manila_bk.tests.functional import fixtures as ffx


class CLIScenarioMixin:
    mode = 'all'
    db_kind = 'sqlite'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.deployment = ffx.Deployment(cls.mode, cls.db_kind)
        try:
            cls.deployment.start()
        except Exception:
            cls.deployment.cleanup()
            raise
        cls.cli = ffx.CLI(cls.deployment.endpoint)

    @classmethod
    def tearDownClass(cls):
        cls.deployment.cleanup()
        super().tearDownClass()

    def _name(self, prefix):
        return '%s-%s' % (prefix, uuid.uuid4().hex[:6])

    def _ensure_type(self):
        types = self.cli.json('share', 'type', 'list')
        if not any(t['Name'] == 'default' for t in types):
            self.cli.run('share', 'type', 'create', 'default', 'False',
                         '--snapshot-support', 'True')
        return 'default'

    def _wait_pools(self):
        return ffx.wait_for(lambda: self.cli.json('share', 'pool', 'list'),
                            60, interval=1, what='share pools')

    def test_share_lifecycle_with_snapshots(self):
        self._wait_pools()
        share_type = self._ensure_type()
        name = self._name('share')
        share = self.cli.json('share', 'create', 'NFS', '1', '--share-type',
                              share_type, '--name', name, '--wait')
        self.assertEqual('available', share['status'])
        self.assertEqual(1, int(share['size']))
        shown = self.cli.json('share', 'show', name)
        self.assertEqual(share['id'], shown['id'])
        self.assertTrue(shown['export_locations'])
        listed = self.cli.json('share', 'list')
        self.assertIn(share['id'], [s['ID'] for s in listed])

        self.cli.run('share', 'resize', name, '2', '--wait')
        self.assertEqual(2, int(self.cli.json('share', 'show', name)['size']))
        self.cli.run('share', 'resize', name, '1', '--wait')
        self.assertEqual(1, int(self.cli.json('share', 'show', name)['size']))

        snap_name = self._name('snap')
        snap = self.cli.json('share', 'snapshot', 'create', name, '--name',
                             snap_name, '--wait')
        self.assertEqual('available', snap['status'])
        snaps = self.cli.json('share', 'snapshot', 'list')
        self.assertIn(snap['id'], [s['ID'] for s in snaps])
        shown = self.cli.json('share', 'snapshot', 'show', snap_name)
        self.assertEqual(share['id'], shown['share_id'])
        self.cli.run('share', 'snapshot', 'delete', snap_name, '--wait')
        snaps = self.cli.json('share', 'snapshot', 'list')
        self.assertNotIn(snap['id'], [s['ID'] for s in snaps])

        self.cli.run('share', 'delete', name, '--wait')
        listed = self.cli.json('share', 'list')
        self.assertNotIn(share['id'], [s['ID'] for s in listed])

    def test_share_backed_by_real_directory(self):
        self._wait_pools()
        share = self.cli.json('share', 'create', 'NFS', '1', '--share-type',
                              self._ensure_type(), '--wait')
        locations = self.cli.json('share', 'export', 'location', 'list',
                                  share['id'])
        path = locations[0]['Path'].split(':', 1)[1]
        self.assertTrue(os.path.isdir(path), path)
        self.cli.run('share', 'delete', share['id'], '--wait')
        self.assertFalse(os.path.exists(path))

    def test_operator_listings(self):
        pools = self._wait_pools()
        self.assertTrue(all('#' in p['Name'] for p in pools))
        services = self.cli.json('share', 'service', 'list')
        binaries = {s['Binary'] for s in services}
        self.assertIn('manila-bk-share', binaries)
        self.assertIn('manila-bk-data', binaries)
        self.assertTrue(all(s['State'] == 'up' for s in services))
        zones = self.cli.json('share', 'availability', 'zone', 'list')
        self.assertIn('nova', [z['Name'] for z in zones])

    def test_quota_exceeded_gives_413(self):
        self._wait_pools()
        self._ensure_type()
        base = self.deployment.endpoint
        project = 'quota-%s' % uuid.uuid4().hex[:6]
        headers = {'X-Auth-Token': 'user:%s' % project,
                   'X-OpenStack-Manila-API-Version': '2.91'}
        admin = {'X-OpenStack-Manila-API-Version': '2.91'}
        resp = requests.put('%s/quota-sets/%s' % (base, project),
                            json={'quota_set': {'shares': 0}},
                            headers=admin, timeout=30)
        self.assertEqual(200, resp.status_code, resp.text)
        shown = requests.get('%s/quota-sets/%s' % (base, project),
                             headers=admin, timeout=30).json()
        self.assertEqual(0, shown['quota_set']['shares'])
        resp = requests.post('%s/shares' % base, headers=headers, timeout=30,
                             json={'share': {'share_proto': 'NFS', 'size': 1,
                                             'share_type': 'default'}})
        self.assertEqual(413, resp.status_code, resp.text)
        self.assertIn('overLimit', resp.json())


class EmbeddedDefaultTestCase(CLIScenarioMixin, testtools.TestCase):
    """manila-bk-all with only state_path and the port configured."""

    def test_default_share_type_exists_on_first_start(self):
        types = self.cli.json('share', 'type', 'list')
        self.assertIn('default', [t['Name'] for t in types])
        share = self.cli.json('share', 'create', 'NFS', '1', '--share-type',
                              'default', '--wait')
        self.assertEqual('available', share['status'])
        self.cli.run('share', 'delete', share['id'], '--wait')


class SplitMariaDBTestCase(CLIScenarioMixin, testtools.TestCase):
    mode = 'split'
    db_kind = 'mysql'


class SplitPostgreSQLTestCase(CLIScenarioMixin, testtools.TestCase):
    mode = 'split'
    db_kind = 'postgresql'
