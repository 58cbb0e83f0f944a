"""Share backups end to end with python-manilaclient, unchanged.

The scenario fills a share with every kind of file (sparse, hardlinks,
symlinks, xattrs, odd names, FIFOs, empty directories), backs it up,
damages the share, restores it and compares the trees exactly; restores
into a second share; alters a backup on the target and checks that the
restore refuses it without touching the share; then deletes.

Run against the embedded default (``manila-bk-all`` with nothing about
backups configured) and against separate processes over RabbitMQ and
MariaDB, where the backup target is bind-mounted for every operation and
the data node grants itself access through a share access rule.
"""

import glob
import os
import shutil
import tempfile
import uuid

import requests
import testtools

from manila_bk.tests.functional import fixtures as ffx
from manila_bk.tests.unit.data.backup import sample_tree
from manila_bk.tests.unit.data.backup import treecompare

# The openstack CLI with --os-auth-type none sends the token "notused":
# noauth makes that the project, so REST calls act in the CLI's project.
HEADERS = {'X-OpenStack-Manila-API-Version': '2.91',
           'X-OpenStack-Manila-API-Experimental': 'True',
           'X-Auth-Token': 'notused'}


class BackupHTTP:
    """The few REST calls the backup tests poll with (admin, noauth)."""

    def __init__(self, endpoint):
        self.endpoint = endpoint

    def call(self, method, path, body=None, expect=(200, 202)):
        resp = requests.request(method, self.endpoint + path, json=body,
                                headers=HEADERS, timeout=30)
        if expect and resp.status_code not in expect:
            raise AssertionError('%s %s: %s %s' % (
                method, path, resp.status_code, resp.text[:1000]))
        return resp

    def backup(self, backup_id):
        resp = self.call('GET', '/share-backups/%s' % backup_id,
                         expect=(200, 404))
        return None if resp.status_code == 404 else \
            resp.json()['share_backup']

    def share(self, share_id):
        return self.call('GET', '/shares/%s' % share_id).json()['share']

    def messages(self, resource_id):
        return self.call('GET', '/messages?resource_id=%s'
                         % resource_id).json()['messages']

    def access_rules(self, share_id):
        return self.call('GET', '/share-access-rules?share_id=%s'
                         % share_id).json()['access_list']

    def create_backup(self, share_id, name):
        return self.call('POST', '/share-backups', {'share_backup': {
            'share_id': share_id, 'name': name}}).json()['share_backup']

    def restore(self, backup_id, share_id=None):
        self.call('POST', '/share-backups/%s/action' % backup_id,
                  {'restore': share_id})

    def reset_share(self, share_id, status):
        self.call('POST', '/shares/%s/action' % share_id,
                  {'reset_status': {'status': status}})

    def create_share(self, name):
        """A new 1 GiB share and its local path (REST: the CLI is slow)."""
        ffx.wait_for(lambda: self.call('GET', '/scheduler-stats/pools')
                     .json()['pools'], 60, interval=0.5, what='pools')
        types = self.call('GET', '/types').json()['share_types']
        if not any(t['name'] == 'default' for t in types):
            self.call('POST', '/types', {'share_type': {
                'name': 'default', 'extra_specs': {
                    'driver_handles_share_servers': False,
                    'snapshot_support': True}}})
        share = self.call('POST', '/shares', {'share': {
            'share_proto': 'NFS', 'size': 1, 'name': name,
            'share_type': 'default'}}).json()['share']
        share = self.wait_share(share['id'], ('available',))
        locations = self.call('GET', '/shares/%s/export_locations'
                              % share['id']).json()['export_locations']
        return share, locations[0]['path'].split(':', 1)[1]

    def wait_backup(self, backup_id, statuses, timeout=120,
                    condition=None):
        def done():
            backup = self.backup(backup_id)
            if backup is None:
                return {'backup': None} if 'deleted' in statuses else None
            if backup['status'] in statuses and \
                    (condition is None or condition(backup)):
                return {'backup': backup}
            return None

        return ffx.wait_for(done, timeout, interval=0.2,
                            what='backup %s %s' % (backup_id, statuses))[
            'backup']

    def wait_share(self, share_id, statuses, timeout=60):
        return ffx.wait_for(
            lambda: self.share(share_id)['status'] in statuses and
            self.share(share_id), timeout, interval=0.2,
            what='share %s %s' % (share_id, statuses))


def find_backup_dirs(target, backup_id):
    return glob.glob(os.path.join(target, '*', '*', backup_id + '*'))


class BackupScenarioMixin:
    mode = 'all'
    db_kind = 'sqlite'

    @classmethod
    def extra_config(cls, target):
        return {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.target = tempfile.mkdtemp(prefix='manila-bk-backups-')
        cls.deployment = ffx.Deployment(cls.mode, cls.db_kind,
                                        extra_config=cls.extra_config(
                                            cls.target))
        try:
            cls.deployment.start()
        except Exception:
            cls.deployment.cleanup()
            raise
        cls.cli = ffx.CLI(cls.deployment.endpoint)
        cls.http = BackupHTTP(cls.deployment.endpoint)

    @classmethod
    def tearDownClass(cls):
        cls.deployment.cleanup()
        shutil.rmtree(cls.target, ignore_errors=True)
        super().tearDownClass()

    @property
    def backup_root(self):
        return os.path.join(self.deployment.workdir, 'state', 'backups')

    def _share(self, name):
        return self.http.create_share(name)

    def _backup(self, share_name, name):
        backup = self.cli.json('share', 'backup', 'create', share_name,
                               '--name', name)
        self.assertEqual('creating', backup['status'])
        return self.http.wait_backup(backup['id'], ('available',))

    def _restore(self, backup, share, *args):
        self.cli.run('share', 'backup', 'restore', backup['id'], *args)
        self.http.wait_backup(backup['id'], ('available', 'error'))
        return self.http.wait_share(share['id'], (
            'available', 'backup_restoring_error'))

    def assert_tree(self, reference, path):
        facts = treecompare.describe(path)
        wrong = sorted(rel for rel in set(facts) | set(reference)
                       if facts.get(rel) != reference.get(rel))
        self.assertEqual([], wrong)

    def test_backup_restore_scenario(self):
        tag = uuid.uuid4().hex[:6]
        share, path = self._share('bk-src-%s' % tag)
        sample_tree.build(path)
        reference = treecompare.describe(path)
        backup = self._backup(share['name'], 'bk-%s' % tag)
        self.assertEqual(('100', 1, 'full'), (
            backup['progress'], backup['size'], backup['backup_type']))
        self._check_listing(backup, share)

        # Damage: modify, delete, add; the restore makes an exact mirror.
        with open(os.path.join(path, 'docs', 'readme.txt'), 'ab') as f:
            f.write(b'modified after the backup')
        os.unlink(os.path.join(path, 'zero'))
        shutil.rmtree(os.path.join(path, 'empty_dir'))
        os.mkdir(os.path.join(path, 'new-dir'))
        with open(os.path.join(path, 'new-dir', 'new-file'), 'wb') as f:
            f.write(b'added after the backup')
        restored = self._restore(backup, share)
        self.assertEqual('available', restored['status'])
        self.assertEqual('100', self.http.backup(backup['id'])[
            'restore_progress'])
        self.assert_tree(reference, path)

        other, other_path = self._share('bk-dst-%s' % tag)
        restored = self._restore(backup, other, '--target-share',
                                 other['id'])
        self.assertEqual('available', restored['status'])
        self.assert_tree(reference, other_path)
        self._check_no_debris(share, other)

        self._check_altered_backup_refused(backup, share, path)
        self._check_delete(backup, share)
        self.check_deployment_specifics()

    def check_deployment_specifics(self):
        """What only this kind of deployment does (see subclasses)."""

    def _check_listing(self, backup, share):
        listed = self.cli.json('share', 'backup', 'list', '--share',
                               share['id'])
        self.assertEqual([(backup['id'], 'available')],
                         [(b['ID'], b['Status']) for b in listed])
        self.cli.run('share', 'backup', 'set', backup['id'], '--name',
                     backup['name'] + '-x', '--description', 'nightly')
        shown = self.cli.json('share', 'backup', 'show', backup['id'])
        self.assertEqual((backup['name'] + '-x', 'nightly', 'available'),
                         (shown['name'], shown['description'],
                          shown['status']))
        self.cli.run('share', 'backup', 'unset', backup['id'],
                     '--description')
        self.assertIsNone(self.http.backup(backup['id'])['description'])

    def _check_no_debris(self, *shares):
        debris = glob.glob(os.path.join(self.backup_root, '*', '*',
                                        '*.partial'))
        self.assertEqual([], debris)
        for share in shares:
            self.assertEqual([], self.http.access_rules(share['id']))

    def _check_altered_backup_refused(self, backup, share, path):
        data = find_backup_dirs(self.backup_root, backup['id'])
        self.assertEqual(1, len(data), data)
        victim = os.path.join(data[0], 'data', 'pair-a')
        with open(victim, 'r+b') as f:
            f.write(b'PAIR')
        with open(os.path.join(path, 'written-later'), 'wb') as f:
            f.write(b'must survive the refused restore')
        before = treecompare.describe(path)
        self.http.restore(backup['id'])
        self.http.wait_backup(backup['id'], ('error', 'available'))
        restored = self.http.wait_share(share['id'], (
            'available', 'backup_restoring_error'))
        self.assertEqual('available', restored['status'])
        self.assertEqual(before, treecompare.describe(path))
        self.assertEqual('error', self.http.backup(backup['id'])['status'])
        self.assertTrue(self.http.messages(share['id']))
        self.assertTrue(self.http.messages(backup['id']))

    def _check_delete(self, backup, share):
        second = self.http.create_backup(share['id'], 'bk-second')
        self.http.wait_backup(second['id'], ('available',))
        self.http.call('DELETE', '/share-backups/%s' % second['id'])
        self.cli.run('share', 'backup', 'delete', backup['id'], '--wait')
        self.http.wait_backup(second['id'], ('deleted',))
        self.assertIsNone(self.http.backup(backup['id']))
        listed = self.cli.json('share', 'backup', 'list')
        self.assertFalse({backup['id'], second['id']} &
                         {b['ID'] for b in listed})
        for backup_id in (backup['id'], second['id']):
            self.assertEqual([], find_backup_dirs(self.backup_root,
                                                  backup_id))


class EmbeddedBackupTestCase(BackupScenarioMixin, testtools.TestCase):
    """manila-bk-all with nothing about backups in manila.conf."""


class SplitMariaDBBackupTestCase(BackupScenarioMixin, testtools.TestCase):
    """api, share and data processes over RabbitMQ and MariaDB.

    The backup target is bind-mounted for each operation and the data
    node gets a temporary access rule for 127.0.0.1 on each share.
    """

    mode = 'split'
    db_kind = 'mysql'

    @classmethod
    def extra_config(cls, target):
        return {
            'DEFAULT': {'enabled_backup_backend': 'backup1',
                        'data_node_access_ips': '127.0.0.1'},
            'backup1': {'backup_driver': 'nfs',
                        'backup_mount_export': target,
                        'backup_mount_template':
                            'mount --bind %(export)s %(path)s'},
        }

    @property
    def backup_root(self):
        return self.target

    def check_deployment_specifics(self):
        with open(os.path.join(self.deployment.workdir,
                               'manila-bk-data.log'), 'rb') as f:
            log = f.read().decode('utf-8', 'replace')
        for expected in ('Data node has ro access to share',
                         'Data node has rw access to share',
                         'Mounting %s on ' % self.target,
                         'Unmounted '):
            self.assertIn(expected, log)
        with open('/proc/self/mounts') as f:
            self.assertNotIn(self.deployment.workdir, f.read())
