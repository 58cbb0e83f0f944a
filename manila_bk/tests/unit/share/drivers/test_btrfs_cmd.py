"""The btrfs command layer, with a recording runner instead of btrfs."""

import os
import subprocess

import fixtures
import testtools

from manila_bk import exception
from manila_bk.share.drivers import _btrfs_cmd

QGROUP_SHOW = """\
Qgroupid    Referenced    Exclusive  Max referenced   Path
--------    ----------    ---------  --------------   ----
0/258        104841216        16384       104857600   shares/share-1
"""


class RecordingRunner:
    """Records argument vectors; answers from a table of outputs."""

    def __init__(self, outputs=None, fail=None):
        self.calls = []
        self.outputs = outputs or {}
        self.fail = fail

    def __call__(self, argv):
        self.calls.append(list(argv))
        if self.fail and self.fail in argv:
            raise exception.ShareDriverException(
                reason='%s exited with 1: ERROR: boom' % ' '.join(argv))
        for key, out in self.outputs.items():
            if key in argv:
                return subprocess.CompletedProcess(argv, 0, out, b'')
        return subprocess.CompletedProcess(argv, 0, b'', b'')


class ParseQgroupShowTestCase(testtools.TestCase):

    def test_parse_row_with_path_returns_usage(self):
        usage = _btrfs_cmd.parse_qgroup_show(QGROUP_SHOW, '0/258')
        self.assertEqual(104841216, usage.referenced)
        self.assertEqual(16384, usage.exclusive)
        self.assertEqual(104857600, usage.max_referenced)

    def test_parse_no_limit_gives_none(self):
        out = '0/300  4096  4096  none\n'
        usage = _btrfs_cmd.parse_qgroup_show(out, '0/300')
        self.assertIsNone(usage.max_referenced)

    def test_parse_missing_row_raises_driver_exception(self):
        self.assertRaises(exception.ShareDriverException,
                          _btrfs_cmd.parse_qgroup_show, QGROUP_SHOW, '0/25')

    def test_parse_garbled_row_raises_driver_exception(self):
        self.assertRaises(exception.ShareDriverException,
                          _btrfs_cmd.parse_qgroup_show, '0/1 x y z', '0/1')


class BtrfsCommandsTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.runner = RecordingRunner({'rootid': b'258\n',
                                       'show': QGROUP_SHOW.encode()})
        self.btrfs = _btrfs_cmd.Btrfs(runner=self.runner)
        self.tmp = self.useFixture(fixtures.TempDir()).path

    def test_snapshot_readonly_passes_r_flag(self):
        self.btrfs.snapshot('/m/shares/a', '/m/snapshots/b', readonly=True)
        self.assertEqual([['btrfs', 'subvolume', 'snapshot', '-r',
                           '/m/shares/a', '/m/snapshots/b']],
                         self.runner.calls)

    def test_snapshot_writable_omits_r_flag(self):
        self.btrfs.snapshot('/m/s', '/m/t', readonly=False)
        self.assertEqual([['btrfs', 'subvolume', 'snapshot', '/m/s',
                           '/m/t']], self.runner.calls)

    def test_create_subvolume_runs_subvolume_create(self):
        self.btrfs.create_subvolume('/m/.work/creating-x')
        self.assertEqual([['btrfs', 'subvolume', 'create',
                           '/m/.work/creating-x']], self.runner.calls)

    def test_set_limit_names_qgroup_and_runs_on_parent(self):
        self.btrfs.set_limit('/m/shares/share-1', 2 * 1024 ** 3)
        self.assertEqual(
            ['btrfs', 'qgroup', 'limit', '2147483648', '0/258',
             '/m/shares'], self.runner.calls[-1])

    def test_usage_syncs_and_reads_own_qgroup(self):
        usage = self.btrfs.usage('/m/shares/share-1')
        self.assertEqual(104841216, usage.referenced)
        self.assertIn('--sync', self.runner.calls[-1])
        self.assertEqual('/m/shares/share-1', self.runner.calls[-1][-1])

    def test_root_helper_prefixes_every_command(self):
        btrfs = _btrfs_cmd.Btrfs(root_helper=['sudo', '-n'],
                                 runner=self.runner)
        btrfs.create_subvolume('/m/x')
        self.assertEqual(['sudo', '-n', 'btrfs', 'subvolume', 'create',
                          '/m/x'], self.runner.calls[-1])

    def test_subvolume_id_bad_output_raises_driver_exception(self):
        btrfs = _btrfs_cmd.Btrfs(runner=RecordingRunner({'rootid': b'?'}))
        self.assertRaises(exception.ShareDriverException,
                          btrfs.subvolume_id, '/m')

    def test_command_failure_propagates_driver_exception(self):
        btrfs = _btrfs_cmd.Btrfs(runner=RecordingRunner({'rootid': b'5'},
                                                        fail='limit'))
        exc = self.assertRaises(exception.ShareDriverException,
                                btrfs.set_limit, '/m/a', 1)
        self.assertIn('ERROR: boom', str(exc))

    def test_delete_subvolume_absent_runs_nothing(self):
        self.btrfs.delete_subvolume(os.path.join(self.tmp, 'absent'))
        self.assertEqual([], self.runner.calls)

    def test_delete_subvolume_plain_directory_raises(self):
        path = os.path.join(self.tmp, 'plain')
        os.mkdir(path)
        self.assertRaises(exception.ShareDriverException,
                          self.btrfs.delete_subvolume, path)
        self.assertEqual([], self.runner.calls)
        self.assertTrue(os.path.isdir(path))

    def test_is_subvolume_plain_directory_false(self):
        self.assertFalse(_btrfs_cmd.is_subvolume(self.tmp))
        self.assertFalse(_btrfs_cmd.is_subvolume(
            os.path.join(self.tmp, 'absent')))


class RealRunnerTestCase(testtools.TestCase):
    """The default runner: argument vectors, stderr in the exception."""

    def test_failing_command_error_carries_stderr(self):
        btrfs = _btrfs_cmd.Btrfs(command='ls')
        exc = self.assertRaises(exception.ShareDriverException, btrfs.run,
                                '/nonexistent/manila-bk-test')
        self.assertIn('No such file', str(exc))

    def test_missing_program_raises_driver_exception(self):
        btrfs = _btrfs_cmd.Btrfs(command='manila-bk-no-such-program')
        self.assertRaises(exception.ShareDriverException, btrfs.run,
                          'version')

    def test_arguments_are_not_interpreted_by_a_shell(self):
        btrfs = _btrfs_cmd.Btrfs(command='echo')
        self.assertEqual('$HOME;`id`\n', btrfs.run('$HOME;`id`'))
