"""Tests of the one-pass, hole-keeping file copy."""

import hashlib
import os

import fixtures
import testtools

from manila_bk.data.backup.engine import filecopy

MIB = 1024 * 1024


class FileCopyTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path

    def _copy(self, src, algorithm='sha256'):
        dst = os.path.join(self.dir, 'copy')
        counted = []
        src_fd = os.open(src, os.O_RDONLY)
        dst_fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            result = filecopy.copy_fd(src_fd, dst_fd, algorithm,
                                      counted.append)
        finally:
            os.close(src_fd)
            os.close(dst_fd)
        return dst, result, sum(counted)

    def _content(self, path):
        with open(path, 'rb') as f:
            return f.read()

    def test_copy_sparse_file_keeps_holes_and_plain_digest(self):
        src = os.path.join(self.dir, 'sparse')
        with open(src, 'wb') as f:
            f.seek(3 * MIB)
            f.write(b'middle')
            f.truncate(32 * MIB)
        dst, (digest, size), counted = self._copy(src)
        data = self._content(src)
        self.assertEqual(hashlib.sha256(data).hexdigest(), digest)
        self.assertEqual((32 * MIB, 32 * MIB), (size, counted))
        self.assertEqual(data, self._content(dst))
        self.assertLess(os.stat(dst).st_blocks * 512, 256 * 1024)

    def test_copy_unaligned_large_file_blake2b(self):
        src = os.path.join(self.dir, 'big')
        data = os.urandom(3 * MIB + 17)
        with open(src, 'wb') as f:
            f.write(data)
        dst, (digest, size), _counted = self._copy(src, 'blake2b')
        self.assertEqual(hashlib.blake2b(data).hexdigest(), digest)
        self.assertEqual(len(data), size)
        self.assertEqual(data, self._content(dst))

    def test_copy_empty_file(self):
        src = os.path.join(self.dir, 'empty')
        open(src, 'wb').close()
        dst, (digest, size), _counted = self._copy(src)
        self.assertEqual((hashlib.sha256(b'').hexdigest(), 0),
                         (digest, size))
        self.assertEqual(0, os.path.getsize(dst))

    def test_hash_fd_matches_hashlib(self):
        src = os.path.join(self.dir, 'f')
        with open(src, 'wb') as f:
            f.write(b'abc' * 1000)
        fd = os.open(src, os.O_RDONLY)
        try:
            digest, size = filecopy.hash_fd(fd, 'sha256')
        finally:
            os.close(fd)
        self.assertEqual(hashlib.sha256(b'abc' * 1000).hexdigest(), digest)
        self.assertEqual(3000, size)

    def test_unknown_algorithm_refused(self):
        self.assertRaises(ValueError, filecopy.new_hash, 'md5')
