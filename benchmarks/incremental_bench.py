"""Incremental backup of a mutated share: engine, ``rsync -a``, restic.

The pristine data set is copied to a working "share" (new inodes, as a
real share has), and every tool makes a full backup of it: the engine
through the nfs driver, ``rsync -a`` into a mirror, restic into a fresh
local repository (timed from a cold cache and reported beside).  Then
each round mutates the share in place (:func:`benchmarks.datasets.mutate`
with the round's seed: ~1% of the files changed, a few added and
removed) and times each tool's next backup from a cold page cache: the
engine with ``parent_id`` set to its previous backup (unchanged files are
hard-linked from it), ``rsync -a --delete`` into the same mirror, and
``restic backup`` of the same path (restic finds its parent snapshot by
host and path).
"""

import os
import subprocess
import uuid

from benchmarks import common
from benchmarks import datasets
from benchmarks import engine_child
from benchmarks import peers

ENGINE = 'engine incremental'
RSYNC = 'rsync -a'
RESTIC = 'restic'


class IncrementalBench:

    def __init__(self, clock, workdir, runs):
        self.clock = clock
        self.workdir = workdir
        self.runs = runs
        self.share = os.path.join(workdir, 'share')
        self.target = os.path.join(workdir, 'target')
        self.mirror = os.path.join(workdir, 'mirror')
        self.restic = peers.Restic(workdir)
        self.have_restic = peers.available('restic')

    def _engine(self, backup_id, parent=None):
        self.clock.cold()
        result = engine_child.run_child('backup', self.target, self.share,
                                        backup_id, parent=parent)
        return result

    def _full(self, samples):
        full_id = str(uuid.uuid4())
        common.fresh_dir(self.target)
        samples.setdefault(ENGINE, []).append(
            self._engine(full_id)['seconds'])
        common.remove(self.mirror)
        samples.setdefault(RSYNC, []).append(self.clock.time_command(
            peers.rsync_a(self.share, self.mirror)))
        if self.have_restic:
            self.restic.init()
            samples.setdefault(RESTIC, []).append(self.clock.time_command(
                self.restic.backup_argv(self.share), env=self.restic.env))
        return full_id

    def _incremental(self, name, parent_id, engine_records):
        if name == ENGINE:
            backup_id = str(uuid.uuid4())
            result = self._engine(backup_id, parent=parent_id)
            result['backup_id'] = backup_id
            engine_records.append(result)
            return result['seconds']
        if name == RSYNC:
            return self.clock.time_command(
                peers.rsync_a(self.share, self.mirror))
        return self.clock.time_command(self.restic.backup_argv(self.share),
                                       env=self.restic.env)

    def run(self, pristine, label):
        full, incr, records, mutations = {}, {}, [], []
        names = [ENGINE, RSYNC] + ([RESTIC] if self.have_restic else [])
        common.log('%s incremental: full backups', label)
        common.fresh_dir(self.workdir)
        subprocess.run(['cp', '-a', pristine, self.share], check=True)
        parent_id = self._full(full)
        for run_no in range(self.runs):
            mutations.append(datasets.mutate(self.share, seed=3 + run_no))
            for name in common.rotated(names, run_no):
                common.log('%s incremental run %d: %s', label, run_no + 1,
                           name)
                incr.setdefault(name, []).append(
                    self._incremental(name, parent_id, records))
            parent_id = records[-1]['backup_id']
        nbytes, nfiles = common.tree_stats(self.share)
        common.remove(self.workdir)
        return self._summary(full, incr, records, mutations, nbytes, nfiles)

    @staticmethod
    def _summary(full, incr, records, mutations, nbytes, nfiles):
        tools = {name: {'samples': [round(s, 4) for s in samples],
                        'median_s': common.median(samples)}
                 for name, samples in incr.items()}
        engine_s = tools[ENGINE]['median_s']
        return {
            'bytes': nbytes, 'files': nfiles, 'mutation': mutations[0],
            'mutations': mutations,
            'tools': tools,
            'full_backup': {name: {'samples': [round(s, 4) for s in v],
                                   'median_s': common.median(v)}
                            for name, v in full.items()},
            # time fractions: ours / theirs (the target is <= 0.5, <= 0.25)
            'time_fraction': {name: common.ratio(engine_s, t['median_s'])
                              for name, t in tools.items()
                              if name != ENGINE},
            'engine_bytes_copied': [r['bytes_copied'] for r in records],
            'engine_backup_type': [r['backup_type'] for r in records],
        }


def run(clock, workdir, runs, trees):
    """``trees``: {label: pristine data set}."""
    out = {}
    for label, src in trees.items():
        bench = IncrementalBench(clock, os.path.join(workdir, 'incr-' +
                                                     label), runs)
        out[label] = bench.run(src, label)
    return out
