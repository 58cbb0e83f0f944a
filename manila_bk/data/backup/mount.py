"""Mounting shares and backup targets on the data node through templates.

A template such as ``mount -t %(proto)s -o%(options)s %(export)s %(path)s``
is split into an argument vector with :func:`shlex.split` first; only then
is each argument %-formatted.  No shell ever runs, so a value holding
spaces, ``;`` or ``$(...)`` reaches the command as one literal argument.
An argument in which a placeholder expands to an empty value is dropped
(``-o%(options)s`` without options).

An empty mount template means the export is a directory on this host:
:func:`mounted` then yields it (``host:/path`` gives ``/path``) and runs
nothing.  Mount points are created under a mount root (``$state_path/mnt``)
and removed after unmounting; :func:`find_leftover_mounts` lists what a
crash left mounted there, for clean-up at start.
"""

import contextlib
import os
import re
import shlex
import subprocess
import time
import uuid

from oslo_log import log as logging

from manila_bk.data.backup import base

LOG = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r'%\((\w+)\)s')
_OCTAL_ESCAPE = re.compile(r'\\([0-7]{3})')
_SAFE_NAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]*$')

DEFAULT_TIMEOUT = 120
UNMOUNT_ATTEMPTS = 3
UNMOUNT_DELAY = 1.0


def build_argv(template, **values):
    """Split ``template`` into arguments, then fill each one from values.

    Raises BackupMountError when the template cannot be split or names a
    placeholder that has no value.
    """
    try:
        words = shlex.split(template)
    except ValueError as exc:
        raise base.BackupMountError(action='parse', target=template,
                                    reason=str(exc))
    argv = []
    for word in words:
        names = _PLACEHOLDER.findall(word)
        missing = [name for name in names if name not in values]
        if missing:
            raise base.BackupMountError(
                action='parse', target=template,
                reason='unknown placeholder %s' % ', '.join(missing))
        if any(values[name] in (None, '') for name in names):
            continue
        try:
            argv.append(word % {name: str(values[name]) for name in names}
                        if names else word.replace('%%', '%'))
        except (ValueError, TypeError) as exc:
            raise base.BackupMountError(action='parse', target=template,
                                        reason=str(exc))
    if not argv:
        raise base.BackupMountError(action='parse', target=template,
                                    reason='the template is empty')
    return argv


def execute(argv, timeout=DEFAULT_TIMEOUT):
    """Run ``argv`` (no shell); raise BackupMountError unless it succeeds."""
    LOG.debug('Running %s', argv)
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True,
                              errors='replace', timeout=timeout,
                              check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise base.BackupMountError(action='run', target=argv[0],
                                    reason=str(exc))
    if proc.returncode != 0:
        raise base.BackupMountError(
            action='run', target=' '.join(shlex.quote(a) for a in argv),
            reason='exit code %s: %s' % (
                proc.returncode, (proc.stderr or proc.stdout).strip()))
    return proc.stdout


def export_to_local_path(export):
    """The local directory an export names when no mounting is configured.

    ``host:/path`` gives ``/path``; an absolute path is returned as is.
    """
    if not export:
        raise base.BackupMountError(action='use', target=repr(export),
                                    reason='no export is configured')
    if export.startswith('/'):
        return export
    host, sep, path = export.partition(':')
    if sep and path.startswith('/'):
        return path
    raise base.BackupMountError(
        action='use', target=export,
        reason='not a local path; configure a mount template to mount it')


def mount(export, path, template, proto='nfs', options='',
          timeout=DEFAULT_TIMEOUT):
    argv = build_argv(template, proto=proto, options=options,
                      export=export, path=path)
    LOG.info('Mounting %s on %s', export, path)
    execute(argv, timeout=timeout)


def unmount(path, template, attempts=UNMOUNT_ATTEMPTS,
            delay=UNMOUNT_DELAY, timeout=DEFAULT_TIMEOUT):
    """Unmount ``path``, retrying (a mount is briefly busy after use)."""
    argv = build_argv(template, path=path, proto='', options='',
                      export='')
    for attempt in range(1, attempts + 1):
        try:
            execute(argv, timeout=timeout)
            LOG.info('Unmounted %s', path)
            return
        except base.BackupMountError:
            if attempt == attempts:
                raise
            LOG.warning('Unmounting %s failed (attempt %d of %d); '
                        'retrying', path, attempt, attempts)
            time.sleep(delay)


@contextlib.contextmanager
def mounted(export, name, mount_template, unmount_template, mount_root,
            proto='nfs', options='', timeout=DEFAULT_TIMEOUT):
    """Yield a local directory holding ``export``'s data.

    With an empty ``mount_template`` the export is a local path, yielded
    as is.  Otherwise it is mounted on ``<mount_root>/<name>-<random>``,
    unmounted and the mount point removed when the block ends, also on
    error; an unmount failure is raised only when the block succeeded.
    """
    if not mount_template:
        local = export_to_local_path(export)
        if not os.path.isdir(local):
            raise base.BackupMountError(action='use', target=local,
                                        reason='no such directory')
        yield local
        return
    if not _SAFE_NAME.match(name):
        raise base.BackupMountError(action='mount', target=export,
                                    reason='bad mount point name %r' % name)
    os.makedirs(mount_root, mode=0o700, exist_ok=True)
    path = os.path.join(mount_root, '%s-%s' % (name, uuid.uuid4().hex[:8]))
    os.mkdir(path, 0o700)
    try:
        mount(export, path, mount_template, proto=proto, options=options,
              timeout=timeout)
    except Exception:
        _remove_mount_point(path)
        raise
    ok = False
    try:
        yield path
        ok = True
    finally:
        _unmount_after_use(path, unmount_template, timeout, raise_error=ok)


def _unmount_after_use(path, template, timeout, raise_error):
    try:
        unmount(path, template, timeout=timeout)
    except base.BackupMountError:
        if raise_error:
            raise
        LOG.exception('Could not unmount %s; it is retried when the data '
                      'service starts', path)
        return
    _remove_mount_point(path)


def _remove_mount_point(path):
    try:
        os.rmdir(path)
    except OSError as exc:
        LOG.warning('Could not remove mount point %s: %s', path, exc)


def _unescape(field):
    return _OCTAL_ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), field)


def find_leftover_mounts(prefix, mounts_file='/proc/self/mounts'):
    """Return mount points at or below ``prefix``, deepest first."""
    prefix = os.path.normpath(prefix)
    found = []
    with open(mounts_file, encoding='utf-8', errors='surrogateescape') as f:
        for line in f:
            fields = line.split()
            if len(fields) < 2:
                continue
            point = _unescape(fields[1])
            if point == prefix or point.startswith(prefix.rstrip('/') + '/'):
                found.append(point)
    return sorted(set(found), key=lambda p: (-p.count('/'), p))


def cleanup_leftover_mounts(mount_root, unmount_template,
                            mounts_file='/proc/self/mounts'):
    """Unmount what is mounted below ``mount_root`` and remove the points.

    Called by the data service at start.  Returns the paths it could not
    unmount.  Empty directories left below the root are removed too.
    """
    failed = []
    for path in find_leftover_mounts(mount_root, mounts_file):
        if os.path.normpath(path) == os.path.normpath(mount_root):
            continue
        try:
            unmount(path, unmount_template)
        except base.BackupMountError as exc:
            LOG.error('Leftover mount %s could not be unmounted: %s',
                      path, exc)
            failed.append(path)
            continue
        _remove_mount_point(path)
    if os.path.isdir(mount_root):
        for entry in os.scandir(mount_root):
            if entry.is_dir(follow_symlinks=False) and \
                    entry.path not in failed:
                with contextlib.suppress(OSError):
                    os.rmdir(entry.path)
    return failed


def share_mounted(conf, share_id, export, proto='nfs',
                  timeout=DEFAULT_TIMEOUT):
    """:func:`mounted` for a share export, with the [DEFAULT] share options.

    ``conf`` is the global configuration object (``share_mount_template``,
    ``share_unmount_template``, ``share_mount_options``,
    ``backup_mount_root``).
    """
    return mounted(export, 'share-%s' % share_id,
                   conf.share_mount_template, conf.share_unmount_template,
                   conf.backup_mount_root, proto=proto.lower(),
                   options=conf.share_mount_options, timeout=timeout)
