"""Tests of the manifest format: streaming, versions, integrity, structure."""

import json
import os

import testtools

from manila_bk.data.backup import base
from manila_bk.data.backup.engine import entries
from manila_bk.data.backup.engine import manifest

HEADER = {'backup_id': 'b1', 'share_id': 's1', 'project_id': 'p1',
          'size': 1, 'parent_id': None, 'backup_type': 'full',
          'created_at': None, 'checksum_algorithm': 'sha256'}


def _dir(path):
    return {'type': 'dir', 'path': path, 'mode': 0o755, 'uid': 0, 'gid': 0,
            'mtime_ns': 1, 'atime_ns': 1, 'xattrs': []}


def _file(path, size=3):
    return {'type': 'file', 'path': path, 'mode': 0o644, 'uid': 0,
            'gid': 0, 'mtime_ns': 2, 'atime_ns': 2, 'size': size,
            'checksum': 'ab', 'src_ino': 5, 'src_ctime_ns': 3,
            'xattrs': [(b'user.\xffname', b'\x00value')]}


class ManifestTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(__import__('fixtures').TempDir()).path
        self.path = os.path.join(self.dir, 'manifest.json')

    def write(self, items, publish=True):
        writer = manifest.ManifestWriter(self.path, HEADER)
        for item in items:
            writer.add(item)
        writer.close()
        if publish:
            writer.publish()
        return writer

    def rewrite_lines(self, change):
        with open(self.path, 'rb') as f:
            lines = [json.loads(line) for line in f]
        change(lines)
        with open(self.path, 'w') as f:
            for line in lines:
                f.write(json.dumps(line) + '\n')

    def test_round_trip_non_utf8_names_and_xattrs(self):
        items = [_dir(b''), _dir(b'a b'), _file(b'a b/\xff\xfe'),
                 {'type': 'hardlink', 'path': b'h', 'link_to':
                  b'a b/\xff\xfe'},
                 {'type': 'symlink', 'path': b'link', 'target': b'\xff/..',
                  'mode': 0o777, 'uid': 0, 'gid': 0, 'mtime_ns': 1,
                  'atime_ns': 1}]
        writer = self.write(items)
        read = manifest.Manifest(self.path)
        self.assertEqual('b1', read.header['backup_id'])
        self.assertEqual(manifest.FORMAT_VERSION,
                         read.header['format_version'])
        got = list(read.entries())
        self.assertEqual(items[2]['path'], got[2]['path'])
        self.assertEqual(items[2]['xattrs'], got[2]['xattrs'])
        self.assertEqual(b'\xff/..', got[4]['target'])
        self.assertEqual(b'a b/\xff\xfe', got[3]['link_to'])
        trailer = read.trailer()
        self.assertEqual((5, 3, 1),
                         (trailer['entries'], trailer['total_bytes'],
                          trailer['file_count']))
        self.assertEqual(3, writer.total_bytes)
        self.assertFalse(os.path.exists(self.path + '.tmp'))

    def test_lines_are_json_text(self):
        self.write([_dir(b''), _file(b'caf\xc3\xa9')])
        with open(self.path, 'rb') as f:
            lines = f.read().split(b'\n')
        self.assertEqual('caf\u00e9', json.loads(lines[2])['path'])

    def test_unpublished_manifest_missing(self):
        self.write([_dir(b'')], publish=False)
        self.assertRaises(manifest.ManifestInvalid, manifest.Manifest,
                          self.path)

    def test_unknown_major_version_refused(self):
        self.write([_dir(b'')])
        self.rewrite_lines(lambda lines: lines[0].update(
            format_version='2.0'))
        exc = self.assertRaises(base.ManifestFormatUnsupported,
                                manifest.Manifest, self.path)
        self.assertIn('2.0', str(exc))

    def test_newer_minor_version_accepted(self):
        self.write([_dir(b'')])
        self.rewrite_lines(lambda lines: lines[0].update(
            format_version='1.7', future_field=True))
        read = manifest.Manifest(self.path)
        self.assertEqual(True, read.header['future_field'])

    def test_not_a_manifest_refused(self):
        with open(self.path, 'w') as f:
            f.write('{"hello": 1}\n')
        self.assertRaises(manifest.ManifestInvalid, manifest.Manifest,
                          self.path)

    def test_missing_trailer_detected(self):
        self.write([_dir(b''), _file(b'f')])
        self.rewrite_lines(lambda lines: lines.pop())
        read = manifest.Manifest(self.path)
        self.assertRaises(manifest.ManifestInvalid, read.trailer)
        self.assertRaises(manifest.ManifestInvalid, read.check)

    def test_changed_entry_fails_digest(self):
        self.write([_dir(b''), _file(b'f')])
        self.rewrite_lines(lambda lines: lines[2].update(size=4))
        exc = self.assertRaises(manifest.ManifestInvalid,
                                manifest.Manifest(self.path).check)
        self.assertIn('digest', str(exc))
        self.assertIsInstance(exc, base.BackupCorrupted)

    def _assert_structure_refused(self, items, text):
        self.write(items)
        exc = self.assertRaises(manifest.ManifestInvalid,
                                manifest.Manifest(self.path).check)
        self.assertIn(text, str(exc))

    def test_entries_out_of_order_refused(self):
        self._assert_structure_refused(
            [_dir(b''), _file(b'b'), _file(b'a')], 'out of order')

    def test_parent_not_directory_refused(self):
        self._assert_structure_refused(
            [_dir(b''), _file(b'a'), _file(b'a/b')], 'parent')

    def test_dotdot_component_refused(self):
        self._assert_structure_refused(
            [_dir(b''), _file(b'../escape')], 'bad path')

    def test_root_must_come_first(self):
        self._assert_structure_refused([_file(b'a')], 'root')

    def test_forward_hardlink_refused(self):
        self._assert_structure_refused(
            [_dir(b''), {'type': 'hardlink', 'path': b'a',
                         'link_to': b'b'}, _file(b'b')], 'hardlink')

    def test_abort_removes_temp_file(self):
        writer = manifest.ManifestWriter(self.path, HEADER)
        writer.add(_dir(b''))
        writer.abort()
        self.assertEqual([], os.listdir(self.dir))


class EntriesTestCase(testtools.TestCase):

    def test_key_sorts_like_preorder_walk(self):
        paths = [b'a-b', b'a/x', b'a', b'', b'a/x/y', b'b']
        self.assertEqual([b'', b'a', b'a/x', b'a/x/y', b'a-b', b'b'],
                         sorted(paths, key=entries.key))

    def test_from_json_unknown_type_refused(self):
        self.assertRaises(ValueError, entries.from_json,
                          {'type': 'device', 'path': 'x'})

    def test_invalid_utf8_stored_base64(self):
        obj = entries.to_json({'type': 'dir', 'path': b'\xff'})
        self.assertEqual({'type': 'dir', 'path_b64': '/w=='}, obj)
        self.assertEqual(b'\xff', entries.from_json(obj)['path'])
