"""kill -9 of the data service in the middle of a backup and of a restore.

Separate api, share and data processes over RabbitMQ and MariaDB.  The
backup target is bind-mounted for each operation and the data node gets
a temporary access rule on the share, so a killed data service really
leaves a mount, an access grant and a partial tree behind.  The data
service is slowed with ``test_only_progress_delay`` so it can be killed
mid-way.

After the kill mid-backup, ``manila-bk-manage backup cleanup`` (refused
while the service still looks up, then forced) reconciles; after the kill
mid-restore, the restarted data service does.  Either way: statuses
settled, a user message, no mount, no access rule, no partial tree, and
the next backup or restore works.
"""

import glob
import os
import shutil
import subprocess
import tempfile

import testtools

from manila_bk.tests.functional import fixtures as ffx
from manila_bk.tests.functional import test_backup
from manila_bk.tests.unit.data.backup import treecompare

DATA = 'manila-bk-data'
MIB = 1024 * 1024


def fill(path, dirs=4):
    """One 12 MiB file per directory: a few progress reports, each slowed.

    Every report sleeps ``test_only_progress_delay`` in the data service,
    so once a percentage shows, the operation is held mid-way (manifest
    not written, target mounted, access granted) for that long, however
    fast the copy threads are.
    """
    for d in range(dirs):
        sub = os.path.join(path, 'dir%d' % d)
        os.mkdir(sub)
        with open(os.path.join(sub, 'file'), 'wb') as f:
            f.write(os.urandom(12 * MIB))


class DataServiceKillTestCase(testtools.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.target = tempfile.mkdtemp(prefix='manila-bk-backups-')
        cls.deployment = ffx.Deployment('split', 'mysql', extra_config={
            'DEFAULT': {'enabled_backup_backend': 'backup1',
                        'data_node_access_ips': '127.0.0.1',
                        'backup_progress_interval': '0',
                        'test_only_progress_delay': '2'},
            'backup1': {'backup_driver': 'nfs',
                        'backup_mount_export': cls.target,
                        'backup_mount_template':
                            'mount --bind %(export)s %(path)s'}})
        try:
            cls.deployment.start()
        except Exception:
            cls.deployment.cleanup()
            raise
        cls.http = test_backup.BackupHTTP(cls.deployment.endpoint)

    @classmethod
    def tearDownClass(cls):
        # Never let rmtree walk into a mount a failed test left behind.
        for point in cls.mounts():
            subprocess.run(['umount', '-l', point], check=False)
        cls.deployment.cleanup()
        shutil.rmtree(cls.target, ignore_errors=True)
        super().tearDownClass()

    @classmethod
    def mounts(cls):
        with open('/proc/self/mounts') as f:
            points = [line.split()[1] for line in f]
        return [p for p in points if p.startswith(cls.deployment.workdir)]

    def partial_trees(self):
        return glob.glob(os.path.join(self.target, '*', '*', '*.partial'))

    def wait_rules_gone(self, share_id):
        ffx.wait_for(lambda: not self.http.access_rules(share_id), 60,
                     interval=0.5, what='access rules of %s removed'
                     % share_id)

    def test_kill_mid_backup_and_mid_restore(self):
        share, path = self.http.create_share('kill-src')
        fill(path)
        reference = treecompare.describe(path)
        self._kill_mid_backup(share)
        self.deployment.respawn(DATA)
        backup = self.http.create_backup(share['id'], 'after-kill')
        backup = self.http.wait_backup(backup['id'], ('available',))
        self.assertEqual('available', self.http.share(share['id'])['status'])
        self._kill_mid_restore(share, path, backup)
        self.http.reset_share(share['id'], 'available')
        self.http.restore(backup['id'])
        self.http.wait_backup(backup['id'], ('available',),
                              condition=lambda b:
                              b['restore_progress'] == '100')
        self.http.wait_share(share['id'], ('available',))
        self.assertEqual(reference, treecompare.describe(path))

    def _kill_mid_backup(self, share):
        backup = self.http.create_backup(share['id'], 'killed')
        self.http.wait_backup(backup['id'], ('creating',), timeout=60,
                              condition=lambda b: int(b['progress']) >= 1)
        self.deployment.kill(DATA)
        self.assertTrue(self.mounts())
        self.assertTrue(self.partial_trees())
        self.assertEqual([('127.0.0.1', 'ro')], [
            (r['access_to'], r['access_level'])
            for r in self.http.access_rules(share['id'])])

        manage = [os.path.join(ffx.BIN, 'manila-bk-manage'),
                  '--config-file', self.deployment.config_file,
                  'backup', 'cleanup']
        refused = subprocess.run(manage, capture_output=True, text=True,
                                 stdin=subprocess.DEVNULL)
        self.assertEqual(2, refused.returncode)
        self.assertIn('is up', refused.stderr)
        out = self.deployment.manage('backup', 'cleanup', '--force')
        self.assertIn('backup %s: interrupted' % backup['id'], out)

        self.assertEqual('error', self.http.backup(backup['id'])['status'])
        self.assertEqual('available', self.http.share(share['id'])['status'])
        self.assertEqual([], self.mounts())
        self.assertEqual([], self.partial_trees())
        self.wait_rules_gone(share['id'])
        self.assertTrue(self.http.messages(backup['id']))

    def _kill_mid_restore(self, share, path, backup):
        with open(os.path.join(path, 'dir0', 'file'), 'r+b') as f:
            f.write(b'changed after the backup')
        with open(os.path.join(path, 'added'), 'wb') as f:
            f.write(b'added after the backup')
        self.http.restore(backup['id'])
        self.http.wait_backup(
            backup['id'], ('restoring',), timeout=60,
            condition=lambda b: int(b['restore_progress'] or 0) >= 51)
        self.deployment.kill(DATA)
        self.assertTrue(self.mounts())
        self.assertEqual([('127.0.0.1', 'rw')], [
            (r['access_to'], r['access_level'])
            for r in self.http.access_rules(share['id'])])

        self.deployment.respawn(DATA)
        self.http.wait_share(share['id'], ('backup_restoring_error',))
        self.assertEqual('available',
                         self.http.wait_backup(backup['id'],
                                               ('available',))['status'])
        ffx.wait_for(lambda: not self.mounts(), 30, what='mounts undone')
        self.wait_rules_gone(share['id'])
        self.assertTrue(self.http.messages(share['id']))
