"""Restore into a share of another size, and into a new share.

Real processes.  Most of it runs against the embedded default
(``manila-bk-all``, SQLite, in-process RPC, the local share driver, the
nfs backup driver on a local directory):

* a backup of a 2 GiB share restored into a 1 GiB share (with
  python-manilaclient, unchanged): the share is extended to 2 GiB through
  its share service, charged 1 GiB of quota, and holds exactly the
  backup's tree; the source share, shrunk since, is extended back and
  restored too; a 3 GiB share is restored without being resized;
* over quota, the restore is refused with 413 before anything changes; a
  share driver that fails to extend leaves the share available and
  unchanged, the backup available, quota as it was, and user messages;
* ``POST /v2/shares`` with ``source_backup_id`` (2.80) creates a share
  that is never seen available before it holds the backup's tree; bad
  requests are refused (400/413) leaving nothing; a new share whose
  restore fails ends in error and gives its quota back when deleted;
* ``manila-bk-manage backup restore-to-new-share`` refuses the in-process
  bus; over RabbitMQ (``manila-bk-all`` with ``transport_url`` set) it
  creates and restores the share.
"""

import os
import re
import subprocess
import uuid

import requests
import testtools

from manila_bk.tests.functional import fixtures as ffx
from manila_bk.tests.functional import test_backup
from manila_bk.tests.unit.data.backup import sample_tree
from manila_bk.tests.unit.data.backup import treecompare

PROJECT = 'notused'     # the project of test_backup.HEADERS (noauth)
MANAGE = os.path.join(ffx.BIN, 'manila-bk-manage')


class RestoreHTTP(test_backup.BackupHTTP):
    """BackupHTTP plus sized shares, quotas, and calls as other users."""

    def call_as(self, method, path, body=None, project=PROJECT, roles=None,
                version='2.91'):
        headers = dict(test_backup.HEADERS)
        headers['X-OpenStack-Manila-API-Version'] = version
        headers['X-Auth-Token'] = ('user:%s' % project
                                   if project != PROJECT else PROJECT)
        if roles:
            headers['X-Roles'] = roles
        return requests.request(method, self.endpoint + path, json=body,
                                headers=headers, timeout=30)

    def ready(self):
        """Wait for the pools; create the default share type once."""
        ffx.wait_for(lambda: self.call('GET', '/scheduler-stats/pools')
                     .json()['pools'], 60, interval=0.5, what='pools')
        types = self.call('GET', '/types').json()['share_types']
        if not any(t['name'] == 'default' for t in types):
            self.call('POST', '/types', {'share_type': {
                'name': 'default', 'extra_specs': {
                    'driver_handles_share_servers': False,
                    'snapshot_support': True}}})

    def sized_share(self, name, size):
        """A new share of ``size`` GiB and its local path."""
        share = self.call('POST', '/shares', {'share': {
            'share_proto': 'NFS', 'size': size, 'name': name,
            'share_type': 'default'}}).json()['share']
        share = self.wait_share(share['id'], ('available',))
        return share, self.path(share)

    def path(self, share):
        locations = self.call('GET', '/shares/%s/export_locations'
                              % share['id']).json()['export_locations']
        return locations[0]['path'].split(':', 1)[1]

    def gigabytes(self):
        usage = self.call('GET', '/quota-sets/%s/detail' % PROJECT).json()
        return usage['quota_set']['gigabytes']['in_use']

    def set_gigabytes_quota(self, limit):
        self.call('PUT', '/quota-sets/%s' % PROJECT,
                  {'quota_set': {'gigabytes': limit}})

    def reset_quotas(self):
        self.call('DELETE', '/quota-sets/%s' % PROJECT, expect=(200, 202))

    def restore_and_wait(self, backup_id, share_id):
        """Restore; wait for the backup, then the share, to settle."""
        self.restore(backup_id, share_id)
        return self.settled(backup_id, share_id)

    def settled(self, backup_id, share_id):
        # The share may be available for a moment while it is extended:
        # the backup leaves restoring only when everything is over.
        backup = self.wait_backup(backup_id, ('available', 'error'))
        return backup, self.wait_share(share_id, (
            'available', 'error', 'backup_restoring_error',
            'extending_error'))

    def wait_share_gone(self, share_id):
        ffx.wait_for(lambda: self.call(
            'GET', '/shares/%s' % share_id,
            expect=(200, 404)).status_code == 404, 60, interval=0.2,
            what='share %s deleted' % share_id)

    def message_texts(self, resource_id):
        return [m['user_message'] for m in self.messages(resource_id)]


class RestoreAnywhereMixin:
    """Builds a 2 GiB share holding the sample tree and backs it up."""

    deployment_config = {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.deployment = ffx.Deployment('all', 'sqlite', extra_config=(
            cls.deployment_config))
        try:
            cls.deployment.start()
            cls.http = RestoreHTTP(cls.deployment.endpoint)
            cls.http.ready()
            cls.source, cls.source_path = cls.http.sized_share('src', 2)
            sample_tree.build(cls.source_path)
            cls.reference = treecompare.describe(cls.source_path)
            backup = cls.http.create_backup(cls.source['id'], 'bk-2g')
            cls.backup = cls.http.wait_backup(backup['id'], ('available',))
        except Exception:
            cls.deployment.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.deployment.cleanup()
        super().tearDownClass()

    def assert_tree(self, path):
        facts = treecompare.describe(path)
        wrong = sorted(rel for rel in set(facts) | set(self.reference)
                       if facts.get(rel) != self.reference.get(rel))
        self.assertEqual([], wrong)

    def from_backup_ids(self):
        return sorted(s['id'] for s in self.http.call(
            'GET', '/shares/detail?source_backup_id=%s'
            % self.backup['id']).json()['shares'])

    def new_share_body(self, **values):
        body = {'share_proto': 'NFS', 'name': 'from-backup-%s'
                % uuid.uuid4().hex[:6], 'share_type': 'default',
                'source_backup_id': self.backup['id']}
        body.update(values)
        return {'share': body}


class EmbeddedRestoreAnywhereTestCase(RestoreAnywhereMixin,
                                      testtools.TestCase):
    """manila-bk-all with nothing about backups in manila.conf."""

    def test_restore_into_smaller_then_into_shrunk_source(self):
        small, small_path = self.http.sized_share('small', 1)
        with open(os.path.join(small_path, 'stray'), 'wb') as f:
            f.write(b'not in the backup')
        before = self.http.gigabytes()
        cli = ffx.CLI(self.deployment.endpoint)
        cli.run('share', 'backup', 'restore', self.backup['id'],
                '--target-share', small['id'])
        backup, share = self.http.settled(self.backup['id'], small['id'])
        self.assertEqual(('available', '100'),
                         (backup['status'], backup['restore_progress']))
        self.assertEqual(('available', 2, self.backup['id']),
                         (share['status'], share['size'],
                          share['source_backup_id']))
        self.assert_tree(small_path)
        self.assertEqual(before + 1, self.http.gigabytes())

        # The source share, shrunk since the backup and changed.
        self.http.call('POST', '/shares/%s/action' % self.source['id'],
                       {'shrink': {'new_size': 1}})
        self.assertEqual(1, self.http.wait_share(
            self.source['id'], ('available',))['size'])
        os.unlink(os.path.join(self.source_path, 'zero'))
        with open(os.path.join(self.source_path, 'later'), 'wb') as f:
            f.write(b'written after the backup')
        self.http.restore(self.backup['id'])    # {"restore": null}
        backup, share = self.http.settled(self.backup['id'],
                                          self.source['id'])
        self.assertEqual(('available', 2),
                         (share['status'], share['size']))
        self.assert_tree(self.source_path)

    def test_restore_into_larger_share_is_not_resized(self):
        large, large_path = self.http.sized_share('large', 3)
        before = self.http.gigabytes()
        backup, share = self.http.restore_and_wait(self.backup['id'],
                                                   large['id'])
        self.assertEqual(('available', 'available', 3),
                         (backup['status'], share['status'], share['size']))
        self.assert_tree(large_path)
        self.assertEqual(before, self.http.gigabytes())

    def test_extension_over_quota_refused_413_nothing_changed(self):
        small, small_path = self.http.sized_share('small-quota', 1)
        self.addCleanup(self.http.reset_quotas)
        self.http.set_gigabytes_quota(self.http.gigabytes())
        resp = self.http.call('POST', '/share-backups/%s/action'
                              % self.backup['id'],
                              {'restore': {'target_share_id': small['id']}},
                              expect=(413,))
        self.assertIn('exceeds the allowed gigabytes quota',
                      resp.json()['overLimit']['message'])
        self.assertEqual(('available', 1), (
            self.http.share(small['id'])['status'],
            self.http.share(small['id'])['size']))
        self.assertEqual('available',
                         self.http.backup(self.backup['id'])['status'])
        self.assertEqual([], os.listdir(small_path))

    def test_extend_failure_leaves_share_available_and_unchanged(self):
        small, small_path = self.http.sized_share('small-broken', 1)
        with open(os.path.join(small_path, 'stray'), 'wb') as f:
            f.write(b'must survive')
        # The local driver records sizes in .meta/share-<id>.json: a
        # directory there makes its extend fail.
        meta = os.path.join(self.deployment.share_root, '.meta',
                            'share-%s.json' % small['id'])
        with open(meta, 'rb') as f:
            record = f.read()
        os.unlink(meta)
        os.mkdir(meta)
        self.addCleanup(self._put_back, meta, record)
        before = self.http.gigabytes()
        backup, share = self.http.restore_and_wait(self.backup['id'],
                                                   small['id'])
        self.assertEqual(('available', 'available', 1),
                         (backup['status'], share['status'], share['size']))
        self.assertEqual(['stray'], os.listdir(small_path))
        self.assertEqual(before, self.http.gigabytes())
        texts = ' '.join(self.http.message_texts(small['id']))
        self.assertIn('extend:', texts)
        self.assertIn('could not be extended to the size of the backup',
                      texts)

    @staticmethod
    def _put_back(meta, record):
        os.rmdir(meta)
        with open(meta, 'wb') as f:
            f.write(record)

    def test_create_share_from_backup_over_rest(self):
        resp = self.http.call_as('POST', '/shares', self.new_share_body(),
                                 version='2.80')
        self.assertEqual(200, resp.status_code, resp.text)
        share = resp.json()['share']
        self.assertEqual(('creating', 2, self.backup['id']),
                         (share['status'], share['size'],
                          share['source_backup_id']))
        seen = self._watch_until_settled(share['id'])
        self.assertEqual('available', seen[-1])
        self.assertNotIn('available', seen[:-1])
        shown = self.http.share(share['id'])
        self.assertEqual('100%', shown['progress'])
        self.assertEqual('available',
                         self.http.backup(self.backup['id'])['status'])

        bigger = self.http.call('POST', '/shares', self.new_share_body(
            size=3)).json()['share']
        self.assertEqual('available', self._watch_until_settled(
            bigger['id'])[-1])
        self.assertEqual(3, self.http.share(bigger['id'])['size'])
        self.assert_tree(self.http.path(bigger))
        listed = self.http.call('GET', '/shares/detail?source_backup_id=%s'
                                % self.backup['id']).json()['shares']
        self.assertTrue({share['id'], bigger['id']} <=
                        {s['id'] for s in listed})

    def _watch_until_settled(self, share_id):
        """Statuses seen; the tree is compared the moment it is available."""
        seen = []

        def settled():
            share = self.http.share(share_id)
            if not seen or seen[-1] != share['status']:
                seen.append(share['status'])
            if share['status'] == 'available':
                self.assert_tree(self.http.path(share))
            return share['status'] in ('available', 'error')

        ffx.wait_for(settled, 120, interval=0.05, what='share %s' % share_id)
        return seen

    def test_create_share_from_backup_refusals_leave_nothing(self):
        before = (self.http.gigabytes(), self.from_backup_ids())
        refusals = [
            (400, self.new_share_body(
                source_backup_id='99999999-9999-4999-8999-999999999999'),
             {}),
            (400, self.new_share_body(source_backup_id='not-a-uuid'), {}),
            (400, self.new_share_body(size=1), {}),
            (400, self.new_share_body(
                snapshot_id='99999999-9999-4999-8999-999999999999'), {}),
            # Another project's member cannot see the backup.
            (400, self.new_share_body(),
             {'project': 'other', 'roles': 'member,reader'}),
        ]
        for code, body, who in refusals:
            resp = self.http.call_as('POST', '/shares', body, **who)
            self.assertEqual(code, resp.status_code, (body, resp.text))
        self.addCleanup(self.http.reset_quotas)
        self.http.set_gigabytes_quota(self.http.gigabytes() + 1)
        resp = self.http.call_as('POST', '/shares', self.new_share_body())
        self.assertEqual(413, resp.status_code, resp.text)
        self.http.reset_quotas()
        self.http.call('POST', '/share-backups/%s/action' % self.backup['id'],
                       {'reset_status': {'status': 'error'}})
        try:
            resp = self.http.call_as('POST', '/shares',
                                     self.new_share_body())
            self.assertEqual(400, resp.status_code, resp.text)
        finally:
            self.http.call('POST', '/share-backups/%s/action'
                           % self.backup['id'],
                           {'reset_status': {'status': 'available'}})
        self.assertEqual(before, (self.http.gigabytes(),
                                  self.from_backup_ids()))

    def test_new_share_from_damaged_backup_ends_error_quota_given_back(self):
        second = self.http.create_backup(self.source['id'], 'bk-damaged')
        second = self.http.wait_backup(second['id'], ('available',))
        data = test_backup.find_backup_dirs(os.path.join(
            self.deployment.workdir, 'state', 'backups'), second['id'])
        self.assertEqual(1, len(data), data)
        with open(os.path.join(data[0], 'data', 'docs', 'readme.txt'),
                  'r+b') as f:
            f.write(b'READ')
        before = self.http.gigabytes()
        share = self.http.call('POST', '/shares', self.new_share_body(
            source_backup_id=second['id'])).json()['share']
        self.assertEqual('error', self._watch_until_settled(
            share['id'])[-1])
        self.assertEqual('error',
                         self.http.backup(second['id'])['status'])
        self.assertTrue(any('could not be created from the backup' in text
                            for text in self.http.message_texts(
                                share['id'])))
        # An error share keeps its quota until deleted, as in Manila.
        self.assertEqual(before + 2, self.http.gigabytes())
        self.http.call('DELETE', '/shares/%s' % share['id'])
        self.http.wait_share_gone(share['id'])
        self.assertEqual(before, self.http.gigabytes())

    def test_admin_command_refuses_the_in_process_bus(self):
        proc = subprocess.run(
            [MANAGE, '--config-file', self.deployment.config_file, 'backup',
             'restore-to-new-share', self.backup['id']],
            capture_output=True, text=True, stdin=subprocess.DEVNULL)
        self.assertEqual(2, proc.returncode, proc.stderr)
        self.assertIn('transport_url', proc.stderr)
        self.assertEqual(1, len(proc.stderr.strip().splitlines()))


class RabbitRestoreAnywhereTestCase(RestoreAnywhereMixin, testtools.TestCase):
    """manila-bk-all over RabbitMQ, so manila-bk-manage reaches it."""

    deployment_config = {'DEFAULT': {'transport_url': ffx.RABBIT_URL}}

    def manage(self, *args):
        return subprocess.run(
            [MANAGE, '--config-file', self.deployment.config_file, 'backup',
             'restore-to-new-share', self.backup['id']] + list(args),
            capture_output=True, text=True, stdin=subprocess.DEVNULL,
            timeout=300)

    def test_admin_command_creates_and_restores_a_share(self):
        proc = self.manage('--name', 'by-admin', '--size', '3', '--wait',
                           '--timeout', '180')
        self.assertEqual(0, proc.returncode, proc.stdout + proc.stderr)
        share_id = re.search(r'^Share ([0-9a-f-]{36}) \(3 GiB, project '
                             r'%s\) is being created from backup'
                             % PROJECT, proc.stdout, re.M).group(1)
        self.assertIn('Share %s is available' % share_id, proc.stdout)
        share = self.http.share(share_id)
        self.assertEqual(('by-admin', 3, PROJECT, self.backup['id'],
                          '100%'),
                         (share['name'], share['size'], share['project_id'],
                          share['source_backup_id'], share['progress']))
        self.assert_tree(self.http.path(share))

    def test_admin_command_refusal_exits_2_and_creates_nothing(self):
        before = self.from_backup_ids()
        proc = self.manage('--size', '1')
        self.assertEqual(2, proc.returncode, proc.stdout + proc.stderr)
        self.assertIn('refused (400)', proc.stderr)
        self.assertEqual(before, self.from_backup_ids())
        self.assertEqual('available',
                         self.http.backup(self.backup['id'])['status'])
