"""Profiles of the operations whose targets are missed (``--profile``).

py-spy samples the engine child while it backs up and restores S and
while it makes an incremental backup of a mutated copy of S, and
the ``manila-bk-all`` process while one client lists 1,000 shares and
1,000 backups on SQLite.  Each profile is summarized
(:mod:`benchmarks.profile_summary`) into the results; the raw collapsed
stacks are kept in the work directory.
"""

import os
import shutil
import subprocess
import time
import uuid

from benchmarks import api_bench
from benchmarks import common
from benchmarks import datasets
from benchmarks import engine_child
from benchmarks import profile_summary

RATE = '250'


def py_spy():
    return shutil.which('py-spy') or (
        os.path.join(os.path.dirname(common.PYTHON), 'py-spy')
        if os.path.exists(os.path.join(os.path.dirname(common.PYTHON),
                                       'py-spy')) else None)


def engine(clock, workdir, src):
    """Profiles of a backup and a restore of ``src`` by the engine."""
    spy = py_spy()
    if not spy:
        return {'not_measured': 'py-spy is not installed'}
    target = common.fresh_dir(os.path.join(workdir, 'profile-target'))
    dest = os.path.join(workdir, 'profile-dest')
    backup_id = str(uuid.uuid4())
    out = {}
    # Samples outside the engine (interpreter start-up, imports) are left
    # out; pool threads are in (their stacks pass through the engine).
    within = 'manila_bk/data/backup'
    for action, path in (('backup', src), ('restore', dest)):
        if action == 'restore':
            common.fresh_dir(dest)
        raw = os.path.join(workdir, 'profile-engine-%s.txt' % action)
        wrapper = [spy, 'record', '--format', 'raw', '-r', RATE,
                   '--threads', '-o', raw, '--']
        clock.cold()
        result = engine_child.run_child(action, target, path, backup_id,
                                        wrapper=wrapper)
        out[action] = dict(profile_summary.summarize(raw, within, 20),
                           seconds_while_profiled=result['seconds'])
    out['incremental'] = _incremental(clock, workdir, src, spy, target,
                                      within)
    common.remove(target)
    common.remove(dest)
    return out


def _incremental(clock, workdir, src, spy, target, within):
    """Profile of an incremental backup of a mutated copy of ``src``.

    The copy (new inodes, as a real share has) gets an unprofiled full
    backup, is mutated as the incremental section mutates it, and its
    next backup, with the full one as its parent, is sampled.
    """
    share = os.path.join(workdir, 'profile-share')
    common.remove(share)
    subprocess.run(['cp', '-a', src, share], check=True)
    parent_id, backup_id = str(uuid.uuid4()), str(uuid.uuid4())
    try:
        engine_child.run_child('backup', target, share, parent_id)
        datasets.mutate(share, seed=3)
        raw = os.path.join(workdir, 'profile-engine-incremental.txt')
        wrapper = [spy, 'record', '--format', 'raw', '-r', RATE,
                   '--threads', '-o', raw, '--']
        clock.cold()
        result = engine_child.run_child('backup', target, share, backup_id,
                                        parent=parent_id, wrapper=wrapper)
        return dict(profile_summary.summarize(raw, within, 20),
                    seconds_while_profiled=result['seconds'])
    finally:
        common.remove(share)


def api_hook(store, seconds=6.0):
    """A ``wrap`` for :func:`benchmarks.api_bench.run`.

    It profiles the server during one-client lists of 1,000 records on
    SQLite and stores the summaries in ``store``.
    """
    spy = py_spy()

    def hook(deployment, records):
        if not spy or records != 1000 or deployment.db.kind != 'sqlite':
            return
        pid = deployment.procs['manila-bk-all'].pid
        for path in api_bench.PATHS:
            raw = os.path.join(deployment.workdir, 'profile-api.txt')
            proc = subprocess.Popen(
                [spy, 'record', '--format', 'raw', '-r', RATE,
                 '--nonblocking', '-d', str(int(seconds) + 1), '-o', raw,
                 '--pid', str(pid)], stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
            time.sleep(0.5)
            api_bench.measure(deployment.endpoint + path, 1, seconds,
                              10000)
            proc.wait()
            store['GET /v2' + path] = profile_summary.summarize(
                raw, 'detail', 25, skip_common=True)
    return hook
