"""Snapshot and revert time against share size, for each share driver.

The measurement is :func:`benchmarks.btrfs_revert.measure`: fill a share
with real bytes, then ``runs`` times take a snapshot, change data and
revert, timing both driver calls (medians and samples).  It runs for

* ``local`` on the work directory's file system (ext4 here: no reflinks,
  so snapshot and revert copy the share and grow with its size);
* ``local`` on a loop-mounted btrfs, where ``cp --reflink=auto`` clones;
* ``btrfs`` (subvolumes; snapshot and revert are O(1) in share size).

The btrfs rows need root, loop devices and btrfs-progs; without them
they are reported as not measured, with the reason.  They take at least
``BTRFS_ROUNDS`` rounds: the first revert after a share is filled also
evicts the page cache of the subvolume it deletes (0.7 s for 4 GiB, 20
times the others), and with three rounds that one sample moved the
median.  More rounds cost little on btrfs (milliseconds each).
"""

import os
import types

from benchmarks import btrfs_revert
from benchmarks import common
from manila_bk.share.drivers import local
from manila_bk.tests import btrfs_fixture


def local_driver(root):
    conf = types.SimpleNamespace(
        local_share_root=root,
        local_exports_file=os.path.join(root, '.exports'),
        local_exports_reload_command=[], share_backend_name=None,
        reserved_share_percentage=0)
    driver = local.LocalShareDriver(conf, 'bench', 'bench@bench')
    driver.do_setup()
    driver.check_for_setup_error()
    return driver


def fs_type(path):
    best, fstype = '', None
    with open('/proc/mounts') as handle:
        for line in handle:
            fields = line.split()
            mnt = fields[1]
            if path.startswith(mnt) and len(mnt) > len(best):
                best, fstype = mnt, fields[2]
    return fstype


def _series(make_driver, sizes_mib, runs, cleanup=None):
    """Measure each size with a driver from ``make_driver(mib)``.

    ``cleanup(mib)`` runs after each size (the local driver's snapshots
    are full copies: 4 GiB and its three snapshots would stay otherwise).
    """
    rows = []
    for mib in sizes_mib:
        driver = make_driver(mib)
        common.log('revert: %s, %d MiB', type(driver).__name__, mib)
        rows.append(dict(btrfs_revert.measure(driver, mib * common.MiB,
                                              runs, False), mib=mib))
        if cleanup is not None:
            cleanup(mib)
    return {'sizes': rows, 'ratio': _ratios(rows)}


def _local_series(parent, sizes_mib, runs):
    def root(mib):
        return os.path.join(parent, 'local-%d' % mib)

    return _series(lambda mib: local_driver(common.fresh_dir(root(mib))),
                   sizes_mib, runs, lambda mib: common.remove(root(mib)))


def _ratios(rows):
    small, large = rows[0], rows[-1]
    return {
        'sizes_mib': [small['mib'], large['mib']],
        'snapshot': common.ratio(large['snapshot_seconds'],
                                 small['snapshot_seconds']),
        'revert': common.ratio(large['revert_seconds'],
                               small['revert_seconds']),
    }


BTRFS_ROUNDS = 7


def run(workdir, sizes_mib, runs):
    out = {}
    label = 'local (%s)' % (fs_type(os.path.realpath(workdir)) or '?')
    out[label] = _local_series(workdir, sizes_mib, runs)
    reason = btrfs_fixture.missing_prerequisite()
    if reason:
        out['btrfs'] = {'not_measured': reason}
        out['local (btrfs, reflink)'] = {'not_measured': reason}
        return out
    image = max(8 * common.GiB, 3 * sum(sizes_mib) * common.MiB)
    fs = btrfs_fixture.BtrfsFilesystem(size=image, directory=workdir)
    fs.setUp()
    try:
        driver = btrfs_revert.make_driver(fs.mount_point)
        rounds = max(runs, BTRFS_ROUNDS)
        out['btrfs'] = _series(lambda mib: driver, sizes_mib, rounds)
        out['local (btrfs, reflink)'] = _local_series(fs.mount_point,
                                                      sizes_mib, rounds)
    finally:
        fs.cleanUp()
    return out
