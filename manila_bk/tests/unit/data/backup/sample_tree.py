"""A tree holding every kind of entry a backup must keep (test helper).

``build(root)`` creates it and returns the relative paths of interest.
Owners other than root are used, so it must run as root (the unit tests
run as root; ``can_chown()`` tells).
"""

import os

MIB = 1024 * 1024
SPARSE_SIZE = 64 * MIB
SPARSE_DATA_AT = (16 * MIB, 40 * MIB)
ODD_NAMES = (b'with space', b'new\nline', b'\xff\xfe-not-utf8',
             b'-leading-dash', '\u00fcn\u00efc\u00f8d\u00e9'.encode(),
             b'.hidden', b'x' * 255, b'semi;colon $(echo no)')


def can_chown():
    return os.geteuid() == 0


def _write(path, data, mode=0o644):
    with open(path, 'wb') as f:
        f.write(data)
    os.chmod(path, mode)


def _sparse(path):
    with open(path, 'wb') as f:
        for offset in SPARSE_DATA_AT:
            f.seek(offset)
            f.write(b'D' * 8192)
        f.truncate(SPARSE_SIZE)


def _set_times(root):
    """Distinct ns times on everything, directories after children."""
    base = 1600000000123456789
    count = 0
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        for name in filenames + dirnames + [None]:
            path = dirpath if name is None else os.path.join(dirpath, name)
            count += 1
            os.utime(path, ns=(base + count * 1000, base + count * 7919),
                     follow_symlinks=False)


def build(root, big_size=5 * MIB + 123):
    """Create the sample tree in existing directory ``root``."""
    root = os.fsencode(root)
    j = lambda *parts: os.path.join(root, *parts)  # noqa: E731
    os.makedirs(j(b'docs', b'deep', b'er', b'and', b'deeper'))
    _write(j(b'docs', b'readme.txt'), b'read me\n')
    os.setxattr(j(b'docs', b'readme.txt'), b'user.comment', b'hello')
    os.setxattr(j(b'docs'), b'user.dir', b'\x00\x01binary')
    _write(j(b'docs', b'deep', b'er', b'and', b'deeper', b'leaf'), b'leaf')
    os.mkdir(j(b'empty_dir'))
    _write(j(b'zero'), b'')
    _write(j(b'big.bin'), os.urandom(big_size), 0o600)
    _sparse(j(b'sparse.img'))
    os.mkdir(j(b'links'))
    os.link(j(b'docs', b'readme.txt'), j(b'links', b'hard1'))
    os.link(j(b'docs', b'readme.txt'), j(b'links', b'hard2'))
    _write(j(b'pair-a'), b'pair')
    os.link(j(b'pair-a'), j(b'links', b'pair-b'))
    os.symlink(b'docs/readme.txt', j(b'link-to-readme'))
    os.symlink(b'does/not/exist', j(b'dangling'))
    os.symlink(b'/etc', j(b'absolute-outside'))
    for index, name in enumerate(ODD_NAMES):
        _write(j(name), b'odd %d' % index)
    os.mkfifo(j(b'pipe'))
    _write(j(b'setuid'), b'#!/bin/true\n', 0o4755)
    os.mkdir(j(b'readonly'))
    _write(j(b'readonly', b'inside'), b'in a read-only dir')
    if can_chown():
        os.chown(j(b'docs'), 1234, 2345)
        os.chown(j(b'setuid'), 1234, 2345)
        os.chmod(j(b'setuid'), 0o4755)
        os.chown(j(b'dangling'), 4321, 5432, follow_symlinks=False)
    os.chmod(j(b'docs'), 0o750)
    os.chmod(j(b'readonly'), 0o555)
    os.chmod(j(b'empty_dir'), 0o1777)
    _set_times(root)
    return {'sparse': b'sparse.img', 'big': b'big.bin',
            'readme': b'docs/readme.txt'}
