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
"""

import dataclasses

from oslo_log import log as logging

from manila_bk.common import states
from manila_bk.data.backup import base
from manila_bk.data.flows import access
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
        fail(ctx, backup, failed.phase, failed.exc, driver=driver)
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
    phase = common.PHASE_ACCESS
    result = None
    try:
        with access.granted(ctx, share, backup.id, access.LEVEL_BACKUP):
            phase = common.PHASE_MOUNT
            with common.local_share(share) as path:
                phase = common.PHASE_BACKUP
                result = driver.backup(
                    spec, base.ShareSource(share.id, path), progress)
    except Exception as exc:
        if result is None:
            LOG.exception('Backup %s failed while %s', backup.id, phase)
            raise _Failed(phase, exc)
        # The backup is complete; only unmounting failed.  The mount is
        # undone when the data service next starts.
        LOG.exception('Backup %s is complete but cleaning up after it '
                      'failed', backup.id)
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


def finish(ctx, backup, result):
    """Record a complete backup; the share is freed first."""
    common.release_share(ctx, backup.share_id)
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


def fail(ctx, backup, phase, exc, driver=None, detail=None):
    """Set a failed backup to error; the share is freed."""
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
    common.release_share(ctx, backup.share_id)
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
