"""One backup or restore by the nfs backup driver, in its own process.

The data service runs the copy engine in its process; so does this
child, which prints one JSON line: the seconds of the driver call (which
ends with a sync of the file system), its result, and its memory: VmRSS
after start-up (imports, driver set-up) and VmHWM, the peak resident set
size of the whole process, at the end.  The parent also reads the
child's ``ru_maxrss`` from ``wait4``, the same peak seen from outside.

    python -m benchmarks.engine_child backup TARGET SOURCE BACKUP_ID
        [--parent PARENT_ID] [--threads N] [--no-prefetch]
    python -m benchmarks.engine_child restore TARGET DEST BACKUP_ID
        [--no-verify]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import types

SHARE_ID = '6f1d3c0a-8a34-4c43-9a4e-1b3f5e0b7c21'
PROJECT_ID = 'bench'
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _status(field):
    with open('/proc/self/status') as handle:
        for line in handle:
            if line.startswith(field + ':'):
                return int(line.split()[1])
    return None


def make_driver(target, threads=4, verify=True, prefetch=True):
    from manila_bk.data.backup.drivers import nfs
    conf = types.SimpleNamespace(
        backup_mount_export=target, backup_mount_template='',
        backup_copy_threads=threads, backup_checksum_algorithm='sha256',
        backup_verify_on_restore=verify, backup_metadata_prefetch=prefetch)
    driver = nfs.NFSBackupDriver(conf, 'bench')
    driver.do_setup()
    driver.check_for_setup_error()
    return driver


def spec(backup_id, parent_id=None):
    from manila_bk.data.backup import base
    return base.BackupSpec(
        id=backup_id, share_id=SHARE_ID, project_id=PROJECT_ID, size=1,
        parent_id=parent_id,
        backup_type='incremental' if parent_id else 'full')


def _run(args):
    from manila_bk.data.backup import base
    driver = make_driver(args.target, args.threads, not args.no_verify,
                         not args.no_prefetch)
    backup = spec(args.backup_id, args.parent)
    source = base.ShareSource(SHARE_ID, args.path)
    rss_before = _status('VmRSS')
    start = time.perf_counter()
    if args.action == 'backup':
        result = driver.backup(backup, source, lambda percent: None)
        out = {'size_bytes': result.size_bytes,
               'file_count': result.file_count,
               'backup_type': result.backup_type,
               'bytes_copied': result.bytes_copied}
    else:
        driver.restore(backup, source, lambda percent: None)
        out = {}
    os.sync()
    out.update(seconds=time.perf_counter() - start,
               rss_before_kib=rss_before, hwm_kib=_status('VmHWM'))
    return out


def parse(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument('action', choices=('backup', 'restore'))
    parser.add_argument('target', help='the backup target directory')
    parser.add_argument('path', help='share tree (backup: read; '
                                     'restore: written)')
    parser.add_argument('backup_id')
    parser.add_argument('--parent')
    parser.add_argument('--threads', type=int, default=4)
    parser.add_argument('--no-verify', action='store_true')
    parser.add_argument('--no-prefetch', action='store_true')
    return parser.parse_args(argv)


def main(argv=None):
    print(json.dumps(_run(parse(argv))), flush=True)
    return 0


def run_child(action, target, path, backup_id, parent=None, threads=4,
              verify=True, wrapper=(), prefetch=True):
    """Run the child; its JSON plus ``maxrss_kib``, its peak from wait4.

    ``wrapper`` goes in front of the command (a profiler, e.g. py-spy);
    then ``maxrss_kib`` is the wrapper's, and only VmHWM is the engine's.
    """
    argv = list(wrapper) + [sys.executable, '-m', 'benchmarks.engine_child',
                            action, target, path, backup_id,
                            '--threads', str(threads)]
    if parent:
        argv += ['--parent', parent]
    if not verify:
        argv.append('--no-verify')
    if not prefetch:
        argv.append('--no-prefetch')
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        p for p in (REPO_ROOT, env.get('PYTHONPATH')) if p)
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err,
                                env=env, cwd=REPO_ROOT,
                                stdin=subprocess.DEVNULL)
        out = proc.stdout.read()
        proc.stdout.close()
        # wait4, not Popen.wait: it returns this child's own rusage.
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        errors = err.read().decode(errors='replace')
    if proc.returncode:
        raise RuntimeError('engine child %s failed (%s): %s' % (
            action, proc.returncode, errors[-3000:]))
    lines = [ln for ln in out.decode().splitlines() if ln.startswith('{')]
    result = json.loads(lines[-1])
    result['maxrss_kib'] = usage.ru_maxrss
    return result


if __name__ == '__main__':
    sys.exit(main())
