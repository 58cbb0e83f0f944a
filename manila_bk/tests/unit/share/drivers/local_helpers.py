"""Helpers of the local driver tests: a driver in a temp dir, tree readers."""

import os
import types
import uuid

import fixtures
import testtools

from manila_bk.share.drivers import base
from manila_bk.share.drivers import local


def make_local_driver(test, **overrides):
    """A LocalShareDriver under a fresh temporary directory."""
    tmp = test.useFixture(fixtures.TempDir()).path
    options = dict(local_share_root=os.path.join(tmp, 'shares'),
                   local_export_host=None, local_exports_file=None,
                   local_exports_reload_command=[],
                   local_total_capacity_gb=None, share_backend_name=None,
                   reserved_share_percentage=0)
    options.update(overrides)
    return local.LocalShareDriver(types.SimpleNamespace(**options),
                                  'local1', 'node1@local1')


def write_file(driver, share, relpath, data):
    path = os.path.join(driver.get_share_path(share), relpath)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as handle:
        handle.write(data)


def read_tree(driver, share):
    top = driver.get_share_path(share)
    tree = {}
    for dirpath, _dirs, files in os.walk(top):
        for name in files:
            path = os.path.join(dirpath, name)
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, 'rb') as handle:
                    tree[os.path.relpath(path, top)] = handle.read()
    return tree


XATTR = 'user.test'


def xattrs(path):
    try:
        names = os.listxattr(path, follow_symlinks=False)
    except OSError:
        return {}
    return {n: os.getxattr(path, n, follow_symlinks=False)
            for n in sorted(names) if n.startswith('user.')}


def tree_metadata(top):
    """Everything a restore must bring back, keyed by relative path."""
    result = {}
    inode_names = {}
    for dirpath, dirs, files in os.walk(top):
        for name in ['.'] + dirs + files:
            if name == '.' and dirpath != top:
                continue
            path = os.path.normpath(os.path.join(dirpath, name))
            st = os.lstat(path)
            rel = os.path.relpath(path, top)
            entry = {'mode': st.st_mode, 'uid': st.st_uid, 'gid': st.st_gid,
                     'mtime': st.st_mtime_ns, 'xattrs': xattrs(path)}
            if os.path.islink(path):
                entry['target'] = os.readlink(path)
            elif os.path.isfile(path):
                entry['atime'] = st.st_atime_ns
                with open(path, 'rb') as handle:
                    entry['data'] = handle.read()
                key = (st.st_dev, st.st_ino)
                entry['link'] = inode_names.setdefault(key, rel)
                entry['nlink'] = st.st_nlink
            result[rel] = entry
    return result


class LocalDriverTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.driver = self.make_driver()

    def make_driver(self, **overrides):
        driver = make_local_driver(self, **overrides)
        driver.do_setup()
        driver.check_for_setup_error()
        return driver

    def new_share(self, size=1):
        share = base.ShareSpec(id=str(uuid.uuid4()), size=size,
                               share_proto='NFS')
        self.driver.create_share(share)
        return share

    def new_snapshot(self, share):
        snapshot = base.SnapshotSpec(id=str(uuid.uuid4()), share=share,
                                     size=share.size)
        self.driver.create_snapshot(snapshot)
        return snapshot

    def write(self, share, relpath, data):
        write_file(self.driver, share, relpath, data)

    def read(self, share):
        return read_tree(self.driver, share)

    def rule(self, access_to, level='rw', access_type='ip'):
        return base.AccessRule(id=str(uuid.uuid4()), access_type=access_type,
                               access_to=access_to, access_level=level)

    def exports(self):
        try:
            with open(self.driver.exports_file) as handle:
                return handle.read()
        except FileNotFoundError:
            return None
