"""One tree entry as the engine handles it and as the manifest stores it.

In memory an entry is a dict whose names are bytes: ``path`` (relative to
the tree root, ``b''`` for the root itself, components joined by ``/``),
``target`` (symlinks), ``link_to`` (hardlinks) and xattr names.  In the
manifest, a byte string that is valid UTF-8 is stored as text under its
own key; any other is stored base64-encoded under ``<key>_b64``, so every
name a Linux file system allows survives, and readable names stay
readable.

Entry fields: ``type`` (dir, file, symlink, hardlink, fifo), ``path``,
``mode`` (permission bits incl. setuid/setgid/sticky), ``uid``, ``gid``,
``mtime_ns``, ``atime_ns``, ``xattrs`` (list of [name, value]); files add
``size``, ``checksum`` (hex digest of the content), ``src_ino`` and
``src_ctime_ns`` (the source file's inode and ctime, which let the next
incremental backup recognise unchanged files); symlinks add ``target``;
a ``hardlink`` entry only has ``path`` and ``link_to``, the path of the
first entry of its inode, which comes earlier in the manifest.
"""

import base64
import os
import stat

TYPE_DIR = 'dir'
TYPE_FILE = 'file'
TYPE_SYMLINK = 'symlink'
TYPE_HARDLINK = 'hardlink'
TYPE_FIFO = 'fifo'
TYPES = (TYPE_DIR, TYPE_FILE, TYPE_SYMLINK, TYPE_HARDLINK, TYPE_FIFO)

_BYTES_FIELDS = ('path', 'target', 'link_to')

_FMT_OF_TYPE = {
    TYPE_DIR: stat.S_IFDIR,
    TYPE_FILE: stat.S_IFREG,
    TYPE_HARDLINK: stat.S_IFREG,
    TYPE_SYMLINK: stat.S_IFLNK,
    TYPE_FIFO: stat.S_IFIFO,
}
_TYPE_OF_FMT = {
    stat.S_IFDIR: TYPE_DIR,
    stat.S_IFREG: TYPE_FILE,
    stat.S_IFLNK: TYPE_SYMLINK,
    stat.S_IFIFO: TYPE_FIFO,
}


def key(path):
    """Sort key of a relative path: the tuple of its byte components."""
    return tuple(path.split(b'/')) if path else ()


def join(root, path):
    """Absolute bytes path of relative ``path`` below bytes ``root``."""
    return os.path.join(root, path) if path else root


def display(path):
    """A printable form of a relative bytes path, for messages."""
    if not path:
        return '.'
    return path.decode('utf-8', 'backslashreplace')


def type_of_mode(st_mode):
    """The entry type of a file mode, or None for devices and sockets."""
    return _TYPE_OF_FMT.get(stat.S_IFMT(st_mode))


def fmt_of_type(entry_type):
    return _FMT_OF_TYPE[entry_type]


def _put_bytes(out, name, value):
    try:
        out[name] = value.decode('utf-8')
    except UnicodeDecodeError:
        out[name + '_b64'] = base64.b64encode(value).decode('ascii')


def _get_bytes(obj, name):
    if name in obj:
        return obj[name].encode('utf-8')
    if name + '_b64' in obj:
        return base64.b64decode(obj[name + '_b64'], validate=True)
    return None


def to_json(entry):
    """The JSON object of an in-memory entry."""
    out = {}
    for name, value in entry.items():
        if name in _BYTES_FIELDS:
            _put_bytes(out, name, value)
        elif name == 'xattrs':
            if value:
                out['xattrs'] = [_xattr_to_json(n, v) for n, v in value]
        else:
            out[name] = value
    return out


def _xattr_to_json(name, value):
    item = {'value': base64.b64encode(value).decode('ascii')}
    _put_bytes(item, 'name', name)
    return item


def from_json(obj):
    """The in-memory entry of a manifest JSON object.

    Raises ValueError (or TypeError/KeyError) when the object is malformed.
    """
    if obj.get('type') not in TYPES:
        raise ValueError('unknown entry type %r' % (obj.get('type'),))
    entry = dict(obj)
    for name in _BYTES_FIELDS:
        if name in entry:
            entry[name] = entry[name].encode('utf-8')
        elif name + '_b64' in entry:
            entry[name] = base64.b64decode(entry.pop(name + '_b64'),
                                           validate=True)
    if 'xattrs' in entry:
        entry['xattrs'] = [
            (_get_bytes(item, 'name'),
             base64.b64decode(item['value'], validate=True))
            for item in entry['xattrs']]
    if not isinstance(entry.get('path'), bytes):
        raise ValueError('entry without a path')
    return entry
