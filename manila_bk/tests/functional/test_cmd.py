"""Console scripts: start-up errors, graceful stop, manage commands."""

import os
import signal
import subprocess
import tempfile
import time

import testtools

from manila_bk.tests.functional import fixtures as ffx


def _run(*argv, timeout=60):
    return subprocess.run([os.path.join(ffx.BIN, argv[0])] + list(argv[1:]),
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


class InvalidConfigTestCase(testtools.TestCase):

    def _config(self, text):
        workdir = self._tempdir()
        path = os.path.join(workdir, 'manila.conf')
        with open(path, 'w') as f:
            f.write('[DEFAULT]\nstate_path = %s\n' % workdir + text)
        return path

    def _tempdir(self):
        workdir = tempfile.mkdtemp(prefix='manila-bk-cmd-')
        self.addCleanup(subprocess.run, ['rm', '-rf', workdir])
        return workdir

    def _assert_one_line_error(self, proc, *needles):
        self.assertEqual(2, proc.returncode, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        self.assertEqual(1, len(lines), proc.stderr)
        for needle in needles:
            self.assertIn(needle, lines[0])

    def test_bad_port_names_the_option(self):
        conf = self._config('osapi_share_listen_port = 99999\n')
        proc = _run('manila-bk-api', '--config-file', conf)
        self._assert_one_line_error(proc, 'osapi_share_listen_port')

    def test_bad_choice_names_the_option(self):
        conf = self._config('auth_strategy = password\n')
        proc = _run('manila-bk-all', '--config-file', conf)
        self._assert_one_line_error(proc, 'auth_strategy')

    def test_share_service_without_backends_refuses(self):
        conf = self._config('')
        proc = _run('manila-bk-share', '--config-file', conf)
        self._assert_one_line_error(proc, 'enabled_share_backends')

    def test_backend_handling_share_servers_refused(self):
        conf = self._config('enabled_share_backends = b1\n[b1]\n'
                            'driver_handles_share_servers = True\n')
        proc = _run('manila-bk-share', '--config-file', conf)
        self._assert_one_line_error(proc, 'driver_handles_share_servers',
                                    'b1')

    def test_unknown_share_driver_refused(self):
        conf = self._config('enabled_share_backends = b1\n[b1]\n'
                            'share_driver = no.such.Driver\n')
        proc = _run('manila-bk-share', '--config-file', conf)
        self._assert_one_line_error(proc, 'no.such.Driver')

    def test_missing_config_file_refused(self):
        proc = _run('manila-bk-all', '--config-file', '/nonexistent.conf')
        self._assert_one_line_error(proc, '/nonexistent.conf')


class LifecycleTestCase(testtools.TestCase):

    def test_sigterm_stops_all_in_one_cleanly(self):
        deployment = ffx.Deployment('all', 'sqlite')
        self.addCleanup(deployment.cleanup)
        deployment.start()
        proc = deployment.procs['manila-bk-all']
        started = time.monotonic()
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
        self.assertEqual(0, proc.returncode, deployment.log('manila-bk-all'))
        self.assertLess(time.monotonic() - started, 30)
        self.assertNotIn('Traceback', deployment.log('manila-bk-all'))

    def test_manage_db_version_and_service_list(self):
        deployment = ffx.Deployment('all', 'sqlite')
        self.addCleanup(deployment.cleanup)
        deployment.manage('db', 'sync')
        version = deployment.manage('db', 'version').strip()
        self.assertRegex(version, r'^\d{4}$')
        deployment.start()
        ffx.wait_for(lambda: 'manila-bk-share' in deployment.manage(
            'service', 'list'), 30, what='service list')
        listing = deployment.manage('service', 'list')
        self.assertIn('manila-bk-data', listing)
        self.assertIn(':-)', listing)

    def test_status_upgrade_check_passes_after_sync(self):
        deployment = ffx.Deployment('all', 'sqlite')
        self.addCleanup(deployment.cleanup)
        deployment.manage('db', 'sync')
        proc = _run('manila-bk-status', '--config-file',
                    deployment.config_file, 'upgrade', 'check')
        self.assertEqual(0, proc.returncode, proc.stdout + proc.stderr)
        self.assertIn('Database schema', proc.stdout)
