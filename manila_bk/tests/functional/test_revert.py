"""Revert a share to its latest snapshot, end to end (seed 003).

python-manilaclient, unchanged (``openstack share revert <snapshot>
--wait``), against the embedded default and against separate processes
over RabbitMQ with MariaDB; the spec's scenario test on the real
directories of the local driver; every error code of the revert API.
"""

import os
import uuid

from oslo_concurrency import lockutils
import testtools

from manila_bk.tests.functional import fixtures as ffx
from manila_bk.tests.unit.data.backup import sample_tree
from manila_bk.tests.unit.data.backup import treecompare

ACTION_REVERT = '006'
DETAIL_REVERTED = '107'
LOCK_TIMEOUT = 3


class RevertAPIMixin:
    """REST helpers; the class provides ``deployment`` and ``http``."""

    def new_project(self):
        return 'proj-%s' % uuid.uuid4().hex[:8]

    def make_type(self, revert=True):
        body = {'share_type': {
            'name': 'type-%s' % uuid.uuid4().hex[:8],
            'extra_specs': {'driver_handles_share_servers': False,
                            'snapshot_support': True,
                            'revert_to_snapshot_support': revert}}}
        resp = self.http.call('POST', '/types', body, expect=(200, 202))
        return resp.json()['share_type']['id']

    def wait_pools(self):
        return ffx.wait_for(
            lambda: self.http.get('/scheduler-stats/pools')['pools'], 60,
            what='share pools')

    def make_share(self, share_type, size=1, project=None):
        body = {'share': {'share_proto': 'NFS', 'size': size,
                          'share_type': share_type}}
        share = self.http.call('POST', '/shares', body, expect=(200, 202),
                               project=project).json()['share']
        return self.wait_share(share['id'], project=project)

    def wait_share(self, share_id, statuses=('available',), **kw):
        return self.http.wait('/shares/%s' % share_id, 'share', statuses,
                              **kw)

    def wait_snapshot(self, snapshot_id, statuses=('available',), **kw):
        return self.http.wait('/snapshots/%s' % snapshot_id, 'snapshot',
                              statuses, **kw)

    def make_snapshot(self, share_id, project=None):
        body = {'snapshot': {'share_id': share_id}}
        snap = self.http.call('POST', '/snapshots', body, expect=202,
                              project=project).json()['snapshot']
        return self.wait_snapshot(snap['id'], project=project)

    def delete_snapshot(self, snapshot_id, project=None):
        self.http.call('DELETE', '/snapshots/%s' % snapshot_id, expect=202,
                       project=project)
        self.wait_snapshot(snapshot_id, ('deleted',), project=project)

    def revert(self, share_id, snapshot_id, project=None, **kw):
        return self.http.call(
            'POST', '/shares/%s/action' % share_id,
            {'revert': {'snapshot_id': snapshot_id}}, project=project, **kw)

    def action(self, kind, item_id, name, payload, **kw):
        return self.http.call('POST', '/%s/%s/action' % (kind, item_id),
                              {name: payload}, expect=202, **kw)

    def share_path(self, share_id, project=None):
        locations = self.http.get('/shares/%s/export_locations' % share_id,
                                  project=project)['export_locations']
        return locations[0]['path'].split(':', 1)[1]

    def gigabytes_in_use(self, project):
        quota = self.http.get('/quota-sets/%s/detail' % project)['quota_set']
        return quota['gigabytes']['in_use']

    def set_gigabytes(self, project, limit):
        self.http.call('PUT', '/quota-sets/%s' % project,
                       {'quota_set': {'gigabytes': limit}}, expect=200)

    def messages(self, share_id, project=None):
        return self.http.get('/messages?resource_id=%s' % share_id,
                             project=project)['messages']

    def write(self, share_id, name, data, project=None):
        with open(os.path.join(self.share_path(share_id, project), name),
                  'wb') as f:
            f.write(data)

    def read(self, share_id, name, project=None):
        with open(os.path.join(self.share_path(share_id, project), name),
                  'rb') as f:
            return f.read()


class DeploymentMixin:
    mode = 'all'
    db_kind = 'sqlite'
    extra_config = None
    env = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.deployment = ffx.Deployment(cls.mode, cls.db_kind,
                                        extra_config=cls.extra_config,
                                        env=cls.env)
        try:
            cls.deployment.start()
        except Exception:
            cls.deployment.cleanup()
            raise
        cls.http = ffx.HTTP(cls.deployment.endpoint)
        cls.cli = ffx.CLI(cls.deployment.endpoint)

    @classmethod
    def tearDownClass(cls):
        cls.deployment.cleanup()
        super().tearDownClass()


def _modify(path):
    """Change, delete, add, chmod and re-link below share dir ``path``."""
    j = lambda *parts: os.path.join(os.fsencode(path), *parts)  # noqa
    with open(j(b'docs', b'readme.txt'), 'ab') as f:  # hardlinked thrice
        f.write(b'corrupted\n')
    os.unlink(j(b'big.bin'))
    os.unlink(j(b'link-to-readme'))
    os.symlink(b'big.bin', j(b'link-to-readme'))
    os.unlink(j(b'links', b'pair-b'))
    with open(j(b'links', b'pair-b'), 'wb') as f:
        f.write(b'pair')
    with open(j(b'added-after-snapshot'), 'wb') as f:
        f.write(b'x' * 4096)
    os.mkdir(j(b'new-dir'))
    os.chmod(j(b'docs'), 0o700)
    os.chmod(j(b'setuid'), 0o755)
    os.setxattr(j(b'docs', b'readme.txt'), b'user.comment', b'changed')
    os.setxattr(j(b'zero'), b'user.added', b'1')
    os.chown(j(b'zero'), 999, 999)
    os.utime(j(b'zero'), ns=(1, 2))


class RevertScenarioMixin(RevertAPIMixin, DeploymentMixin):
    """The spec's scenario test, driven through the CLI."""

    def test_cli_revert_restores_tree_size_and_quota(self):
        self.wait_pools()
        share = self.make_share(self.make_type(), size=1)
        path = self.share_path(share['id'])
        sample_tree.build(path)
        before = treecompare.describe(path)
        snap = self.make_snapshot(share['id'])
        self.assertEqual(1, snap['size'])

        _modify(path)
        self.cli.run('share', 'resize', share['id'], '2', '--wait')
        self.assertEqual(2, self.wait_share(share['id'])['size'])
        self.assertEqual(2, self.gigabytes_in_use('admin'))
        self.assertNotEqual(before, treecompare.describe(path))

        self.cli.run('share', 'revert', snap['id'], '--wait')

        after = treecompare.describe(path)
        self.assertEqual(sorted(before), sorted(after))
        for rel in before:
            self.assertEqual(before[rel], after[rel], rel)
        shown = self.wait_share(share['id'])
        self.assertEqual(('available', 1, True),
                         (shown['status'], shown['size'],
                          shown['revert_to_snapshot_support']))
        self.assertEqual(1, self.gigabytes_in_use('admin'))
        self.assertEqual('available',
                         self.wait_snapshot(snap['id'])['status'])
        found = [(m['action_id'], m['detail_id'], m['message_level'])
                 for m in self.messages(share['id'])]
        self.assertIn((ACTION_REVERT, DETAIL_REVERTED, 'INFO'), found)


class EmbeddedRevertTestCase(RevertScenarioMixin, testtools.TestCase):
    """manila-bk-all: SQLite, in-process RPC, file locks."""


class SplitMariaDBRevertTestCase(RevertScenarioMixin, testtools.TestCase):
    """api, share and data processes over RabbitMQ with MariaDB."""

    mode = 'split'
    db_kind = 'mysql'
    extra_config = {'coordination': {
        'lock_acquire_timeout': LOCK_TIMEOUT}}

    def setUp(self):
        super().setUp()
        self.wait_pools()
        self.project = self.new_project()
        self.type_id = self.__class__.__dict__.get('_type_id')
        if self.type_id is None:
            self.type_id = self.make_type()
            type(self)._type_id = self.type_id

    def _share_with_snapshots(self, count=1, size=1):
        share = self.make_share(self.type_id, size=size,
                                project=self.project)
        snaps = []
        for index in range(count):
            self.write(share['id'], 'marker', b'%d' % index, self.project)
            snaps.append(self.make_snapshot(share['id'], self.project))
        return share, snaps

    def assert_revert_fails(self, code, share_id, snapshot_id, **kw):
        resp = self.revert(share_id, snapshot_id, project=self.project,
                           **kw)
        self.assertEqual(code, resp.status_code, resp.text)
        return resp.json()

    def assert_untouched(self, share, snaps):
        self.assertEqual('available', self.wait_share(share['id'])['status'])
        for snap in snaps:
            self.assertEqual('available',
                             self.wait_snapshot(snap['id'])['status'])
        self.assertEqual([], [m for m in self.messages(share['id'])
                              if m['action_id'] == ACTION_REVERT])

    def test_revert_missing_share_404(self):
        _share, (snap,) = self._share_with_snapshots()
        body = self.assert_revert_fails(404, str(uuid.uuid4()), snap['id'])
        self.assertIn('itemNotFound', body)

    def test_revert_missing_snapshot_400(self):
        share, snaps = self._share_with_snapshots()
        self.assert_revert_fails(400, share['id'], str(uuid.uuid4()))
        self.assert_revert_fails(400, share['id'], 'not-a-uuid')
        self.assert_untouched(share, snaps)

    def test_revert_snapshot_of_other_share_400(self):
        share, snaps = self._share_with_snapshots()
        _other, (foreign,) = self._share_with_snapshots()
        body = self.assert_revert_fails(400, share['id'], foreign['id'])
        self.assertIn('badRequest', body)
        self.assert_untouched(share, snaps)

    def test_revert_share_type_without_support_400(self):
        share = self.make_share(self.make_type(revert=False),
                                project=self.project)
        self.assertFalse(share['revert_to_snapshot_support'])
        snap = self.make_snapshot(share['id'], self.project)
        self.assert_revert_fails(400, share['id'], snap['id'])
        self.assert_untouched(share, [snap])

    def test_revert_share_or_snapshot_not_available_409(self):
        share, (snap,) = self._share_with_snapshots()
        self.action('shares', share['id'], 'reset_status',
                    {'status': 'error'})
        self.assert_revert_fails(409, share['id'], snap['id'])
        self.action('shares', share['id'], 'reset_status',
                    {'status': 'available'})
        self.action('snapshots', snap['id'], 'reset_status',
                    {'status': 'error'})
        self.assert_revert_fails(409, share['id'], snap['id'])
        self.action('snapshots', snap['id'], 'reset_status',
                    {'status': 'available'})
        self.assert_untouched(share, [snap])

    def test_revert_share_busy_409(self):
        share, snaps = self._share_with_snapshots()
        # Another operation holds the share's lock (as snapshot create,
        # snapshot delete and revert do while they change statuses).
        lock = lockutils.external_lock(
            'manila-bk-share-%s' % share['id'],
            lock_path=os.path.join(self.deployment.workdir, 'locks'))
        with lock:
            self.assert_revert_fails(409, share['id'], snaps[0]['id'],
                                     timeout=LOCK_TIMEOUT + 30)
        self.assert_untouched(share, snaps)

    def test_revert_not_latest_409_whatever_the_latest_status(self):
        share, (older, latest) = self._share_with_snapshots(2)
        body = self.assert_revert_fails(409, share['id'], older['id'])
        self.assertIn(latest['id'], body['conflictingRequest']['message'])
        self.action('snapshots', latest['id'], 'reset_status',
                    {'status': 'error'})
        self.assert_revert_fails(409, share['id'], older['id'])
        self.assert_untouched(share, [older])

    def test_revert_growth_over_quota_403_then_allowed(self):
        share, (snap,) = self._share_with_snapshots(size=2)
        self.http.call('POST', '/shares/%s/action' % share['id'],
                       {'shrink': {'new_size': 1}}, expect=202,
                       project=self.project)
        self.assertEqual(1, self.wait_share(share['id'])['size'])
        self.set_gigabytes(self.project, 1)
        body = self.assert_revert_fails(403, share['id'], snap['id'])
        self.assertIn('forbidden', body)
        self.assert_untouched(share, [snap])
        self.assertEqual(1, self.gigabytes_in_use(self.project))

        self.set_gigabytes(self.project, 10)
        self.revert(share['id'], snap['id'], self.project, expect=202)
        self.assertEqual(2, self.wait_share(share['id'])['size'])
        self.assertEqual(2, self.gigabytes_in_use(self.project))

    def test_revert_reader_403_and_before_2_27_404(self):
        share, snaps = self._share_with_snapshots()
        self.assert_revert_fails(403, share['id'], snaps[0]['id'],
                                 roles='reader')
        self.assert_revert_fails(404, share['id'], snaps[0]['id'],
                                 version='2.26')
        self.assert_untouched(share, snaps)

    def test_revert_second_latest_after_deleting_latest(self):
        share, (first, second) = self._share_with_snapshots(2)
        self.write(share['id'], 'marker', b'corrupted', self.project)
        self.revert(share['id'], second['id'], self.project, expect=202)
        self.wait_share(share['id'])
        self.assertEqual(b'1', self.read(share['id'], 'marker',
                                         self.project))
        self.delete_snapshot(second['id'], self.project)
        self.revert(share['id'], first['id'], self.project, expect=202)
        self.wait_share(share['id'])
        self.assertEqual(b'0', self.read(share['id'], 'marker',
                                         self.project))
        listed = self.http.get('/snapshots?share_id=%s' % share['id'],
                               project=self.project)['snapshots']
        self.assertEqual([first['id']], [s['id'] for s in listed])
        self.assertEqual('available',
                         self.wait_snapshot(first['id'])['status'])
        reverted = [m for m in self.messages(share['id'], self.project)
                    if (m['action_id'], m['detail_id'])
                    == (ACTION_REVERT, DETAIL_REVERTED)]
        self.assertEqual(2, len(reverted))

    def test_revert_driver_failure_reverting_error_data_kept(self):
        share, (snap,) = self._share_with_snapshots()
        self.write(share['id'], 'marker', b'current', self.project)
        # The back end lost the snapshot's data: the driver must fail.
        snap_dir = os.path.join(self.deployment.share_root, '.snapshots',
                                'share-%s' % share['id'],
                                'snapshot-%s' % snap['id'])
        os.rename(snap_dir, snap_dir + '.hidden')
        self.revert(share['id'], snap['id'], self.project, expect=202)
        shown = self.wait_share(share['id'], ('reverting_error',))
        self.assertEqual(1, shown['size'])
        self.assertEqual('available',
                         self.wait_snapshot(snap['id'])['status'])
        self.assertEqual(b'current', self.read(share['id'], 'marker',
                                               self.project))
        self.assertEqual(1, self.gigabytes_in_use(self.project))
        found = [(m['action_id'], m['detail_id'], m['message_level'])
                 for m in self.messages(share['id'], self.project)]
        self.assertEqual([(ACTION_REVERT, '101', 'ERROR')], found)

        os.rename(snap_dir + '.hidden', snap_dir)
        self.action('shares', share['id'], 'reset_status',
                    {'status': 'available'})
        self.revert(share['id'], snap['id'], self.project, expect=202)
        self.wait_share(share['id'])
        self.assertEqual(b'0', self.read(share['id'], 'marker',
                                         self.project))
