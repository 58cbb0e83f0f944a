"""Create a backup: the manager claimed it (creating, host = this node).

Grant the data node read access, reach the share's data (mounted or a
local path), let the driver copy it with progress, then, in every
outcome, unmount and revoke.  Success: the share is set available first
(a client that saw the backup available may restore at once), then the
backup available with progress 100 and what the driver really made (a
requested incremental may have become full).  Failure: partial data
removed, a user message, the share available, the backup error with a
fail_reason.  The backup's quota stays counted until it is deleted.

An incremental request (``backup_type`` incremental, no ``parent_id``)
builds on the share's newest available backup: unchanged files are
hard-linked from it on the target, and every backup stays complete.
With no usable parent (none available, or not complete on the target) a
full backup is made: the backup's ``backup_type`` becomes ``full`` (shown
from API 2.85) and an INFO user message on the backup says so; a
requested incremental is never an error.

With ``backup_from_snapshot`` (see :mod:`.backup_snapshot`) the share is
held only while a temporary snapshot is taken; the copy reads the
snapshot, which is deleted before the backup's final status is set, in
every outcome.
"""

import contextlib
import dataclasses

from oslo_log import log as logging

from manila_bk.common import states
from manila_bk.data.backup import base
from manila_bk.data.flows import access
from manila_bk.data.flows import backup_snapshot
from manila_bk.data.flows import common
from manila_bk.db import api as db
from manila_bk import exception

LOG = logging.getLogger(__name__)


def create_backup(context, driver, backup_id, host):
    """Run the claimed backup ``backup_id`` with ``driver`` on ``host``."""
    ctx = common.admin(context)
    try:
        backup = db.share_backup_get(ctx, backup_id)
        share = db.share_get(ctx, backup.share_id)
    except (exception.ShareBackupNotFound, exception.ShareNotFound) as exc:
        LOG.warning('Backup %s cannot run: %s', backup_id, exc)
        _fail_missing(ctx, backup_id, exc)
        return
    try:
        common.check_share(share, states.STATUS_BACKUP_CREATING)
        if driver is None:
            raise common.NoBackupBackend(host=host)
    except exception.ManilaBkException as exc:
        fail(ctx, backup, common.PHASE_CHECK, exc)
        return
    LOG.info('Backup %s of share %s started on %s', backup.id, share.id,
             host)
    try:
        result = _copy(ctx, driver, backup, share)
    except _Failed as failed:
        # A share service that did not answer will not delete the
        # snapshot now either: ask, but do not wait again.
        fail(ctx, backup, failed.phase, failed.exc, driver=driver,
             wait=not isinstance(failed.exc,
                                 backup_snapshot.ShareServiceTimeout))
        return
    finish(ctx, backup, result)


class _Failed(Exception):
    def __init__(self, phase, exc):
        super().__init__(str(exc))
        self.phase, self.exc = phase, exc


def _copy(ctx, driver, backup, share):
    """The driver's BackupResult; raises _Failed naming the phase."""
    spec = _with_parent(ctx, common.backup_spec(backup))
    progress = common.ProgressWriter(ctx, backup.id, 'progress')
    export = _snapshot_export(ctx, driver, backup, share)
    if export is None:
        steps = [(common.PHASE_ACCESS,
                  lambda: access.granted(ctx, share, backup.id,
                                         access.LEVEL_BACKUP)),
                 (common.PHASE_MOUNT, lambda: common.local_share(share))]
    else:
        # The snapshot is exported to the data node by the share service.
        steps = [(common.PHASE_MOUNT,
                  lambda: backup_snapshot.mounted(share, export))]
    return _run(driver, backup.id, spec, share.id, progress, steps)


def _snapshot_export(ctx, driver, backup, share):
    """The export of a temporary snapshot to copy from, or None."""
    if not (backup_snapshot.enabled(driver) and
            backup_snapshot.snapshot_support(ctx, share)):
        return None
    try:
        return backup_snapshot.take(ctx, backup, share)
    except Exception as exc:
        LOG.exception('Backup %s failed while %s', backup.id,
                      backup_snapshot.PHASE_SNAPSHOT)
        raise _Failed(backup_snapshot.PHASE_SNAPSHOT, exc)


def _run(driver, backup_id, spec, share_id, progress, steps):
    """Enter each (phase, context manager) step, then let the driver copy.

    The last step yields the directory to copy.
    """
    phase = steps[0][0]
    result = None
    try:
        with contextlib.ExitStack() as stack:
            path = None
            for phase, enter in steps:
                path = stack.enter_context(enter()) or path
            phase = common.PHASE_BACKUP
            result = driver.backup(spec, base.ShareSource(share_id, path),
                                   progress)
    except Exception as exc:
        if result is None:
            LOG.exception('Backup %s failed while %s', backup_id, phase)
            raise _Failed(phase, exc)
        # The backup is complete; only unmounting failed.  The mount is
        # undone when the data service next starts.
        LOG.exception('Backup %s is complete but cleaning up after it '
                      'failed', backup_id)
    return result


def _with_parent(ctx, spec):
    """An incremental request builds on the share's newest backup.

    The driver makes a full backup when that parent is not usable on the
    target, and the result says so.
    """
    if spec.backup_type != base.BACKUP_TYPE_INCREMENTAL or spec.parent_id:
        return spec
    parent = db.share_backup_get_latest_available(ctx, spec.share_id)
    if parent is None or parent.id == spec.id:
        return spec
    return dataclasses.replace(spec, parent_id=parent.id)


def _free(ctx, backup, wait):
    """Delete the backup's temporary snapshot; free the share if held."""
    # Asked first: deleting the snapshot clears what the answer rests on.
    held = backup_snapshot.holds_share(ctx, backup.id)
    backup_snapshot.drop(ctx, backup.id, wait=wait)
    if held:
        common.release_share(ctx, backup.share_id)


def finish(ctx, backup, result, wait=True):
    """Record a complete backup; the share is freed first.

    ``wait``: await the deletion of a temporary snapshot (else only ask).
    """
    _free(ctx, backup, wait)
    values = {'status': states.STATUS_AVAILABLE, 'progress': '100',
              'backup_type': result.backup_type,
              'parent_id': result.parent_id, 'fail_reason': None}
    if common.set_backup(ctx, backup.id, values,
                         (states.STATUS_CREATING,)):
        LOG.info('Backup %s of share %s is available (%s, %d entries, '
                 '%d bytes, %d copied)', backup.id, backup.share_id,
                 result.backup_type, result.file_count, result.size_bytes,
                 result.bytes_copied)
        if backup.backup_type == base.BACKUP_TYPE_INCREMENTAL and \
                result.backup_type == base.BACKUP_TYPE_FULL:
            _made_full(ctx, backup)


def _made_full(ctx, backup):
    """Tell that a requested incremental backup became a full one."""
    LOG.info('Backup %s was requested incremental but share %s has no '
             'usable parent backup; a full backup was made', backup.id,
             backup.share_id)
    common.user_message(ctx, common.RESOURCE_BACKUP, backup.id,
                        common.Action.CREATE_BACKUP,
                        common.Detail.INCREMENTAL_MADE_FULL,
                        backup.project_id, level='INFO')


def fail(ctx, backup, phase, exc, driver=None, detail=None, wait=True):
    """Set a failed backup to error; the share is freed.

    ``wait``: await the deletion of a temporary snapshot (else only ask).
    """
    if driver is not None:
        with common.logged('Removing the partial data of backup %s'
                           % backup.id):
            driver.cleanup_partial(backup.id)
    reason = common.fail_reason(phase, exc)
    detail = detail or common.detail_for(phase, exc) or \
        common.Detail.BACKUP_FAILED
    common.user_message(ctx, common.RESOURCE_BACKUP, backup.id,
                        common.Action.CREATE_BACKUP, detail,
                        backup.project_id)
    _free(ctx, backup, wait)
    common.set_backup(ctx, backup.id,
                      {'status': states.STATUS_ERROR, 'fail_reason': reason},
                      (states.STATUS_CREATING,))
    LOG.error('Backup %s of share %s failed: %s', backup.id,
              backup.share_id, reason)


def _fail_missing(ctx, backup_id, exc):
    if isinstance(exc, exception.ShareBackupNotFound):
        return
    common.set_backup(ctx, backup_id, {
        'status': states.STATUS_ERROR,
        'fail_reason': common.fail_reason(common.PHASE_ACCESS, exc)},
        (states.STATUS_CREATING,))
