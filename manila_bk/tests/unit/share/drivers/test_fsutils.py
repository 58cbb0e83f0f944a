"""File-system helpers of the directory drivers."""

import os
import stat

import fixtures
import testtools

from manila_bk import exception
from manila_bk.share.drivers import _fsutils


class FsUtilsTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def test_exchange_swaps_two_directories(self):
        os.makedirs(self.path('a', 'in-a'))
        os.makedirs(self.path('b', 'in-b'))
        try:
            _fsutils.exchange(self.path('a'), self.path('b'))
        except _fsutils.ExchangeUnsupported:
            self.skipTest('renameat2 exchange unsupported here')
        self.assertEqual(['in-b'], os.listdir(self.path('a')))
        self.assertEqual(['in-a'], os.listdir(self.path('b')))

    def test_exchange_missing_path_raises_oserror(self):
        os.mkdir(self.path('a'))
        self.assertRaises(OSError, _fsutils.exchange, self.path('a'),
                          self.path('missing'))

    def test_atomic_write_replaces_content_with_mode(self):
        target = self.path('file')
        _fsutils.atomic_write(target, b'one')
        _fsutils.atomic_write(target, b'two', mode=0o600)
        with open(target, 'rb') as handle:
            self.assertEqual(b'two', handle.read())
        self.assertEqual(0o600, stat.S_IMODE(os.stat(target).st_mode))
        self.assertEqual(['file'], os.listdir(self.tmp))

    def test_remove_tree_missing_file_and_dir(self):
        _fsutils.remove_tree(self.path('missing'))
        open(self.path('file'), 'w').close()
        _fsutils.remove_tree(self.path('file'))
        os.makedirs(self.path('d', 'e'))
        _fsutils.remove_tree(self.path('d'))
        self.assertEqual([], os.listdir(self.tmp))

    def test_used_bytes_counts_hardlinks_once_and_sparse_apparent(self):
        os.mkdir(self.path('d'))
        with open(self.path('d', 'sparse'), 'wb') as handle:
            handle.truncate(10 ** 6)
        os.link(self.path('d', 'sparse'), self.path('d', 'link'))
        with open(self.path('d', 'small'), 'wb') as handle:
            handle.write(b'12345')
        self.assertEqual(10 ** 6 + 5, _fsutils.used_bytes(self.path('d')))

    def test_run_failure_raises_with_stderr(self):
        exc = self.assertRaises(exception.ShareDriverException, _fsutils.run,
                                ['ls', self.path('missing')])
        self.assertIn('missing', str(exc))

    def test_run_missing_program_raises_driver_exception(self):
        self.assertRaises(exception.ShareDriverException, _fsutils.run,
                          ['no-such-program-xyz'])
