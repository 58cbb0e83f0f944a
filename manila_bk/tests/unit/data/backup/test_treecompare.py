"""The tree comparison helper must see every kind of difference."""

import os
import shutil

import fixtures
import testtools

from manila_bk.tests.unit.data.backup import treecompare


class TreeCompareTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        base = self.useFixture(fixtures.TempDir()).path
        self.a = os.path.join(base, 'a')
        self.b = os.path.join(base, 'b')
        os.makedirs(os.path.join(self.a, 'd'))
        with open(os.path.join(self.a, 'd', 'f'), 'w') as f:
            f.write('content')
        os.link(os.path.join(self.a, 'd', 'f'), os.path.join(self.a, 'g'))
        os.symlink('d/f', os.path.join(self.a, 'l'))
        os.setxattr(os.path.join(self.a, 'g'), 'user.x', b'1')
        shutil.copytree(self.a, self.b, symlinks=True, copy_function=_noop)
        self._copy_files()

    def _copy_files(self):
        shutil.copy2(os.path.join(self.a, 'd', 'f'),
                     os.path.join(self.b, 'd', 'f'))
        os.link(os.path.join(self.b, 'd', 'f'), os.path.join(self.b, 'g'))
        for rel in ('d', ''):
            st = os.stat(os.path.join(self.a, rel))
            os.utime(os.path.join(self.b, rel),
                     ns=(st.st_atime_ns, st.st_mtime_ns))
        st = os.lstat(os.path.join(self.a, 'l'))
        os.utime(os.path.join(self.b, 'l'),
                 ns=(st.st_atime_ns, st.st_mtime_ns), follow_symlinks=False)

    def _differs(self, fact):
        problems = treecompare.differences(self.a, self.b)
        self.assertTrue(any(fact in p for p in problems), problems)

    def test_identical_trees_no_differences(self):
        self.assertEqual([], treecompare.differences(self.a, self.b))

    def test_content_difference_found(self):
        with open(os.path.join(self.b, 'd', 'f'), 'r+') as f:
            f.write('C')
        self._differs('sha256')

    def test_mode_mtime_difference_found(self):
        os.chmod(os.path.join(self.b, 'g'), 0o600)
        self._differs('mode')
        os.utime(os.path.join(self.b, 'd'), ns=(1, 1))
        self._differs('mtime_ns')

    def test_hardlink_grouping_difference_found(self):
        os.unlink(os.path.join(self.b, 'g'))
        shutil.copy2(os.path.join(self.b, 'd', 'f'),
                     os.path.join(self.b, 'g'))
        self._differs('links')

    def test_xattr_symlink_and_extra_found(self):
        os.removexattr(os.path.join(self.b, 'g'), 'user.x')
        self._differs('xattrs')
        os.unlink(os.path.join(self.b, 'l'))
        os.symlink('elsewhere', os.path.join(self.b, 'l'))
        self._differs('target')
        open(os.path.join(self.b, 'new'), 'w').close()
        self._differs('only in')


def _noop(src, dst):
    pass
