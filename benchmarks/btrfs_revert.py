#!/usr/bin/env python3
"""Snapshot and revert times of the btrfs driver: a small and a big share.

Not a test: it measures.  On a fresh loop-mounted btrfs (made as the
tests make it; needs root, loop devices and btrfs-progs) it fills a
20 MiB share and a 4 GiB share with real, non-sparse bytes, flushes them,
then times ``create_snapshot`` and ``revert_to_snapshot`` of each through
the driver, several times, after changing some data each time and
flushing it.  Constant time means the big/small ratios stay close to 1.
Medians are reported with every sample: the first revert of the big share
is slower because deleting the old subvolume makes the kernel evict the
page cache of its files, which then holds the 4 GiB just written (with the
cache dropped first, that round is as fast as the others).  With
``--wait-cleanup`` each timed call also waits until btrfs has freed the
subvolumes deleted before (``btrfs subvolume sync``), which keeps that
background work out of the timings but takes minutes.

Prints one JSON document, then one line of text::

    sudo .venv/bin/python benchmarks/btrfs_revert.py [--repeat 7]
        [--small-mib 20] [--large-mib 4096] [--directory /var/tmp]
        [--wait-cleanup]

It runs for about a minute, most of it writing the big share's data.
"""

import argparse
import json
import os
import statistics
import sys
import time
import types
import uuid

from manila_bk.share.drivers import base
from manila_bk.share.drivers import btrfs
from manila_bk.tests import btrfs_fixture

MiB = 1024 ** 2
GiB = 1024 ** 3
CHUNK = 4 * MiB


def make_driver(mount_point):
    conf = types.SimpleNamespace(btrfs_mount_point=mount_point,
                                 share_backend_name=None,
                                 reserved_share_percentage=0)
    driver = btrfs.BtrfsShareDriver(conf, 'bench', 'bench@bench')
    driver.do_setup()
    driver.check_for_setup_error()
    return driver


def fill(path, nbytes):
    """Write ``nbytes`` of real data (no holes, no repeated blocks)."""
    block = bytearray(os.urandom(CHUNK))
    written = 0
    with open(os.path.join(path, 'data.bin'), 'wb') as handle:
        while written < nbytes:
            # A counter in each chunk keeps blocks distinct.
            block[:8] = written.to_bytes(8, 'little')
            size = min(CHUNK, nbytes - written)
            handle.write(block[:size])
            written += size
    os.sync()


def settle(driver, wait_cleanup):
    """Flush; with ``wait_cleanup``, wait until deleted subvolumes are gone.

    btrfs frees a deleted subvolume's blocks in the background, and with
    quotas enabled that work grows with the data the subvolume shared
    (its quota accounting walks the tree): minutes for 4 GiB on a busy
    machine.  Waiting keeps it out of the next timing, at that cost.
    """
    os.sync()
    if wait_cleanup:
        driver.btrfs.run('subvolume', 'sync', driver.root)


def touch_data(driver, path, round_no, wait_cleanup):
    """Change data so every revert has something to undo; flush it."""
    with open(os.path.join(path, 'data.bin'), 'r+b') as handle:
        handle.seek(round_no * MiB)
        handle.write(os.urandom(MiB))
    with open(os.path.join(path, 'new-%d' % round_no), 'wb') as handle:
        handle.write(os.urandom(MiB))
    settle(driver, wait_cleanup)


def timed(func, *args):
    start = time.perf_counter()
    func(*args)
    return time.perf_counter() - start


def measure(driver, nbytes, repeat, wait_cleanup):
    size_gib = nbytes // GiB + 1
    share = base.ShareSpec(id=str(uuid.uuid4()), size=size_gib,
                           share_proto='NFS')
    driver.create_share(share)
    path = driver.get_share_path(share)
    start = time.perf_counter()
    fill(path, nbytes)
    fill_s = time.perf_counter() - start
    settle(driver, wait_cleanup)
    snapshot_s, revert_s = [], []
    for round_no in range(repeat):
        snapshot = base.SnapshotSpec(id=str(uuid.uuid4()), share=share,
                                     size=size_gib)
        snapshot_s.append(timed(driver.create_snapshot, snapshot))
        touch_data(driver, path, round_no, wait_cleanup)
        revert_s.append(timed(driver.revert_to_snapshot, None, snapshot,
                              [], []))
        if os.path.exists(os.path.join(path, 'new-%d' % round_no)):
            raise SystemExit('revert did not undo round %d' % round_no)
        settle(driver, wait_cleanup)
    return {'bytes': nbytes, 'share_size_gib': size_gib,
            'fill_seconds': round(fill_s, 3),
            'snapshot_seconds': statistics.median(snapshot_s),
            'revert_seconds': statistics.median(revert_s),
            'snapshot_samples': [round(s, 6) for s in snapshot_s],
            'revert_samples': [round(s, 6) for s in revert_s]}


def run(args):
    image_size = max(8 * GiB, 2 * (args.large_mib + args.small_mib) * MiB)
    fs = btrfs_fixture.BtrfsFilesystem(size=image_size,
                                       directory=args.directory)
    fs.setUp()
    try:
        driver = make_driver(fs.mount_point)
        small = measure(driver, args.small_mib * MiB, args.repeat,
                        args.wait_cleanup)
        large = measure(driver, args.large_mib * MiB, args.repeat,
                        args.wait_cleanup)
    finally:
        fs.cleanUp()
    return {
        'driver': 'btrfs', 'repeat': args.repeat,
        'wait_cleanup': args.wait_cleanup,
        'kernel': os.uname().release,
        'small': small, 'large': large,
        'ratio': {
            'snapshot': large['snapshot_seconds'] / small['snapshot_seconds'],
            'revert': large['revert_seconds'] / small['revert_seconds'],
        },
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--repeat', type=int, default=7)
    parser.add_argument('--small-mib', type=int, default=20)
    parser.add_argument('--large-mib', type=int, default=4096)
    parser.add_argument('--wait-cleanup', action='store_true',
                        help='wait for btrfs to free deleted subvolumes '
                             'before each timed call (minutes more)')
    parser.add_argument('--directory', default=None,
                        help='where the image file goes (default: TMPDIR)')
    args = parser.parse_args(argv)
    reason = btrfs_fixture.missing_prerequisite()
    if reason:
        print('btrfs_revert: cannot run: %s' % reason, file=sys.stderr)
        return 2
    result = run(args)
    print(json.dumps(result, indent=2))
    print('btrfs: snapshot %.1f ms (%d MiB) vs %.1f ms (%d MiB), ratio '
          '%.2f; revert %.1f ms vs %.1f ms, ratio %.2f (medians of %d)' % (
              result['small']['snapshot_seconds'] * 1000, args.small_mib,
              result['large']['snapshot_seconds'] * 1000, args.large_mib,
              result['ratio']['snapshot'],
              result['small']['revert_seconds'] * 1000,
              result['large']['revert_seconds'] * 1000,
              result['ratio']['revert'], args.repeat))
    return 0


if __name__ == '__main__':
    sys.exit(main())
