"""Tests of mount templates: argument vectors, mount lifecycle, leftovers."""

import json
import os
import subprocess
import sys

import fixtures
import testtools

from manila_bk.data.backup import base
from manila_bk.data.backup import mount

# Records its arguments in $MOUNT_LOG (one JSON list per line); fails when
# its first argument is "fail".
_RECORDER = """
import json, os, sys
with open(os.environ['MOUNT_LOG'], 'a') as f:
    f.write(json.dumps(sys.argv[1:]) + '\\n')
sys.exit(1 if sys.argv[1:2] == ['fail'] else 0)
"""


class BuildArgvTestCase(testtools.TestCase):

    def test_values_with_spaces_stay_one_argument(self):
        argv = mount.build_argv('mount -t %(proto)s %(export)s %(path)s',
                                proto='nfs', export='host:/a b',
                                path='/mnt/x y', options='')
        self.assertEqual(['mount', '-t', 'nfs', 'host:/a b', '/mnt/x y'],
                         argv)

    def test_shell_characters_passed_literally(self):
        evil = 'x; rm -rf / $(reboot) `id` | cat > /etc/passwd'
        argv = mount.build_argv('mount %(export)s "%(path)s"',
                                export=evil, path='$(id)')
        self.assertEqual(['mount', evil, '$(id)'], argv)

    def test_empty_options_argument_dropped(self):
        template = 'mount -t %(proto)s -o%(options)s %(export)s %(path)s'
        self.assertEqual(
            ['mount', '-t', 'nfs', 'e', 'p'],
            mount.build_argv(template, proto='nfs', options='',
                             export='e', path='p'))
        self.assertEqual(
            ['mount', '-t', 'nfs', '-overs=4.1,hard', 'e', 'p'],
            mount.build_argv(template, proto='nfs', options='vers=4.1,hard',
                             export='e', path='p'))

    def test_quoted_template_words_kept_together(self):
        argv = mount.build_argv("sudo 'my mount' %(path)s", path='/p')
        self.assertEqual(['sudo', 'my mount', '/p'], argv)

    def test_unknown_placeholder_refused(self):
        self.assertRaises(base.BackupMountError, mount.build_argv,
                          'mount %(server)s', path='/p')

    def test_unbalanced_quote_refused(self):
        self.assertRaises(base.BackupMountError, mount.build_argv,
                          'mount "%(path)s', path='/p')

    def test_empty_template_refused(self):
        self.assertRaises(base.BackupMountError, mount.build_argv, '  ')


class MountedTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.log = os.path.join(self.dir, 'calls.log')
        self.useFixture(fixtures.EnvironmentVariable('MOUNT_LOG', self.log))
        script = os.path.join(self.dir, 'recorder.py')
        with open(script, 'w') as f:
            f.write(_RECORDER)
        self.cmd = '%s %s' % (sys.executable, script)
        self.root = os.path.join(self.dir, 'mnt')

    def calls(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return [json.loads(line) for line in f]

    def test_mounted_runs_templates_and_removes_mount_point(self):
        evil = 'srv:/x; touch {0}/pwned $(touch {0}/pwned2)'.format(
            self.dir)
        with mount.mounted(evil, 'share-1', self.cmd + ' mount %(export)s '
                           '%(path)s -o%(options)s', self.cmd +
                           ' umount %(path)s', self.root,
                           options='ro') as path:
            self.assertTrue(os.path.isdir(path))
            self.assertEqual(self.root, os.path.dirname(path))
            self.assertTrue(os.path.basename(path).startswith('share-1-'))
        self.assertEqual([['mount', evil, path, '-oro'],
                          ['umount', path]], self.calls())
        self.assertFalse(os.path.exists(path))
        self.assertFalse(os.path.exists(os.path.join(self.dir, 'pwned')))
        self.assertFalse(os.path.exists(os.path.join(self.dir, 'pwned2')))

    def test_mounted_unmounts_when_block_fails(self):
        with testtools.ExpectedException(ValueError):
            with mount.mounted('e', 'x', self.cmd + ' mount %(path)s',
                               self.cmd + ' umount %(path)s', self.root):
                raise ValueError('copy failed')
        self.assertEqual(['mount', 'umount'],
                         [call[0] for call in self.calls()])

    def test_mount_failure_raises_and_removes_mount_point(self):
        exc = self.assertRaises(
            base.BackupMountError, self._enter,
            self.cmd + ' fail %(path)s', self.cmd + ' umount %(path)s')
        self.assertIn('exit code 1', str(exc))
        self.assertEqual([], os.listdir(self.root))

    def test_unmount_failure_after_success_raises(self):
        self.useFixture(fixtures.MonkeyPatch(
            'manila_bk.data.backup.mount.UNMOUNT_DELAY', 0))
        self.assertRaises(base.BackupMountError, self._enter,
                          self.cmd + ' mount %(path)s',
                          self.cmd + ' fail %(path)s')
        self.assertEqual(1 + mount.UNMOUNT_ATTEMPTS, len(self.calls()))

    def _enter(self, mount_template, unmount_template):
        with mount.mounted('e', 'x', mount_template, unmount_template,
                           self.root):
            pass

    def test_empty_template_uses_local_path(self):
        with mount.mounted('myhost:' + self.dir, 'x', '', 'umount',
                           self.root) as path:
            self.assertEqual(self.dir, path)
        with mount.mounted(self.dir, 'x', '', 'umount', self.root) as path:
            self.assertEqual(self.dir, path)
        self.assertEqual([], self.calls())
        self.assertFalse(os.path.exists(self.root))

    def test_empty_template_missing_path_refused(self):
        self.assertRaises(base.BackupMountError, self._local,
                          os.path.join(self.dir, 'missing'))
        self.assertRaises(base.BackupMountError, self._local, 'srv:share')

    def _local(self, export):
        with mount.mounted(export, 'x', '', '', self.root):
            pass


class LeftoverMountsTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path

    def test_find_leftover_mounts_decodes_and_filters(self):
        mounts = os.path.join(self.dir, 'mounts')
        with open(mounts, 'w') as f:
            f.write('/dev/vda / ext4 rw 0 0\n'
                    'srv:/a /state/mnt/share-1 nfs4 rw 0 0\n'
                    'srv:/b /state/mnt/with\\040space nfs rw 0 0\n'
                    'srv:/c /state/mnt/share-1/nested nfs rw 0 0\n'
                    'srv:/d /state/mntx nfs rw 0 0\n')
        self.assertEqual(['/state/mnt/share-1/nested',
                          '/state/mnt/share-1', '/state/mnt/with space'],
                         mount.find_leftover_mounts('/state/mnt/', mounts))

    def test_real_bind_mount_mounted_and_cleanup(self):
        export = os.path.join(self.dir, 'export')
        os.mkdir(export)
        with open(os.path.join(export, 'f'), 'w') as f:
            f.write('data')
        root = os.path.join(self.dir, 'mnt')
        try:
            with mount.mounted(export, 'bind', 'mount --bind %(export)s '
                               '%(path)s', 'umount %(path)s', root) as path:
                self.assertIn(path, mount.find_leftover_mounts(root))
                with open(os.path.join(path, 'f')) as f:
                    self.assertEqual('data', f.read())
        except base.BackupMountError as exc:
            self.skipTest('bind mounts not permitted here: %s' % exc)
        self.assertEqual([], mount.find_leftover_mounts(root))
        leftover = os.path.join(root, 'share-left')
        os.mkdir(leftover)
        subprocess.run(['mount', '--bind', export, leftover], check=True)
        self.assertEqual([], mount.cleanup_leftover_mounts(
            root, 'umount %(path)s'))
        self.assertEqual([], mount.find_leftover_mounts(root))
        self.assertEqual([], os.listdir(root))
