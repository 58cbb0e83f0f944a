"""Peak memory of the engine while it backs up S, at two sizes of S.

The engine streams its walk and its manifest, so its peak resident set
should not grow with the number of files.  Each backup runs in a child
process (:mod:`benchmarks.engine_child`), which reports VmRSS after
start-up (interpreter, oslo and manila_bk imported, driver set up) and
VmHWM at the end: the peak of the whole process, threads and buffers
included.  ``growth_kib`` is VmHWM minus that start-up VmRSS.

``ru_maxrss`` from ``wait4`` is recorded too, but it is not the engine's
alone: the forked child counts the parent's pages before ``exec``, so it
reads as at least the parent's size.
"""

import os
import uuid

from benchmarks import common
from benchmarks import engine_child


def _one(clock, workdir, src, runs):
    target = os.path.join(workdir, 'target')
    peaks = []
    for _run in range(runs):
        common.fresh_dir(target)
        clock.cold()
        result = engine_child.run_child('backup', target, src,
                                        str(uuid.uuid4()))
        peaks.append(result)
    common.remove(target)
    nbytes, nfiles = common.tree_stats(src)
    hwm = common.median([p['hwm_kib'] for p in peaks])
    start = common.median([p['rss_before_kib'] for p in peaks])
    return {'files': nfiles, 'bytes': nbytes,
            'hwm_kib': hwm, 'rss_start_kib': start,
            'growth_kib': hwm - start,
            'hwm_samples_kib': [p['hwm_kib'] for p in peaks],
            'wait4_maxrss_kib': [p['maxrss_kib'] for p in peaks]}


def from_records(records, src):
    """A row from engine backups already made of ``src`` (copy section)."""
    nbytes, nfiles = common.tree_stats(src)
    hwm = common.median([r['hwm_kib'] for r in records])
    start = common.median([r['rss_before_kib'] for r in records])
    return {'files': nfiles, 'bytes': nbytes, 'hwm_kib': hwm,
            'rss_start_kib': start, 'growth_kib': hwm - start,
            'hwm_samples_kib': [r['hwm_kib'] for r in records],
            'wait4_maxrss_kib': [r['maxrss_kib'] for r in records],
            'from': 'the engine backups of the copy section'}


def run(clock, workdir, trees, runs, known=None):
    """``trees``: {label: path}, smallest first.

    ``known``: {label: row} already measured (:func:`from_records`).
    """
    rows = {label: (known or {}).get(label) or
            _one(clock, workdir, path, runs)
            for label, path in trees.items()}
    labels = list(rows)
    small, large = rows[labels[0]], rows[labels[-1]]
    return {
        'trees': rows,
        'files_ratio': common.ratio(large['files'], small['files']),
        'hwm_ratio': common.ratio(large['hwm_kib'], small['hwm_kib']),
        'growth_ratio': common.ratio(large['growth_kib'],
                                     small['growth_kib']),
    }
