"""Copy or hash file contents in one read pass, keeping holes as holes.

Data ranges are found with ``SEEK_DATA``/``SEEK_HOLE`` (the whole file is
one data range where the file system cannot tell); holes are not read or
written, so a sparse file stays sparse, but they count as zeros in the
checksum, which is therefore the plain digest of the content (what
``sha256sum`` prints).

Data is read into a per-thread 1 MiB buffer with ``preadv``, fed to the
hash and written with ``pwrite``; all three release the GIL, so the
threads of a pool copy in parallel.  ``copy_file_range``/``sendfile``
would keep the bytes in the kernel, out of reach of the hash, and force a
second read of every file to checksum it: one pass through user space is
cheaper.
"""

import errno
import hashlib
import os
import threading

CHUNK = 1 << 20
_ZEROS = memoryview(bytes(CHUNK))
_NO_SEEK_DATA = (errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP)
_local = threading.local()

ALGORITHMS = ('sha256', 'blake2b')


def new_hash(algorithm):
    if algorithm not in ALGORITHMS:
        raise ValueError('unsupported checksum algorithm %r' % algorithm)
    return hashlib.new(algorithm)


def _buffer():
    buf = getattr(_local, 'buffer', None)
    if buf is None:
        buf = _local.buffer = memoryview(bytearray(CHUNK))
    return buf


def data_ranges(fd, size):
    """Yield ``(start, end)`` of the data ranges of ``fd`` below ``size``."""
    pos = 0
    while pos < size:
        try:
            start = os.lseek(fd, pos, os.SEEK_DATA)
            end = os.lseek(fd, start, os.SEEK_HOLE)
        except OSError as exc:
            if exc.errno == errno.ENXIO:
                return
            if exc.errno in _NO_SEEK_DATA:
                yield pos, size
                return
            raise
        if start >= size:
            return
        end = min(end, size)
        yield start, end
        pos = end


def _hash_zeros(digest, length, on_bytes):
    while length > 0:
        n = min(length, CHUNK)
        digest.update(_ZEROS[:n])
        length -= n
        if on_bytes is not None:
            on_bytes(n)


def _pwrite_all(fd, data, offset):
    while data:
        written = os.pwrite(fd, data, offset)
        data = data[written:]
        offset += written


def _transfer(src_fd, dst_fd, start, end, digest, on_bytes):
    """Copy/hash ``[start, end)``; return the offset reached (EOF stops)."""
    buf = _buffer()
    offset = start
    while offset < end:
        n = os.preadv(src_fd, [buf[:min(CHUNK, end - offset)]], offset)
        if n == 0:
            break
        data = buf[:n]
        digest.update(data)
        if dst_fd is not None:
            _pwrite_all(dst_fd, data, offset)
        offset += n
        if on_bytes is not None:
            on_bytes(n)
    return offset


def _run(src_fd, dst_fd, algorithm, on_bytes):
    digest = new_hash(algorithm)
    size = os.fstat(src_fd).st_size
    pos = 0
    for start, end in data_ranges(src_fd, size):
        _hash_zeros(digest, start - pos, on_bytes)
        pos = _transfer(src_fd, dst_fd, start, end, digest, on_bytes)
        if pos < end:
            size = pos  # the file shrank while it was read
            break
    _hash_zeros(digest, size - pos, on_bytes)
    if dst_fd is not None:
        os.ftruncate(dst_fd, size)
    return digest.hexdigest(), size


def copy_fd(src_fd, dst_fd, algorithm, on_bytes=None):
    """Copy open ``src_fd`` into empty ``dst_fd``; return (digest, size).

    ``on_bytes(n)`` is called as bytes (holes included) are processed.
    """
    return _run(src_fd, dst_fd, algorithm, on_bytes)


def hash_fd(fd, algorithm, on_bytes=None):
    """Return (digest, size) of the content of open ``fd``."""
    return _run(fd, None, algorithm, on_bytes)
