"""Run the benchmarks: ``python -m benchmarks [--quick] [--out DIR]``.

Writes ``results.json``, ``results.md``, ``results.rst`` (included by the
docs page) and PNG plots into ``--out`` (default
``doc/source/admin/benchmarks``).  Data sets and scratch trees live in
``--workdir`` (default ``/var/tmp/manila-bk-bench``; generated data sets
are kept there and reused by later runs).  Results are written after
every section, so an interrupted run keeps what it measured.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time

from benchmarks import common

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECTIONS = ('copy', 'incremental', 'memory', 'revert', 'api', 'apipath')


def parse(argv):
    parser = argparse.ArgumentParser(prog='python -m benchmarks',
                                     description=__doc__.split('\n')[0])
    parser.add_argument('--quick', action='store_true',
                        help='scaled-down data sets (under 5 minutes)')
    parser.add_argument('--out', default=os.path.join(
        REPO_ROOT, 'doc', 'source', 'admin', 'benchmarks'))
    parser.add_argument('--workdir', default='/var/tmp/manila-bk-bench')
    parser.add_argument('--only', default=','.join(SECTIONS),
                        help='comma-separated sections: %s'
                        % ', '.join(SECTIONS))
    parser.add_argument('--runs', type=int,
                        help='rounds per measurement (default 3)')
    parser.add_argument('--no-drop-caches', action='store_true')
    parser.add_argument('--profile', action='store_true',
                        help='also profile the engine and the API with '
                             'py-spy (about a minute more)')
    args = parser.parse_args(argv)
    args.only = [s for s in args.only.split(',') if s]
    unknown = set(args.only) - set(SECTIONS)
    if unknown:
        parser.error('unknown sections: %s' % ', '.join(sorted(unknown)))
    return args


def _tool_version(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True,
                             timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return out.splitlines()[0].strip() if out else None


def machine(clock, workdir):
    from benchmarks import revert_bench
    with open('/proc/meminfo') as handle:
        mem_kib = int(handle.readline().split()[1])
    return {
        'date': datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec='seconds'),
        'kernel': platform.release(), 'cpus': os.cpu_count(),
        'memory_gib': round(mem_kib / 2 ** 20, 1),
        'python': platform.python_version(),
        'workdir_fs': revert_bench.fs_type(os.path.realpath(workdir)),
        'page_cache_dropped': clock.drop_caches,
        # Other work on the machine skews every figure: say how busy it was.
        'loadavg_at_start': os.getloadavg(),
        'tools': {name: _tool_version(argv) for name, argv in (
            ('cp', ['cp', '--version']), ('rsync', ['rsync', '--version']),
            ('tar', ['tar', '--version']), ('restic', ['restic', 'version']),
        )},
    }


def make_datasets(profile, workdir):
    from benchmarks import datasets
    large = datasets.make_large(
        os.path.join(workdir, 'L-%dMiB' % (profile.l_bytes // common.MiB)),
        profile.l_files, profile.l_bytes)
    small = datasets.make_small(
        os.path.join(workdir, 'S-%d' % profile.s_files), profile.s_files,
        profile.s_dirs)
    smaller = datasets.make_small(
        os.path.join(workdir, 'S-%d' % profile.s_small_files),
        profile.s_small_files,
        max(20, profile.s_dirs * profile.s_small_files // profile.s_files))
    subset = datasets.make_subset(
        small, os.path.join(workdir, 'S-%d-first-%d' % (
            profile.s_files, profile.upstream_files)),
        profile.upstream_files)
    return {'L': large, 'S': small, 'S-smaller': smaller, 'subset': subset}


def run_section(name, args, profile, clock, trees, results):
    from benchmarks import (api_bench, apipath_bench, copy_bench,
                            incremental_bench, memory_bench, profiling,
                            revert_bench)
    work, runs = args.workdir, args.runs or profile.runs
    if name == 'copy':
        return copy_bench.run(clock, work, runs, trees['L'], trees['S'],
                              trees['subset'])
    if name == 'incremental':
        return incremental_bench.run(clock, work, runs, {
            label: trees[label] for label in profile.incremental_sets})
    if name == 'memory':
        large = 'S-%d' % profile.s_files
        known = {}
        records = (results.get('copy') or {}).get('S', {}).get(
            'engine_records')
        if records:
            known[large] = memory_bench.from_records(records, trees['S'])
        return memory_bench.run(clock, work, {
            'S-%d' % profile.s_small_files: trees['S-smaller'],
            large: trees['S']}, runs, known)
    if name == 'revert':
        return revert_bench.run(work, profile.revert_mib, runs)
    if name == 'api':
        hook = None
        if args.profile:
            store = results.setdefault('profiles', {}).setdefault('api', {})
            hook = profiling.api_hook(store)
        return api_bench.run(profile, wrap=hook)
    return apipath_bench.run(clock, {'L': trees['L'], 'S': trees['S']},
                             args.runs or profile.api_path_runs)


def write(results, out_dir):
    from benchmarks import plots
    from benchmarks import report
    os.makedirs(out_dir, exist_ok=True)
    meta = results['meta']
    header = ('Results of `python -m benchmarks%s` on %s (%s CPUs, %s GiB, '
              'kernel %s, work directory on %s, load average %.1f at the '
              'start); page cache dropped before every timed operation: '
              '%s.' % (' --quick' if meta['profile'] == 'quick' else '',
                       meta['date'], meta['cpus'], meta['memory_gib'],
                       meta['kernel'], meta['workdir_fs'],
                       meta['loadavg_at_start'][0],
                       'yes' if meta['page_cache_dropped'] else 'no'))
    if meta.get('note'):
        header += ' ' + meta['note']
    results['plots'] = plots.draw_all(results, out_dir)
    with open(os.path.join(out_dir, 'results.json'), 'w') as handle:
        json.dump(results, handle, indent=1, sort_keys=True)
    with open(os.path.join(out_dir, 'results.md'), 'w') as handle:
        handle.write(report.markdown(results, header))
    with open(os.path.join(out_dir, 'results.rst'), 'w') as handle:
        handle.write(report.rst(results, header.replace('`', '``')))


def main(argv=None):
    args = parse(argv)
    profile = common.QUICK if args.quick else common.FULL
    clock = common.Clock(drop_caches=not args.no_drop_caches)
    os.makedirs(args.workdir, exist_ok=True)
    started = time.monotonic()
    results = {'meta': dict(machine(clock, args.workdir),
                            profile=profile.name,
                            runs=args.runs or profile.runs,
                            section_seconds={})}
    start = time.monotonic()
    trees = make_datasets(profile, args.workdir)
    results['meta']['section_seconds']['datasets'] = \
        time.monotonic() - start
    for name in args.only:
        common.log('section %s', name)
        start = time.monotonic()
        results['api_path' if name == 'apipath' else name] = run_section(
            name, args, profile, clock, trees, results)
        results['meta']['section_seconds'][name] = time.monotonic() - start
        write(results, args.out)
    if args.profile:
        from benchmarks import profiling
        common.log('profiling the engine')
        results.setdefault('profiles', {})['engine'] = profiling.engine(
            clock, args.workdir, trees['S'])
    results['meta']['total_seconds'] = time.monotonic() - started
    results['meta']['loadavg_at_end'] = os.getloadavg()
    write(results, args.out)
    common.log('done in %.0f s; results in %s',
               results['meta']['total_seconds'], args.out)
    return 0


if __name__ == '__main__':
    sys.exit(main())
