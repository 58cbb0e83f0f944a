"""The backup manifest: streamed JSON lines, versioned, committed last.

Line 1 is the header (``format``, ``format_version``, the backup's ids and
facts, ``checksum_algorithm``, ``tool_version``); then one line per tree
entry (see ``entries``) in walk order, the root (path ``""``) first; the
last line is the trailer ``{"type": "end", "entries": N, "total_bytes": B,
"file_count": F, "digest": "sha256:<hex>"}`` where the digest covers every
byte before the trailer.  A manifest without a valid trailer is
incomplete.

``format_version`` is "MAJOR.MINOR": readers accept any minor of the major
they know (minors only add fields) and refuse other majors with
ManifestFormatUnsupported.

The manifest is written to ``<name>.tmp``, flushed, fsynced, renamed into
place and its directory fsynced: the rename is a backup's commit point.
"""

import hashlib
import json
import os

from manila_bk.data.backup import base
from manila_bk.data.backup.engine import entries

FORMAT_NAME = 'manila_bk.backup.manifest'
FORMAT_MAJOR = 1
FORMAT_MINOR = 0
FORMAT_VERSION = '%d.%d' % (FORMAT_MAJOR, FORMAT_MINOR)
TOOL_VERSION = 'manila_bk 1.0'

_BUFFER = 1 << 20
# ``_dump`` sorts keys and writes no spaces, and JSON strings escape their
# quotes: this is in the line of every directory entry (and any line that
# has it is decoded and its type checked).
_DIR_MARK = b'"type":"dir"'
_TAIL_READ = 64 << 10


class ManifestInvalid(base.BackupCorrupted):
    message = 'Backup manifest %(path)s is invalid: %(reason)s'


def fsync_dir(path):
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _dump(obj):
    return (json.dumps(obj, sort_keys=True, separators=(',', ':'))
            + '\n').encode('ascii')


class ManifestWriter:
    """Writes a manifest to ``<path>.tmp``; :meth:`publish` commits it."""

    def __init__(self, path, header):
        self.path = path
        self.tmp_path = path + '.tmp'
        self.count = 0
        self.total_bytes = 0
        self.file_count = 0
        self._digest = hashlib.sha256()
        self._file = open(self.tmp_path, 'wb', buffering=_BUFFER)
        head = dict(header, format=FORMAT_NAME, format_version=FORMAT_VERSION,
                    tool_version=TOOL_VERSION, type='header')
        self._write(_dump(head))

    def _write(self, data):
        self._digest.update(data)
        self._file.write(data)

    def add(self, entry, line=None):
        """Append one in-memory entry (entries must come in walk order).

        ``line``: the entry's manifest line as another manifest has it
        (the same entry, verbatim), which spares encoding it again.
        """
        self._write(line if line is not None else
                    _dump(entries.to_json(entry)))
        self.count += 1
        if entry['type'] == entries.TYPE_FILE:
            self.total_bytes += entry['size']
            self.file_count += 1

    def close(self):
        """Write the trailer, flush and fsync ``<path>.tmp``."""
        trailer = {'type': 'end', 'entries': self.count,
                   'total_bytes': self.total_bytes,
                   'file_count': self.file_count,
                   'digest': 'sha256:' + self._digest.hexdigest()}
        self._file.write(_dump(trailer))
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()

    def publish(self):
        """Rename ``<path>.tmp`` to ``path`` and fsync the directory."""
        os.rename(self.tmp_path, self.path)
        fsync_dir(os.path.dirname(self.path) or '.')

    def abort(self):
        if not self._file.closed:
            self._file.close()
        try:
            os.unlink(self.tmp_path)
        except FileNotFoundError:
            pass


def _check_version(path, head):
    if not isinstance(head, dict) or head.get('format') != FORMAT_NAME:
        raise ManifestInvalid(path=path, reason='not a backup manifest')
    version = str(head.get('format_version', ''))
    major, _sep, _minor = version.partition('.')
    if major != str(FORMAT_MAJOR):
        raise base.ManifestFormatUnsupported(path=path, version=version,
                                             supported=FORMAT_MAJOR)


# Manifests are ASCII JSON (``_dump``): decoding the bytes as UTF-8 and
# using one decoder spares json.loads' encoding detection on every line.
_DECODER = json.JSONDecoder()


def _parse(path, line, what):
    try:
        return _DECODER.decode(line.decode('utf-8'))
    except ValueError as exc:
        raise ManifestInvalid(path=path, reason='%s: %s' % (what, exc))


class Manifest:
    """Read access to a manifest; the entries are streamed on each pass."""

    def __init__(self, path):
        self.path = path
        try:
            with open(path, 'rb') as f:
                first = f.readline()
        except FileNotFoundError:
            raise ManifestInvalid(path=path, reason='missing')
        self.header = _parse(path, first, 'header')
        _check_version(path, self.header)
        self.algorithm = self.header.get('checksum_algorithm', 'sha256')

    def trailer(self):
        """The trailer; ManifestInvalid if the manifest is incomplete."""
        with open(self.path, 'rb') as f:
            size = f.seek(0, os.SEEK_END)
            f.seek(max(0, size - _TAIL_READ))
            lines = f.read().splitlines()
        obj = _parse(self.path, lines[-1] if lines else b'', 'trailer')
        if not isinstance(obj, dict) or obj.get('type') != 'end':
            raise ManifestInvalid(path=self.path,
                                  reason='incomplete (no trailer)')
        return obj

    def entries(self):
        """Yield in-memory entries; check order, structure and digest.

        ManifestInvalid is raised when a problem is met, possibly after
        some entries were yielded: call :meth:`check` first when acting
        on a manifest that may be damaged.
        """
        return self._entries(with_lines=False)

    def entries_and_lines(self):
        """:meth:`entries`, each as ``(entry, its line in the manifest)``."""
        return self._entries(with_lines=True)

    def _entries(self, with_lines):
        digest = hashlib.sha256()
        checker = _StructureChecker(self.path)
        count = 0
        with open(self.path, 'rb', buffering=_BUFFER) as f:
            line = f.readline()
            digest.update(line)
            for line in f:
                try:
                    obj = _DECODER.decode(line.decode('utf-8'))
                except ValueError as exc:
                    raise ManifestInvalid(path=self.path, reason='entry '
                                          '%d: %s' % (count + 1, exc))
                if isinstance(obj, dict) and obj.get('type') == 'end':
                    self._check_end(obj, digest, count, f)
                    return
                digest.update(line)
                entry = self._decode(obj, count)
                checker.check(entry)
                count += 1
                yield (entry, line) if with_lines else entry
        raise ManifestInvalid(path=self.path, reason='incomplete (no trailer)')

    def _decode(self, obj, count):
        try:
            return entries.from_json(obj)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise ManifestInvalid(path=self.path, reason='entry %d: %s' % (
                count + 1, exc))

    def _check_end(self, obj, digest, count, f):
        if f.read(1):
            raise ManifestInvalid(path=self.path,
                                  reason='data after the trailer')
        if obj.get('digest') != 'sha256:' + digest.hexdigest():
            raise ManifestInvalid(path=self.path,
                                  reason='digest mismatch (damaged)')
        if obj.get('entries') != count:
            raise ManifestInvalid(path=self.path,
                                  reason='entry count mismatch')

    def own_dir_entries(self):
        """Yield the directory entries of a manifest this process wrote.

        Nothing is checked, so only for a manifest that cannot have been
        changed by anyone else (one being written, not yet published);
        only the lines that can be directory entries are decoded.
        """
        with open(self.path, 'rb', buffering=_BUFFER) as f:
            f.readline()
            for count, line in enumerate(f, 1):
                if _DIR_MARK not in line:
                    continue
                obj = _parse(self.path, line, 'entry %d' % count)
                if obj.get('type') == entries.TYPE_DIR:
                    yield self._decode(obj, count - 1)

    def check(self):
        """Read the whole manifest; raise ManifestInvalid on any problem."""
        for _entry in self.entries():
            pass


class _StructureChecker:
    """Entries must be sorted, unique, below a directory entry each.

    It guarantees that consumers never create anything below a symlink or
    outside the tree: every path's parent is a directory entry seen before,
    no component is empty, ``.`` or ``..``, and hardlinks point backwards.
    """

    def __init__(self, path):
        self.path = path
        self.dirs = []
        self.previous = None

    def _fail(self, entry, reason):
        raise ManifestInvalid(path=self.path, reason='%s: %s' % (
            entries.display(entry['path']), reason))

    def check(self, entry):
        path = entry['path']
        key = entries.key(path)
        if b'\0' in path or b'' in key or b'.' in key or b'..' in key:
            self._fail(entry, 'bad path')
        if self.previous is None:
            if key != () or entry['type'] != entries.TYPE_DIR:
                self._fail(entry, 'the first entry must be the root dir')
        elif key <= self.previous:
            self._fail(entry, 'entries out of order')
        while self.dirs and self.dirs[-1] != key[:len(self.dirs[-1])]:
            self.dirs.pop()
        if key and (not self.dirs or self.dirs[-1] != key[:-1]):
            self._fail(entry, 'parent is not a directory entry')
        if entry['type'] == entries.TYPE_DIR:
            self.dirs.append(key)
        elif entry['type'] == entries.TYPE_HARDLINK:
            target = entries.key(entry.get('link_to') or b'')
            if not target or target >= key or b'..' in target:
                self._fail(entry, 'bad hardlink target')
        self.previous = key
