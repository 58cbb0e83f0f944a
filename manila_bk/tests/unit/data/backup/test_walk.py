"""Tests of the fd-based tree walk, the directory stack and the merge."""

import errno
import os

import fixtures
import testtools

from manila_bk.data.backup.engine import walk


class WalkTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.root = os.fsencode(self.useFixture(fixtures.TempDir()).path)
        for rel in (b'b', b'a', b'a/x', b'a-b'):
            os.mkdir(os.path.join(self.root, rel))
        for rel in (b'a/x/f', b'a/\xff', b'c'):
            with open(os.path.join(self.root, rel), 'wb') as f:
                f.write(b'1')
        os.symlink(b'a', os.path.join(self.root, b'link'))

    def test_walk_preorder_sorted_bytes(self):
        paths = [item.path for item in walk.TreeWalker(self.root)]
        self.assertEqual([b'', b'a', b'a/x', b'a/x/f', b'a/\xff', b'a-b',
                          b'b', b'c', b'link'], paths)

    def test_walk_does_not_follow_symlinks(self):
        items = {item.path: item for item in walk.TreeWalker(self.root)}
        self.assertIsNone(items[b'link'].fd)
        self.assertNotIn(b'link/x', items)

    def test_walk_skip_children(self):
        walker = walk.TreeWalker(self.root)
        paths = []
        for item in walker:
            paths.append(item.path)
            if item.path == b'a':
                walker.skip_children()
        self.assertEqual([b'', b'a', b'a-b', b'b', b'c', b'link'], paths)

    def test_walk_closes_fds_when_abandoned(self):
        before = len(os.listdir('/proc/self/fd'))
        for item in walk.TreeWalker(self.root):
            if item.path == b'a/x/f':
                break
        self.assertEqual(before, len(os.listdir('/proc/self/fd')))

    def test_dirstack_refuses_symlinked_directory(self):
        with walk.DirStack(self.root) as stack:
            exc = self.assertRaises(OSError, stack.open_dir, b'link')
        self.assertIn(exc.errno, (errno.ELOOP, errno.ENOTDIR))

    def test_open_parent_refuses_symlink_component(self):
        root_fd = walk.open_root(self.root)
        try:
            self.assertRaises(OSError, walk.open_parent, root_fd,
                              b'link/x/f')
            fd, name = walk.open_parent(root_fd, b'a/x/f')
            os.close(fd)
            self.assertEqual(b'f', name)
        finally:
            os.close(root_fd)

    def test_merge_marks_sides(self):
        manifest_entries = iter([{'path': b''}, {'path': b'a'},
                                 {'path': b'a/new'}, {'path': b'b'}])
        walker = walk.TreeWalker(self.root)
        result = []
        for path, item, entry in walk.merge(walker, manifest_entries):
            result.append((path, item is not None, entry is not None))
            if path == b'a':
                walker.skip_children()
        self.assertEqual([(b'', True, True), (b'a', True, True),
                          (b'a/new', False, True), (b'a-b', True, False),
                          (b'b', True, True), (b'c', True, False),
                          (b'link', True, False)], result)
