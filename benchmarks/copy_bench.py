"""Full backup and full restore by the engine, beside the peer copiers.

For each data set and each of ``runs`` rounds, in an order that rotates
from round to round, every tool copies the tree into an empty directory
on the same file system from a cold page cache, and the time includes
the sync that makes the copy durable.  The engine backs up through the
nfs backup driver (checksums, manifest, sync) and restores that backup
into an empty directory (checking the backup against its manifest first,
the default, and once more without the check).  For the peers, backup
and restore are the same operation (a tree copied into an empty
directory), so each peer's copy time is the peer of both.

The per-file copier is slow (three processes per file), so it copies a
subset of S (the first ``upstream_files`` files); the engine and
``cp -a`` copy the same subset too, in the same rounds.  The issue's
ratio (engine files/s over the copier's) compares the two on that same
subset; the engine's files/s on the whole of S is reported beside it.
"""

import os
import uuid

from benchmarks import common
from benchmarks import engine_child
from benchmarks import peers

ENGINE_BACKUP = 'engine backup'
ENGINE_RESTORE = 'engine restore'
ENGINE_RESTORE_NV = 'engine restore (no verify)'
UPSTREAM = 'upstream per-file copier'


def summarize(samples, nbytes, nfiles):
    """Median seconds, MiB/s and files/s of a list of seconds."""
    seconds = common.median(samples)
    return {'samples': [round(s, 4) for s in samples],
            'median_s': seconds,
            'mib_s': common.rate(nbytes / common.MiB, seconds),
            'files_s': common.rate(nfiles, seconds)}


def ratios(tools, ours, peer_names):
    """{our tool: {peer: throughput ratio (ours/peer)}}."""
    out = {}
    for name in ours:
        if name not in tools:
            continue
        out[name] = {peer: common.ratio(tools[peer]['median_s'],
                                        tools[name]['median_s'])
                     for peer in peer_names if peer in tools}
    return out


class CopyBench:
    """One data set's full copy measurements."""

    def __init__(self, clock, workdir, runs, with_restore=True,
                 upstream=False):
        self.clock = clock
        self.workdir = workdir
        self.runs = runs
        self.with_restore = with_restore
        self.upstream = upstream
        self.target = os.path.join(workdir, 'target')
        self.dest = os.path.join(workdir, 'dest')
        self.engine_records = []

    def _engine_backup(self, src):
        common.fresh_dir(self.target)
        backup_id = str(uuid.uuid4())
        self.clock.cold()
        result = engine_child.run_child('backup', self.target, src,
                                        backup_id)
        self.engine_records.append(result)
        return backup_id, result['seconds']

    def _engine_restore(self, backup_id, verify):
        common.fresh_dir(self.dest)
        self.clock.cold()
        result = engine_child.run_child('restore', self.target, self.dest,
                                        backup_id, verify=verify)
        common.remove(self.dest)
        return result['seconds']

    def _peer(self, name, func, shell, src):
        common.remove(self.dest)
        if name == UPSTREAM:
            seconds = self.clock.time_call(peers.upstream_copy, src,
                                           self.dest)
        else:
            seconds = self.clock.time_command(func(src, self.dest),
                                              shell=shell)
        common.remove(self.dest)
        return seconds

    def tools(self):
        if self.upstream:
            # The subset is there for the per-file copier; cp -a is the
            # like-for-like reference beside it.
            return [ENGINE_BACKUP, 'cp -a', UPSTREAM]
        return [ENGINE_BACKUP] + [p[0] for p in peers.PEERS
                                  if peers.available(p[3])]

    def run(self, src, label):
        nbytes, nfiles = common.tree_stats(src)
        samples = {}
        commands = {p[0]: p for p in peers.PEERS}
        for run_no in range(self.runs):
            backup_id = None
            for name in common.rotated(self.tools(), run_no):
                common.log('%s run %d: %s', label, run_no + 1, name)
                if name == ENGINE_BACKUP:
                    backup_id, seconds = self._engine_backup(src)
                elif name == UPSTREAM:
                    seconds = self._peer(name, None, False, src)
                else:
                    seconds = self._peer(name, commands[name][1],
                                         commands[name][2], src)
                samples.setdefault(name, []).append(seconds)
            if self.with_restore:
                for name, verify in ((ENGINE_RESTORE, True),
                                     (ENGINE_RESTORE_NV, False)):
                    common.log('%s run %d: %s', label, run_no + 1, name)
                    samples.setdefault(name, []).append(
                        self._engine_restore(backup_id, verify))
        common.remove(self.target)
        tools = {name: summarize(s, nbytes, nfiles)
                 for name, s in samples.items()}
        peer_names = [n for n in tools if not n.startswith('engine')]
        return {'bytes': nbytes, 'files': nfiles, 'tools': tools,
                'ratios': ratios(tools, (ENGINE_BACKUP, ENGINE_RESTORE,
                                         ENGINE_RESTORE_NV), peer_names),
                'engine_records': self.engine_records}


def run(clock, workdir, runs, large, small, subset):
    """The ``copy`` section: L and S with every peer; S's subset too."""
    out = {}
    for label, src, with_restore, upstream in (
            ('L', large, True, False), ('S', small, True, False),
            ('S-subset', subset, False, True)):
        bench = CopyBench(clock, os.path.join(workdir, 'copy-' + label),
                          runs, with_restore, upstream)
        out[label] = bench.run(src, label)
        common.remove(bench.workdir)
    return out
