"""Backup progress in the logs and on the operator's terminal.

On the embedded default: a backup and a restore of a 96 MiB share each
log one line per 10% done in the data service's log, with MiB/s and
files/s; ``manila-bk-manage backup verify`` logs its own deciles and
draws a progress bar on standard error when it is a terminal (a pty
here), and no bar when it is not.
"""

import os
import pty
import re
import subprocess
import threading
import uuid

import testtools

from manila_bk.tests.functional import fixtures as ffx
from manila_bk.tests.functional import test_backup

MIB = 1024 * 1024
FILES = 96


def _decile_lines(text, label):
    pattern = re.compile(
        r'%s: (\d+)%% done \([\d.]+ of [\d.]+ MiB, [\d.]+ MiB/s; \d+ files, '
        r'[\d.]+ files/s\)' % re.escape(label))
    return [int(m.group(1)) for m in pattern.finditer(text)]


def _run_on_pty(argv):
    """Run ``argv`` with standard error on a terminal; (rc, out, err)."""
    master, slave = pty.openpty()
    chunks = []

    def read():
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:         # EIO: the other side is closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=slave,
                              stdin=subprocess.DEVNULL, timeout=300)
    finally:
        os.close(slave)
        reader.join(30)
        os.close(master)
    return (proc.returncode, proc.stdout.decode(),
            b''.join(chunks).decode('utf-8', 'replace'))


class BackupProgressTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.deployment = ffx.Deployment('all', 'sqlite')
        self.addCleanup(self.deployment.cleanup)
        self.deployment.start()
        self.http = test_backup.BackupHTTP(self.deployment.endpoint)

    def _log(self):
        with open(os.path.join(self.deployment.workdir,
                               'manila-bk-all.log')) as f:
            return f.read()

    def _manage(self, *args):
        return [os.path.join(ffx.BIN, 'manila-bk-manage'), '--config-file',
                self.deployment.config_file] + list(args)

    def _fill(self, path):
        block = os.urandom(MIB)
        for index in range(FILES):
            with open(os.path.join(path, 'f%03d.bin' % index), 'wb') as f:
                f.write(block)

    def _assert_deciles(self, label):
        log = self._log()
        deciles = _decile_lines(log, label)
        # One line per decile from 10% to 90% (100% is the "done" line);
        # a decile may be skipped when one poll passes two of them.
        self.assertGreaterEqual(len(deciles), 7, log[-5000:])
        self.assertEqual(sorted(set(deciles)), deciles)
        self.assertTrue(set(deciles) <= set(range(10, 100, 10)), deciles)
        done = re.findall(r'%s: done, ([\d.]+) MiB in [\d.]+ s \([\d.]+ '
                          r'MiB/s; (\d+) files' % re.escape(label), log)
        self.assertEqual(1, len(done), done)
        return done[0]

    def test_backup_restore_and_verify_report_progress(self):
        share, path = self.http.create_share('prog-%s' % uuid.uuid4().hex[:6])
        self._fill(path)
        backup = self.http.create_backup(share['id'], 'progress')
        self.http.wait_backup(backup['id'], ('available',), timeout=300)
        self.assertEqual(('96.0', str(FILES)),
                         self._assert_deciles('Backup %s' % backup['id']))

        self.http.restore(backup['id'])
        self.http.wait_share(share['id'], ('available',), timeout=300)
        self._assert_deciles('Restore of %s' % backup['id'])

        rc, out, err = _run_on_pty(self._manage('backup', 'verify',
                                                backup['id']))
        self.assertEqual(0, rc, err[-3000:])
        self.assertIn('intact', out)
        # The log goes to standard output (no log_file, use_stderr off).
        self.assertGreaterEqual(
            len(_decile_lines(out, 'Verify of %s' % backup['id'])), 7, out)
        frames = [frame for frame in err.replace('\n', '\r').split('\r')
                  if frame.startswith('Verify %s  [' % backup['id'][:8])]
        self.assertTrue(frames, err[-3000:])
        self.assertRegex(frames[-1], r'\[#+\]  100%  [\d.]+ MiB/s  ETA ')
        self.assertNotIn('[#', out)

        plain = subprocess.run(self._manage('backup', 'verify',
                                            backup['id']),
                               capture_output=True, text=True,
                               stdin=subprocess.DEVNULL, timeout=300)
        self.assertEqual(0, plain.returncode, plain.stderr[-3000:])
        self.assertNotIn('\r', plain.stderr)
        self.assertNotIn('  [#', plain.stderr)
