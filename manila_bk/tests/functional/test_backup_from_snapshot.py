"""Backups from a temporary snapshot (``backup_from_snapshot``), for real.

The data service is slowed with ``test_only_progress_delay`` so that a
backup stays in its copy long enough to act on the share meanwhile, and
the share service's snapshot copy with ``MANILA_BK_TEST_PAUSE`` so that
the short busy window can be seen.

* embedded (``manila-bk-all``, local driver): the share is backup_creating
  only while the snapshot is taken; during the copy it is available, a
  client writes to it, tenants see no snapshot; the backup holds the
  share as it was at snapshot time and the snapshot is gone afterwards.
  A share with a (tenant) snapshot is still refused.  kill -9 of the whole
  process mid-copy: after the restart the backup is in error with a
  message, the share available and the temporary snapshot deleted.
* split processes over RabbitMQ and MariaDB, with a data node address:
  the snapshot is exported read-only to the data node (the share gets no
  access rule); kill -9 of the data service mid-copy, restart: backup
  error with a message, share available, snapshot and export removed,
  no partial tree; the next backup works.
* btrfs: an incremental backup from a snapshot hard-links the unchanged
  files from its parent (the snapshot keeps inode numbers and ctimes);
  on the local driver every file is copied again (documented).
"""

import glob
import os
import shutil
import tempfile
import uuid

import sqlalchemy as sa
import testtools

from manila_bk.tests import btrfs_fixture
from manila_bk.tests.functional import fixtures as ffx
from manila_bk.tests.functional import test_backup
from manila_bk.tests.unit.data.backup import treecompare

MIB = 1024 * 1024
PAUSE = 'MANILA_BK_TEST_PAUSE'


def fill(path, dirs=4):
    """One 12 MiB file per directory: several slowed progress reports."""
    for d in range(dirs):
        sub = os.path.join(path, 'dir%d' % d)
        os.mkdir(sub)
        with open(os.path.join(sub, 'file'), 'wb') as f:
            f.write(os.urandom(12 * MIB))


def same_tree(test, reference, path):
    facts = treecompare.describe(path)
    wrong = sorted(rel for rel in set(facts) | set(reference)
                   if facts.get(rel) != reference.get(rel))
    test.assertEqual([], wrong)


class SnapshotDeploymentMixin:
    """A deployment with backup_from_snapshot on; helpers to look at it."""

    mode = 'all'
    db_kind = 'sqlite'
    backup_section = 'backup'
    env = {}

    @classmethod
    def extra_config(cls):
        return {'DEFAULT': {'backup_progress_interval': '0',
                            'test_only_progress_delay': '1.5'},
                cls.backup_section: {'backup_from_snapshot': 'True'}}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.deployment = ffx.Deployment(cls.mode, cls.db_kind,
                                        extra_config=cls.extra_config(),
                                        env=cls.env)
        try:
            cls.deployment.start()
        except Exception:
            cls.deployment.cleanup()
            raise
        cls.http = test_backup.BackupHTTP(cls.deployment.endpoint)

    @classmethod
    def tearDownClass(cls):
        cls.deployment.cleanup()
        super().tearDownClass()

    @property
    def backup_root(self):
        return os.path.join(self.deployment.workdir, 'state', 'backups')

    def temp_snapshots(self, share_id):
        """Names of the share's temporary snapshots on the local driver."""
        top = os.path.join(self.deployment.share_root, '.backup-snapshots',
                           'share-%s' % share_id)
        return sorted(os.listdir(top)) if os.path.isdir(top) else []

    def wait_no_temp_snapshot(self, share_id, timeout=60):
        ffx.wait_for(lambda: not self.temp_snapshots(share_id), timeout,
                     interval=0.5, what='temporary snapshots of %s gone'
                     % share_id)

    def backup_row(self, backup_id):
        """What the API does not show: fail_reason and the snapshot record."""
        engine = sa.create_engine(self.deployment.db.url)
        try:
            with engine.connect() as conn:
                return conn.execute(sa.text(
                    'SELECT fail_reason, temp_snapshot_host, from_snapshot '
                    'FROM share_backups WHERE id = :id'),
                    {'id': backup_id}).one()._asdict()
        finally:
            engine.dispose()

    def partial_trees(self):
        return glob.glob(os.path.join(self.backup_root, '*', '*',
                                      '*.partial'))

    def copying(self, backup_id):
        """Wait until the backup copies (progress shown); return it."""
        return self.http.wait_backup(
            backup_id, ('creating',), timeout=90,
            condition=lambda b: int(b['progress']) >= 1)


class EmbeddedBackupFromSnapshotTestCase(SnapshotDeploymentMixin,
                                         testtools.TestCase):
    env = {PAUSE: 'backup_snapshot_copied:3'}

    def test_writers_not_blocked_backup_holds_snapshot_time_state(self):
        share, path = self.http.create_share('snap-src-%s'
                                             % uuid.uuid4().hex[:6])
        fill(path)
        with open(os.path.join(path, 'journal'), 'wb') as f:
            f.write(b'state at snapshot time')
        reference = treecompare.describe(path)
        backup = self.http.create_backup(share['id'], 'from-snapshot')

        # Busy only while the snapshot is taken (held 3 s by the pause).
        ffx.wait_for(lambda: any(n.startswith('.new-backup-') for n in
                                 self.temp_snapshots(share['id'])),
                     30, what='the temporary snapshot being copied')
        self.assertEqual('backup_creating',
                         self.http.share(share['id'])['status'])
        self.http.wait_share(share['id'], ('available',), timeout=30)
        self.assertEqual('creating',
                         self.http.backup(backup['id'])['status'])

        # During the copy: writers go ahead, tenants see no snapshot.
        self.copying(backup['id'])
        self.assertEqual(['backup-%s' % backup['id']],
                         self.temp_snapshots(share['id']))
        with open(os.path.join(path, 'journal'), 'ab') as f:
            f.write(b' + a write made during the copy')
        with open(os.path.join(path, 'written-during-copy'), 'wb') as f:
            f.write(b'new')
        self.assertEqual([], [
            s for s in self.http.call('GET', '/snapshots/detail').json()[
                'snapshots'] if s['share_id'] == share['id']])
        self.assertEqual('creating',
                         self.http.backup(backup['id'])['status'])
        self.assertEqual('available',
                         self.http.share(share['id'])['status'])

        done = self.http.wait_backup(backup['id'], ('available', 'error'),
                                     timeout=180)
        self.assertEqual('available', done['status'])
        row = self.backup_row(backup['id'])
        self.assertEqual((None, None), (row['fail_reason'],
                                        row['temp_snapshot_host']))
        self.assertTrue(row['from_snapshot'])
        self.assertEqual([], self.temp_snapshots(share['id']))
        data = test_backup.find_backup_dirs(self.backup_root, backup['id'])
        self.assertEqual(1, len(data), data)
        same_tree(self, reference, os.path.join(data[0], 'data'))
        with open(os.path.join(path, 'journal'), 'rb') as f:
            self.assertIn(b'during the copy', f.read())

        # Restored elsewhere, it is the snapshot-time tree too.
        other, other_path = self.http.create_share('snap-dst')
        self.http.restore(backup['id'], other['id'])
        self.http.wait_backup(backup['id'], ('available',), condition=lambda
                              b: b['restore_progress'] == '100', timeout=180)
        self.http.wait_share(other['id'], ('available',), timeout=60)
        same_tree(self, reference, other_path)

    def test_share_with_snapshot_still_refused(self):
        share, _path = self.http.create_share('snap-refused')
        snap = self.http.call('POST', '/snapshots', {'snapshot': {
            'share_id': share['id'], 'name': 'tenant-snap'}}).json()[
            'snapshot']
        ffx.wait_for(lambda: self.http.call(
            'GET', '/snapshots/%s' % snap['id']).json()['snapshot'][
            'status'] == 'available', 60, what='snapshot available')
        resp = self.http.call('POST', '/share-backups', {'share_backup': {
            'share_id': share['id'], 'name': 'refused'}}, expect=(400,))
        self.assertIn('snapshots', resp.json()['badRequest']['message'])

    def test_incremental_from_local_snapshot_copies_every_file(self):
        # Documented: the local driver's snapshot is a copy (new inodes),
        # so nothing is hard-linked from the parent; still complete.
        share, path = self.http.create_share('snap-incr')
        for name in ('kept', 'changed'):
            with open(os.path.join(path, name), 'wb') as f:
                f.write(name.encode())
        full = self.http.create_backup(share['id'], 'full')
        self.http.wait_backup(full['id'], ('available',), timeout=120)
        with open(os.path.join(path, 'changed'), 'wb') as f:
            f.write(b'changed again')
        incr = self.http.call('POST', '/share-backups', {'share_backup': {
            'share_id': share['id'], 'name': 'incr', 'backup_options': {
                'backup_type': 'incremental'}}}).json()['share_backup']
        incr = self.http.wait_backup(incr['id'], ('available',),
                                     timeout=120)
        self.assertEqual('incremental', incr['backup_type'])
        data = test_backup.find_backup_dirs(self.backup_root, incr['id'])
        kept = os.stat(os.path.join(data[0], 'data', 'kept'))
        self.assertEqual(1, kept.st_nlink)
        with open(os.path.join(data[0], 'data', 'changed'), 'rb') as f:
            self.assertEqual(b'changed again', f.read())
        self.assertEqual([], self.temp_snapshots(share['id']))

    def test_kill_mid_copy_then_restart_cleans_up(self):
        share, path = self.http.create_share('snap-kill')
        fill(path)
        backup = self.http.create_backup(share['id'], 'killed')
        self.copying(backup['id'])
        self.assertEqual(['backup-%s' % backup['id']],
                         self.temp_snapshots(share['id']))
        self.deployment.kill('manila-bk-all')
        self.deployment.respawn('manila-bk-all')
        ffx.wait_for(self.deployment._api_up, 60, what='the API')
        self.http.wait_backup(backup['id'], ('error',), timeout=60)
        self.assertIn('stopped before the work was finished',
                      self.backup_row(backup['id'])['fail_reason'])
        self.assertTrue(self.http.messages(backup['id']))
        self.assertEqual('available', self.http.share(share['id'])['status'])
        self.wait_no_temp_snapshot(share['id'])
        self.assertEqual([], self.partial_trees())


class SplitBackupFromSnapshotTestCase(SnapshotDeploymentMixin,
                                      testtools.TestCase):
    mode = 'split'
    db_kind = 'mysql'
    backup_section = 'backup1'

    @classmethod
    def setUpClass(cls):
        cls.target = tempfile.mkdtemp(prefix='manila-bk-backups-')
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.target, ignore_errors=True)

    @classmethod
    def extra_config(cls):
        config = super().extra_config()
        config['DEFAULT'].update({'enabled_backup_backend': 'backup1',
                                  'data_node_access_ips': '127.0.0.1'})
        config['backup1'].update({'backup_driver': 'nfs',
                                  'backup_mount_export': cls.target})
        return config

    @property
    def backup_root(self):
        return self.target

    def exports(self):
        path = os.path.join(self.deployment.share_root, '.exports')
        if not os.path.exists(path):
            return {}
        with open(path) as f:
            return dict(line.split(None, 1) for line in f if line.strip())

    def test_kill_data_service_mid_copy_then_restart_cleans_up(self):
        share, path = self.http.create_share('split-kill')
        fill(path)
        backup = self.http.create_backup(share['id'], 'killed')
        self.copying(backup['id'])
        snap_path = os.path.join(self.deployment.share_root,
                                 '.backup-snapshots', 'share-%s' % share['id'],
                                 'backup-%s' % backup['id'])
        self.assertTrue(os.path.isdir(snap_path))
        # Read-only for the data node, on the snapshot; no rule on the share.
        self.assertIn('127.0.0.1(ro,', self.exports().get(snap_path, ''))
        self.assertEqual([], self.http.access_rules(share['id']))
        self.assertEqual('available', self.http.share(share['id'])['status'])
        with open(os.path.join(path, 'dir0', 'file'), 'r+b') as f:
            f.write(b'written while the backup copies')

        self.deployment.kill('manila-bk-data')
        self.assertTrue(self.partial_trees())
        self.deployment.respawn('manila-bk-data')
        self.http.wait_backup(backup['id'], ('error',), timeout=90)
        self.assertIn('stopped before the work was finished',
                      self.backup_row(backup['id'])['fail_reason'])
        self.assertTrue(self.http.messages(backup['id']))
        self.assertEqual('available', self.http.share(share['id'])['status'])
        self.wait_no_temp_snapshot(share['id'])
        self.assertNotIn(snap_path, self.exports())
        self.assertEqual([], self.partial_trees())

        reference = treecompare.describe(path)
        again = self.http.create_backup(share['id'], 'after-kill')
        again = self.http.wait_backup(again['id'], ('available',),
                                      timeout=180)
        data = test_backup.find_backup_dirs(self.target, again['id'])
        same_tree(self, reference, os.path.join(data[0], 'data'))
        self.assertEqual([], self.temp_snapshots(share['id']))
        self.assertEqual('available', self.http.share(share['id'])['status'])


class BtrfsIncrementalFromSnapshotTestCase(SnapshotDeploymentMixin,
                                           testtools.TestCase):
    """Incrementals from btrfs snapshots link what did not change."""

    @classmethod
    def extra_config(cls):
        config = super().extra_config()
        config['DEFAULT'].update({'enabled_share_backends': 'btrfs1',
                                  'test_only_progress_delay': '0'})
        config['btrfs1'] = {'share_driver': 'btrfs',
                            'btrfs_mount_point': cls.fs.mount_point}
        return config

    @classmethod
    def setUpClass(cls):
        cls.fs = btrfs_fixture.BtrfsFilesystem()
        cls.fs.setUp()
        try:
            super().setUpClass()
        except BaseException:
            cls.fs.cleanUp()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.fs.cleanUp()

    def test_incremental_links_unchanged_files_from_parent(self):
        share, path = self.http.create_share('btrfs-incr')
        self.assertTrue(path.startswith(self.fs.mount_point + '/'), path)
        with open(os.path.join(path, 'kept'), 'wb') as f:
            f.write(os.urandom(MIB))
        with open(os.path.join(path, 'changed'), 'wb') as f:
            f.write(b'one')
        full = self.http.create_backup(share['id'], 'full')
        self.http.wait_backup(full['id'], ('available',), timeout=120)
        with open(os.path.join(path, 'changed'), 'wb') as f:
            f.write(b'two')
        reference = treecompare.describe(path)
        incr = self.http.call('POST', '/share-backups', {'share_backup': {
            'share_id': share['id'], 'name': 'incr', 'backup_options': {
                'backup_type': 'incremental'}}}).json()['share_backup']
        incr = self.http.wait_backup(incr['id'], ('available',),
                                     timeout=120)
        self.assertEqual('incremental', incr['backup_type'])
        [full_dir] = test_backup.find_backup_dirs(self.backup_root,
                                                  full['id'])
        [incr_dir] = test_backup.find_backup_dirs(self.backup_root,
                                                  incr['id'])
        self.assertEqual(
            os.stat(os.path.join(full_dir, 'data', 'kept')).st_ino,
            os.stat(os.path.join(incr_dir, 'data', 'kept')).st_ino)
        self.assertNotEqual(
            os.stat(os.path.join(full_dir, 'data', 'changed')).st_ino,
            os.stat(os.path.join(incr_dir, 'data', 'changed')).st_ino)
        same_tree(self, reference, os.path.join(incr_dir, 'data'))
        top = os.path.join(self.fs.mount_point, 'backup-snapshots')
        self.assertEqual([], os.listdir(top) if os.path.isdir(top) else [])
