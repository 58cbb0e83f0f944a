"""The seeded data sets: L (few large files) and S (many small files).

Everything comes from ``random.Random(seed)``, so the same profile makes
byte-identical trees on every machine.  Half of L's files (the odd ones)
and half of S's files are text drawn from a small vocabulary, which
compresses about 4:1; the other half is random bytes, which does not
compress.

A generated tree is reused when the stamp beside it (``<tree>.json``)
records the same parameters: generating S takes longer than copying it.

Mutations happen in place, on a working copy, so that an incremental
tool sees the same inodes it saw during the full backup, as it would on
a real share: about 1% of the files get new content (a new size too, for
S), a few are added and a few removed.
"""

import json
import os
import random

from benchmarks import common

CHUNK = 4 * common.MiB
_TEXT_BYTES = 8 * common.MiB
STAMP_VERSION = 1


class _Text:
    """Compressible bytes: slices of a text made of a small vocabulary."""

    def __init__(self, rng):
        letters = 'abcdefghijklmnopqrstuvwxyz'
        vocab = [''.join(rng.choices(letters, k=rng.randint(2, 10)))
                 for _ in range(512)]
        words = []
        size = 0
        while size < _TEXT_BYTES:
            line = ' '.join(rng.choices(vocab, k=12)) + '\n'
            words.append(line)
            size += len(line)
        self.text = ''.join(words).encode()[:_TEXT_BYTES]

    def take(self, rng, size):
        out = bytearray()
        while len(out) < size:
            want = min(size - len(out), len(self.text) // 2)
            start = rng.randrange(len(self.text) - want)
            out += self.text[start:start + want]
        return bytes(out)


def _content(rng, text, size, compressible):
    if compressible:
        return text.take(rng, size)
    return rng.randbytes(size)


def _stamped(path, params):
    try:
        with open(path + '.json') as handle:
            return json.load(handle) == params
    except (OSError, ValueError):
        return False


def _stamp(path, params):
    with open(path + '.json', 'w') as handle:
        json.dump(params, handle, sort_keys=True)


def _write_large(path, rng, text, size, compressible):
    with open(path, 'wb') as handle:
        written = 0
        while written < size:
            part = min(CHUNK, size - written)
            handle.write(_content(rng, text, part, compressible))
            written += part


def make_large(path, files, total_bytes, seed=1):
    """L: ``files`` files of ``total_bytes`` in all, half compressible."""
    params = {'kind': 'L', 'files': files, 'bytes': total_bytes,
              'seed': seed, 'version': STAMP_VERSION}
    if _stamped(path, params) and os.path.isdir(path):
        return path
    common.log('generating %s (%d MiB in %d files)', path,
               total_bytes // common.MiB, files)
    common.fresh_dir(path)
    rng = random.Random(seed)
    text = _Text(rng)
    per_file = total_bytes // files
    for index in range(files):
        _write_large(os.path.join(path, 'large-%02d.bin' % index), rng,
                     text, per_file, compressible=index % 2 == 1)
    os.sync()
    _stamp(path, params)
    return path


def small_layout(files, dirs):
    """Yield relative file paths of S: ``dirs`` leaf directories."""
    per_top = 20
    tops = max(1, dirs // per_top)
    per_dir = max(1, files // (tops * per_top))
    count = 0
    for top in range(tops):
        for sub in range(per_top):
            for index in range(per_dir):
                if count >= files:
                    return
                yield 'd%03d/e%02d/f%04d' % (top, sub, index)
                count += 1


def make_small(path, files, dirs, seed=2):
    """S: ``files`` files of 1-16 KiB in about ``dirs`` directories."""
    params = {'kind': 'S', 'files': files, 'dirs': dirs, 'seed': seed,
              'version': STAMP_VERSION}
    if _stamped(path, params) and os.path.isdir(path):
        return path
    common.log('generating %s (%d files in ~%d directories)', path, files,
               dirs)
    common.fresh_dir(path)
    rng = random.Random(seed)
    text = _Text(rng)
    made = set()
    for index, rel in enumerate(small_layout(files, dirs)):
        parent = os.path.dirname(rel)
        if parent not in made:
            os.makedirs(os.path.join(path, parent))
            made.add(parent)
        size = rng.randint(1024, 16384)
        with open(os.path.join(path, rel), 'wb') as handle:
            handle.write(_content(rng, text, size, index % 2 == 1))
    os.sync()
    _stamp(path, params)
    return path


def _files(root):
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            found.append(os.path.join(dirpath, name))
    return found


def mutate(root, seed=3, changed_fraction=0.01, few=None):
    """Change ~1% of the files of ``root``, add and remove a few.

    Large files (> 1 MiB) get a new block of ``max(1 MiB, 1% of the
    tree)`` in their middle, small ones entirely new content.  Returns
    counts of what changed.
    """
    rng = random.Random(seed)
    text = _Text(rng)
    files = _files(root)
    total = sum(os.path.getsize(f) for f in files)
    few = few or max(1, min(20, len(files) // 2000))
    n_changed = max(1, round(len(files) * changed_fraction))
    picked = rng.sample(files, n_changed + few)
    changed, removed = picked[:n_changed], picked[n_changed:]
    for path in changed:
        size = os.path.getsize(path)
        if size > common.MiB:
            block = min(size, max(common.MiB, total // 100))
            with open(path, 'r+b') as handle:
                handle.seek((size - block) // 2)
                handle.write(rng.randbytes(block))
        else:
            with open(path, 'wb') as handle:
                handle.write(_content(rng, text, rng.randint(1024, 16384),
                                      rng.random() < 0.5))
    for path in removed:
        os.unlink(path)
    added_bytes = 0
    for index in range(few):
        parent = os.path.dirname(rng.choice(files))
        size = rng.randint(1024, 16384) if total // len(files) < common.MiB \
            else total // len(files) // 4
        with open(os.path.join(parent, 'new-%04d' % index), 'wb') as handle:
            handle.write(_content(rng, text, size, index % 2 == 1))
        added_bytes += size
    os.sync()
    return {'changed': len(changed), 'removed': len(removed),
            'added': few, 'added_bytes': added_bytes}


def make_subset(source, path, files):
    """A tree holding the first ``files`` files of ``source`` (S's order)."""
    params = {'kind': 'subset', 'source': source, 'files': files,
              'version': STAMP_VERSION}
    if _stamped(path, params) and os.path.isdir(path):
        return path
    common.fresh_dir(path)
    for src in _files(source)[:files]:
        dst = os.path.join(path, os.path.relpath(src, source))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(src, 'rb') as fin, open(dst, 'wb') as fout:
            fout.write(fin.read())
    os.sync()
    _stamp(path, params)
    return path
