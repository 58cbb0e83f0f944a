"""Compare two directory trees exactly (test helper, reusable).

``describe(root)`` records, for every entry below ``root`` (the root
itself included, as ``b''``): type, permission bits, owner, mtime (ns),
size, content digest, symlink target, xattrs and which other paths share
its inode.  ``differences(a, b)`` lists what differs; ``assert_same_tree``
fails a test with that list.  Symlinks are never followed.
"""

import hashlib
import os
import stat

_TYPES = {stat.S_IFDIR: 'dir', stat.S_IFREG: 'file', stat.S_IFLNK: 'symlink',
          stat.S_IFIFO: 'fifo', stat.S_IFSOCK: 'socket',
          stat.S_IFCHR: 'chardev', stat.S_IFBLK: 'blockdev'}


def _digest(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def _xattrs(path, skip_prefixes):
    try:
        names = os.listxattr(path, follow_symlinks=False)
    except OSError:
        return ()
    result = []
    for name in sorted(names):
        if name.startswith(skip_prefixes):
            continue
        result.append((name, os.getxattr(path, name,
                                         follow_symlinks=False)))
    return tuple(result)


def describe(root, skip_xattr_prefixes=('security.',)):
    """``{relative bytes path: dict of facts}`` for the tree at ``root``."""
    root = os.fsencode(root)
    facts = {}
    inodes = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [None] + dirnames + filenames:
            path = dirpath if name is None else os.path.join(dirpath, name)
            if name is None and dirpath != root:
                continue
            rel = os.path.relpath(path, root) if path != root else b''
            st = os.lstat(path)
            kind = _TYPES[stat.S_IFMT(st.st_mode)]
            item = {'type': kind, 'mode': stat.S_IMODE(st.st_mode),
                    'uid': st.st_uid, 'gid': st.st_gid,
                    'mtime_ns': st.st_mtime_ns,
                    'xattrs': _xattrs(path, skip_xattr_prefixes)}
            if kind == 'file':
                item['size'] = st.st_size
                item['sha256'] = _digest(path)
                inodes.setdefault((st.st_dev, st.st_ino), []).append(rel)
            elif kind == 'symlink':
                item['target'] = os.readlink(path)
                item.pop('mode')
            facts[rel] = item
    for paths in inodes.values():
        group = tuple(sorted(paths))
        for rel in paths:
            facts[rel]['links'] = group
    return facts


def differences(a, b, ignore=()):
    """Human-readable differences between trees ``a`` and ``b``.

    ``ignore`` names facts not compared (for example 'mtime_ns').
    """
    left, right = describe(a), describe(b)
    problems = []
    for rel in sorted(set(left) | set(right)):
        shown = rel.decode('utf-8', 'backslashreplace') or '.'
        if rel not in right:
            problems.append('%s: only in %s' % (shown, a))
            continue
        if rel not in left:
            problems.append('%s: only in %s' % (shown, b))
            continue
        for fact in sorted(set(left[rel]) | set(right[rel])):
            if fact in ignore:
                continue
            if left[rel].get(fact) != right[rel].get(fact):
                problems.append('%s: %s %r != %r' % (
                    shown, fact, left[rel].get(fact), right[rel].get(fact)))
    return problems


def assert_same_tree(testcase, a, b, ignore=()):
    problems = differences(a, b, ignore)
    if problems:
        testcase.fail('Trees differ:\n  ' + '\n  '.join(problems[:50]))
